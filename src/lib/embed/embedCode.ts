/**
 * The embed codes a journalist copies from the builder: the `/embed` URL, the iframe
 * snippet with the resize script, the static image and the oEmbed endpoint. Pure functions
 * of the view state and the builder's options, so they are unit tested without a browser.
 */
import { DEFAULT_VIEW, viewStateToQuery, type Theme, type ViewState } from '../domain/viewState.ts';

export const SIZE_PRESETS = {
	responsive: { label: 'Responsive', detail: 'full width, height fits', width: null, height: 520 },
	'640x480': { label: '640 × 480', detail: 'article column', width: 640, height: 480 },
	'1000x600': { label: '1000 × 600', detail: 'wide', width: 1000, height: 600 },
	square: { label: '600 × 600', detail: 'square, for social', width: 600, height: 600 }
} as const;
export type SizePreset = keyof typeof SIZE_PRESETS;

export interface EmbedOptions {
	/** Follow new data (`live=1`) or stay with the data as of `asof` (`live=0`). */
	live: boolean;
	/** Data version the pinned embed shows (the page's last change seq). */
	asof: number;
	/**
	 * The day or year shown. Pinned embeds always write one (callers pass the resolved
	 * day or year, never `latest`); live embeds write it only when the author pins a date
	 * (null: the latest data).
	 */
	time: string | null;
	theme: Theme;
	controls: boolean;
	size: SizePreset;
}

const trimOrigin = (origin: string) => origin.replace(/\/+$/, '');

/** The view state the embed shows: the map tab, no presenter session, the builder's choices. */
export function embedViewState(view: ViewState, options: EmbedOptions): ViewState {
	const time = options.time && options.time !== 'latest' ? options.time : DEFAULT_VIEW.time;
	return {
		...view,
		time,
		tab: 'map',
		theme: options.theme,
		live: options.live,
		controls: options.controls,
		follow: null
	};
}

/** The query every embed surface shares (no leading `?`). */
export function embedQuery(view: ViewState, options: EmbedOptions): string {
	const query = viewStateToQuery(embedViewState(view, options));
	// `live=1` is the codec's default, so it writes nothing; embeds say it outright.
	const extra = options.live ? 'live=1' : `asof=${Math.max(0, Math.trunc(options.asof))}`;
	return query ? `${query}&${extra}` : extra;
}

/** The `/embed?…` page the iframe loads. */
export function embedUrl(origin: string, view: ViewState, options: EmbedOptions): string {
	return `${trimOrigin(origin)}/embed?${embedQuery(view, options)}`;
}

/** The same view drawn on the server as a PNG: for print, social cards, no-JS readers. */
export function imageUrl(origin: string, view: ViewState, options: EmbedOptions): string {
	return `${trimOrigin(origin)}/embed.png?${embedQuery(view, options)}`;
}

/** The oEmbed endpoint for the embed (with the preset's size as maxwidth / maxheight). */
export function oembedUrl(origin: string, view: ViewState, options: EmbedOptions): string {
	const preset = SIZE_PRESETS[options.size];
	const size = preset.width ? `&maxwidth=${preset.width}&maxheight=${preset.height}` : '';
	const url = encodeURIComponent(embedUrl(origin, view, options));
	return `${trimOrigin(origin)}/api/oembed?url=${url}&format=json${size}`;
}

/** Escapes a value for a double-quoted HTML attribute (and text). */
export function escapeAttribute(value: string): string {
	return value
		.replace(/&/g, '&amp;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;');
}

/**
 * The HTML a publisher pastes: the iframe, and (when its height should follow the
 * content) the `/embed.js` script that applies the `crossings:height` messages.
 */
export function embedSnippet(
	origin: string,
	view: ViewState,
	options: EmbedOptions,
	title: string
): string {
	const preset = SIZE_PRESETS[options.size];
	const width = preset.width === null ? '100%' : String(preset.width);
	const style =
		preset.width === null
			? 'border:0;width:100%'
			: `border:0;width:100%;max-width:${preset.width}px`;
	const iframe =
		`<iframe src="${escapeAttribute(embedUrl(origin, view, options))}"` +
		` title="${escapeAttribute(title)}"` +
		` width="${width}" height="${preset.height}"` +
		` style="${style}" loading="lazy" allow="fullscreen"></iframe>`;
	const script = `<script async src="${escapeAttribute(trimOrigin(origin))}/embed.js"></script>`;
	return `${iframe}\n${script}`;
}
