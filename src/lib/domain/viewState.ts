/**
 * The one view state shared by `/`, `/embed`, `/present` and follow sessions, and its URL
 * codec. Only values that differ from the defaults are written, so shared links stay short.
 */
import { isIsoDay } from './date.ts';

export const LAYERS = ['border-status', 'remittances', 'corridors', 'entry'] as const;
export type LayerId = (typeof LAYERS)[number];
export const TABS = ['map', 'table', 'chart'] as const;
export type Tab = (typeof TABS)[number];
export const THEMES = ['light', 'dark', 'auto'] as const;
export const MEASURE_PARAMS = ['received', 'paid', 'share_gdp'] as const;
export type MeasureParam = (typeof MEASURE_PARAMS)[number];
export type Theme = (typeof THEMES)[number];

export interface ViewState {
	layer: LayerId;
	/** `latest`, a day `YYYY-MM-DD`, or a year `YYYY`. */
	time: string;
	region: string | null;
	/** Selected countries (ISO3), in selection order. */
	country: string[];
	tab: Tab;
	theme: Theme;
	/** Embeds: follow new data (true) or stay pinned to `time` (false). */
	live: boolean;
	controls: boolean;
	follow: string | null;
	/** Remittances layer: received, paid or share of GDP. */
	measure: MeasureParam;
}

export const DEFAULT_VIEW: Readonly<ViewState> = {
	layer: 'border-status',
	time: 'latest',
	region: null,
	country: [],
	tab: 'map',
	theme: 'auto',
	live: true,
	controls: true,
	follow: null,
	measure: 'received'
};

const TIME = /^(latest|\d{4}|\d{4}-\d{2}-\d{2})$/;

/** Whether `time` is `latest`, a year `YYYY` or a calendar day `YYYY-MM-DD`. */
export const isViewTime = (time: string): boolean =>
	TIME.test(time) && (time.length !== 10 || isIsoDay(time));

export const ISO3 = /^[A-Z]{3}$/;
const SESSION = /^[A-Za-z0-9_-]{1,64}$/;

const oneOf = <T extends string>(values: readonly T[], v: string | null): T | undefined =>
	v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;

/** Reads a view from URL parameters; anything malformed falls back to its default. */
export function parseViewState(params: URLSearchParams): ViewState {
	const time = params.get('time');
	const region = params.get('region')?.trim();
	const follow = params.get('follow');
	const country = (params.get('country') ?? '')
		.split('~')
		.map((c) => c.trim().toUpperCase())
		.filter((c, i, all) => ISO3.test(c) && all.indexOf(c) === i);
	return {
		layer: oneOf(LAYERS, params.get('layer')) ?? DEFAULT_VIEW.layer,
		time: time && isViewTime(time) ? time : DEFAULT_VIEW.time,
		region: region ? region.slice(0, 100) : null,
		country,
		tab: oneOf(TABS, params.get('tab')) ?? DEFAULT_VIEW.tab,
		theme: oneOf(THEMES, params.get('theme')) ?? DEFAULT_VIEW.theme,
		live: params.get('live') === '0' ? false : DEFAULT_VIEW.live,
		controls: params.get('controls') === '0' ? false : DEFAULT_VIEW.controls,
		follow: follow && SESSION.test(follow) ? follow : null,
		measure: oneOf(MEASURE_PARAMS, params.get('measure')) ?? DEFAULT_VIEW.measure
	};
}

/**
 * Writes the non-default parts of a view as a query string (no leading `?`), in a stable
 * order. Built by hand because URLSearchParams escapes the `~` of `country=MEX~USA`.
 */
export function viewStateToQuery(view: ViewState): string {
	const pairs: [string, string][] = [];
	if (view.layer !== DEFAULT_VIEW.layer) pairs.push(['layer', view.layer]);
	if (view.time !== DEFAULT_VIEW.time) pairs.push(['time', view.time]);
	if (view.region) pairs.push(['region', view.region]);
	if (view.country.length > 0) pairs.push(['country', view.country.join('~')]);
	if (view.tab !== DEFAULT_VIEW.tab) pairs.push(['tab', view.tab]);
	if (view.theme !== DEFAULT_VIEW.theme) pairs.push(['theme', view.theme]);
	if (!view.live) pairs.push(['live', '0']);
	if (!view.controls) pairs.push(['controls', '0']);
	if (view.follow) pairs.push(['follow', view.follow]);
	if (view.measure !== DEFAULT_VIEW.measure) pairs.push(['measure', view.measure]);
	return pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}
