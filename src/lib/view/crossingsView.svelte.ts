/**
 * Everything one Crossings view shows, in one place (as OWID's Grapher keeps `GrapherState`
 * apart from its components): the reader's choices (layer, time, measure, region,
 * selection, tab…), the data they apply to, and what follows from both (levels on the day,
 * counts, the summary sentence, table rows, changes). The page, embeds and the presenter
 * render it; the URL is one more way to read and write it. It runs without a browser, so
 * unit tests drive it directly.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the collections here are values, built
   whole inside $derived or assigned whole to $state.raw, never changed in place. */
import type { BorderStatusSeries, Level } from '../domain/borderStatus.ts';
import {
	applyBorderStatusChange,
	changesPerDay,
	dayAt,
	dayCount,
	indexOfDay,
	latestCoveredIndex,
	levelOn,
	levelRuns,
	levelsOn,
	resolveTime
} from '../domain/borderStatusSeries.ts';
import type { Country } from '../domain/country.ts';
import {
	borderStatusDescription,
	countLevels,
	remittanceDescription
} from '../domain/descriptions.ts';
import { formatDayLong } from '../domain/date.ts';
import {
	entryClasses,
	entryCounts,
	entryDescription,
	type EntryDirection,
	type EntryView
} from '../domain/entry.ts';
import type { ChangeItem } from '../domain/live.ts';
import type { FeedEntry } from '../changes/changeFilters.ts';
import { DEFAULT_SORT, type TableSort } from '../table/tableColumns.ts';
import {
	MEASURE_INFO,
	valueClass,
	type CorridorWithCost,
	type Measure,
	type YearValue
} from '../domain/remittances.ts';
import { borderStatusTable } from '../domain/borderStatusTable.ts';
import { levelChanges } from '../domain/levelChanges.ts';
import { levelCountsByDay } from '../domain/levelCounts.ts';
import { canonicalRegion, regionGroups, regionMembers } from '../domain/regions.ts';
import {
	DEFAULT_VIEW,
	parseViewState,
	viewStateToQuery,
	type LayerId,
	type Tab,
	type ViewState
} from '../domain/viewState.ts';

/** Years a measure covers; `latest` is the year "latest" means (nearly every country in). */
export type YearRange = { first: number; last: number; latest: number } | null;

/** What the server renders the page with. */
export interface ViewData {
	seq: number;
	series: BorderStatusSeries | null;
	countries: Country[];
	remittanceYears: Record<Measure, YearRange>;
	/** The remittance values of the view's year, when the server sends them with the page. */
	remittances?: { year: number; measure: Measure; values: [string, number][] } | null;
}

export interface RemittanceValues {
	year: number;
	measure: Measure;
	values: Map<string, number>;
}

export interface CorridorData {
	year: number;
	direction: 'in' | 'out';
	corridors: CorridorWithCost[];
}

const clamp = (n: number, lo: number, hi: number) => Math.min(Math.max(n, lo), hi);

export class CrossingsView {
	// The data, kept current by live changes.
	series = $state.raw<BorderStatusSeries | null>(null);
	// Set once by the constructor (the initial values keep derived fields' types simple).
	readonly countries: readonly Country[] = [];
	readonly countriesByIso3: ReadonlyMap<string, Country> = new Map();
	readonly remittanceYears: Record<Measure, YearRange> = {
		received: null,
		paid: null,
		share_gdp: null
	};
	/** Last change seq the data includes. */
	seq = $state(0);

	// The reader's choices (all of them round-trip through the URL).
	layer = $state<LayerId>(DEFAULT_VIEW.layer);
	/** Border status and corridors: the day shown, as an index into the series. */
	dayIndex = $state(0);
	/** Remittances: the year shown. */
	year = $state(0);
	measure = $state<Measure>(DEFAULT_VIEW.measure);
	/** The region filter as the reader chose it; `regionName` is its canonical spelling. */
	region = $state<string | null>(null);
	selection = $state<string[]>([]);
	tab = $state<Tab>(DEFAULT_VIEW.tab);
	// Carried for embeds and presenter sessions, which read them; the page keeps them as given.
	theme = $state(DEFAULT_VIEW.theme);
	live = $state(DEFAULT_VIEW.live);
	controls = $state(DEFAULT_VIEW.controls);
	follow = $state<string | null>(DEFAULT_VIEW.follow);
	/** Corridors: money flowing in or out of the first selected country. */
	direction = $state<'in' | 'out'>('in');

	/** The country under the pointer, on the map or in the table. */
	hovered = $state<string | null>(null);

	// Data fetched for the current choices (see the page's loaders).
	remittanceValues = $state.raw<RemittanceValues | null>(null);
	/** Remittances received per country and year: the table's and charts' money columns. */
	receivedSeries = $state.raw<ReadonlyMap<string, YearValue[]>>(new Map());
	corridorData = $state.raw<CorridorData | null>(null);
	/**
	 * Corridors: the COBAP bans between the focus country and its partners on the day (for
	 * money coming in, the partners that banned its people; going out, those it banned).
	 */
	corridorBans = $state.raw<EntryView | null>(null);
	/** Who can enter: whose rules (a passport's, or a destination's) … */
	entryDirection = $state<EntryDirection>('passport');
	/** … and the rules and bans of the day shown, for the chosen country. */
	entryData = $state.raw<EntryView | null>(null);
	/** The commit log, oldest first (history, then live arrivals). */
	commits = $state.raw<FeedEntry[]>([]);
	/** Bumped when live changes touch a layer, so loaders of that layer fetch again. */
	versions = $state({ remittances: 0, corridors: 0, borderStatus: 0, entry: 0 });

	constructor(data: ViewData, params: URLSearchParams = new URLSearchParams()) {
		this.series = data.series;
		this.seq = data.seq;
		this.countries = data.countries;
		this.countriesByIso3 = new Map(data.countries.map((c) => [c.iso3, c]));
		this.remittanceYears = data.remittanceYears;
		this.applyViewState(parseViewState(params));
		const sent = data.remittances;
		if (sent && sent.year === this.year && sent.measure === this.measure) {
			this.remittanceValues = { ...sent, values: new Map(sent.values) };
		}
	}

	/** Sets every choice from a view state (a URL, or a presenter's session). */
	applyViewState(view: ViewState): void {
		this.layer = view.layer;
		this.measure = view.measure;
		this.region = view.region;
		this.selection = view.country.filter((iso3) => this.countriesByIso3.has(iso3));
		this.tab = view.tab;
		this.theme = view.theme;
		this.live = view.live;
		this.controls = view.controls;
		this.follow = view.follow;
		this.dayIndex = this.series ? resolveTime(this.series, view.time) : 0;
		const range = this.remittanceYears[view.measure];
		const asked = Number(view.time.slice(0, 4));
		this.year = !range
			? 0
			: view.time === 'latest' || !asked
				? range.latest
				: clamp(asked, range.first, range.last);
	}

	// ---- time

	days = $derived(this.series ? dayCount(this.series) : 0);
	day = $derived(this.series ? dayAt(this.series, this.dayIndex) : '');
	years = $derived(this.remittanceYears[this.measure]);
	/** The day "latest" means (see latestCoveredIndex): the default, written as no `time`. */
	latestIndex = $derived(this.series ? latestCoveredIndex(this.series) : 0);
	atLatestDay = $derived(this.days > 0 && this.dayIndex === this.latestIndex);

	/** The URL's `time`: a day, a year on the remittances layer, or `latest`. */
	time = $derived.by(() => {
		if (this.layer === 'remittances') {
			return this.years && this.year === this.years.latest ? 'latest' : String(this.year);
		}
		return this.atLatestDay || !this.series ? 'latest' : this.day;
	});

	dayAt = (index: number): string => (this.series ? dayAt(this.series, index) : '');

	setDay(day: string): void {
		if (this.series) this.dayIndex = indexOfDay(this.series, day);
	}

	/** Moves time by `by` steps: days on the border-status layers, years on remittances. */
	stepTime(by: number): void {
		if (this.layer === 'remittances') {
			if (this.years) this.year = clamp(this.year + by, this.years.first, this.years.last);
		} else if (this.days > 0) {
			this.dayIndex = clamp(this.dayIndex + by, 0, this.days - 1);
		}
	}

	/** The nearest day before (-1) or after (1) the one shown on which a level changed. */
	changeDayIndex(direction: 1 | -1): number | null {
		const changes = this.changesPerDay;
		for (let i = this.dayIndex + direction; i >= 0 && i < changes.length; i += direction) {
			if ((changes[i] ?? 0) > 0) return i;
		}
		return null;
	}

	setMeasure(measure: Measure): void {
		const atLatest = this.time === 'latest';
		this.measure = measure;
		const range = this.remittanceYears[measure];
		if (range) this.year = atLatest ? range.latest : clamp(this.year, range.first, range.last);
	}

	// ---- region and selection

	regionChoices = $derived(regionGroups(this.countries));
	/** The region's members, or null when there is no filter (or the name is unknown). */
	members = $derived(this.region ? regionMembers(this.countries, this.region) : null);
	regionName = $derived(this.region ? canonicalRegion(this.countries, this.region) : null);
	/** A region in the URL that no classification knows: the page says so, filtering nothing. */
	unknownRegion = $derived(this.region !== null && this.members === null);

	isMember = (iso3: string): boolean => !this.members || this.members.has(iso3);

	selectedCountries = $derived(
		this.selection.map((iso3) => this.countriesByIso3.get(iso3)).filter((c) => c !== undefined)
	);
	/** The selected country the side panel and corridors are about: the last one chosen. */
	focusCountry = $derived(this.selectedCountries.at(-1) ?? null);

	setRegion(region: string | null): void {
		this.region = region && region.trim() ? region.trim() : null;
	}

	/** Makes `iso3` the only selected country (a click on the map); null clears. */
	selectOnly(iso3: string | null): void {
		this.selection = iso3 && this.countriesByIso3.has(iso3) ? [iso3] : [];
	}

	/** Adds or removes one country, keeping the others (the table, the picker). */
	toggleSelected(iso3: string): void {
		if (this.selection.includes(iso3)) this.selection = this.selection.filter((c) => c !== iso3);
		else if (this.countriesByIso3.has(iso3)) this.selection = [...this.selection, iso3];
	}

	/** Shows a change: its day on the map, its country selected. */
	focusChange(iso3: string, day: string): void {
		if (this.countriesByIso3.has(iso3) && !this.selection.includes(iso3)) {
			this.selection = [...this.selection, iso3];
		}
		this.setDay(day);
	}

	// ---- border status on the day

	/** Every country's level on the day; absent = no data. */
	levels = $derived(this.series ? levelsOn(this.series, this.dayIndex) : new Map<string, Level>());
	changesPerDay = $derived(this.series ? changesPerDay(this.series) : []);
	/** Countries with border-status data that the filter keeps. */
	tracked = $derived(
		this.series ? Object.keys(this.series.runs).filter((iso3) => this.isMember(iso3)) : []
	);
	/** How many of the tracked countries are at each level on the day (null: no data that day). */
	counts = $derived(countLevels(this.tracked, this.levels));

	/** One sentence for the overview and for screen readers. */
	summary = $derived(
		this.series
			? borderStatusDescription({
					day: this.day,
					tracked: this.tracked.length,
					counts: this.counts,
					regionName: this.regionName
				})
			: ''
	);

	levelOf(iso3: string): { level: Level | null; since: string | null } {
		return this.series ? levelOn(this.series, iso3, this.dayIndex) : { level: null, since: null };
	}

	// ---- remittances

	/** Remittance class per country for the map (only the filter's members). */
	valueClasses = $derived.by(() => {
		const shown = this.remittanceValues;
		const classes = new Map<string, number>();
		if (!shown) return classes;
		for (const [iso3, value] of shown.values) {
			const k = valueClass(shown.measure, value);
			if (k !== null) classes.set(iso3, k);
		}
		return classes;
	});
	classCounts = $derived(
		[0, 1, 2, 3, 4, 5].map(
			(k) => [...this.valueClasses].filter(([iso3, c]) => c === k && this.isMember(iso3)).length
		)
	);

	/** One sentence about the money on the map, for the overview and screen readers. */
	remittanceSummary = $derived.by(() => {
		const shown = this.remittanceValues;
		if (!shown) return '';
		return remittanceDescription({
			year: shown.year,
			measure: shown.measure,
			values: [...shown.values]
				.filter(([iso3]) => this.isMember(iso3))
				.map(([iso3, value]) => ({ name: this.countriesByIso3.get(iso3)?.name ?? iso3, value })),
			regionName: this.regionName
		});
	});

	// ---- corridors

	/** The focus country's partners, each with its level on the day shown. */
	partners = $derived.by(() => {
		const data = this.corridorData;
		const bans = this.corridorBans;
		// Bans of the same country, direction and day as the corridors shown, or none yet.
		const banSide = data?.direction === 'in' ? 'passport' : 'destination';
		const current =
			bans &&
			bans.country === this.focusCountry?.iso3 &&
			bans.direction === banSide &&
			bans.date === this.day
				? bans
				: null;
		// Partners follow the direction of the data held, not of a request still in flight.
		return (data?.corridors ?? []).map((c) => {
			const partner = data!.direction === 'in' ? c.from : c.to;
			return {
				...c,
				partner,
				level: this.levels.get(partner) ?? null,
				ban: current?.bans.get(partner) ?? null
			};
		});
	});

	// ---- who can enter

	/** The country whose rules the entry layer shows: the first selected (the contract's rule). */
	entryCountry = $derived(this.selectedCountries[0] ?? null);
	/** The entry data when it belongs to the choices shown (not a request still in flight). */
	entryShown = $derived.by(() => {
		const data = this.entryData;
		const country = this.entryCountry;
		return data &&
			country &&
			data.country === country.iso3 &&
			data.direction === this.entryDirection &&
			data.date === this.day
			? data
			: null;
	});
	/** Requirement ordinal per country for the map. */
	entryClasses = $derived(
		this.entryShown ? entryClasses(this.entryShown) : new Map<string, number>()
	);
	/** Countries a COBAP ban ties to the chosen one (within the filter), outlined on the map. */
	entryBanned = $derived(
		new Set([...(this.entryShown?.bans.keys() ?? [])].filter((iso3) => this.isMember(iso3)))
	);
	entryCounts = $derived(
		this.entryShown ? entryCounts(this.entryShown, (iso3) => this.isMember(iso3)) : null
	);
	entrySummary = $derived.by(() => {
		const shown = this.entryShown;
		if (!shown || !this.entryCounts) return '';
		return entryDescription({
			view: shown,
			countryName: this.countriesByIso3.get(shown.country)?.name ?? shown.country,
			dayLong: formatDayLong(shown.date),
			counts: this.entryCounts,
			bans: this.entryBanned.size,
			regionName: this.regionName
		});
	});

	/** Countries the map keeps in colour; the rest step back. Null: all of them. */
	mapFocus = $derived.by(() => {
		if (this.layer === 'corridors' && this.focusCountry) {
			return new Set([this.focusCountry.iso3, ...this.partners.map((p) => p.partner)]);
		}
		return this.members;
	});

	/** What the map shows, as a headline (also the PNG export's title). */
	mapTitle = $derived(
		(this.layer === 'remittances'
			? `${MEASURE_INFO[this.measure].label} in ${this.year}`
			: this.layer === 'entry'
				? this.entryTitle
				: `International travel controls on ${this.day ? formatDayLong(this.day) : '…'}`) +
			(this.regionName ? `: ${this.regionName}` : '')
	);
	mapLabel = $derived(`World map. ${this.mapTitle}`);

	/**
	 * The time whose data the map holds, for its test hooks: empty while the data for the
	 * choices shown is on its way.
	 */
	mapTime = $derived(
		this.layer === 'remittances'
			? String(this.remittanceValues?.year ?? '')
			: this.layer === 'entry' && this.entryCountry && !this.entryShown
				? ''
				: this.day
	);
	/** What every map surface (page, embed, stage) draws for the layer shown: spread into CountryMap. */
	mapData = $derived({
		mode: this.layer,
		levels: this.levels,
		valueClasses: this.valueClasses,
		entryClasses: this.entryClasses,
		banned: this.entryBanned,
		focus: this.mapFocus,
		frame: this.members,
		time: this.mapTime,
		seq: this.seq,
		selected: this.selection,
		label: this.mapLabel
	});
	/** The sentence about the layer shown. */
	layerSummary = $derived(
		this.layer === 'remittances'
			? this.remittanceSummary
			: this.layer === 'entry'
				? this.entrySummary
				: this.summary
	);

	get entryTitle(): string {
		const day = this.day ? formatDayLong(this.day) : '…';
		const country = this.entryCountry;
		if (!country) return `Who can enter: choose a passport (${day})`;
		return this.entryDirection === 'passport'
			? `Where holders of a passport of ${country.name} could go on ${day}`
			: `Who could enter ${country.name} on ${day}`;
	}

	// ---- the analyst's views: table, changes, charts (all within the filter)

	/** One row per tracked country of the filter, as of the day shown. */
	tableRows = $derived(
		this.series
			? borderStatusTable(
					this.series,
					this.dayIndex,
					this.countries.filter((c) => this.isMember(c.iso3)),
					this.receivedSeries
				)
			: []
	);
	/** Table order, kept here so an export writes rows in the order they are shown. */
	tableSort = $state<TableSort>(DEFAULT_SORT);

	/** Level changes in the series itself, newest first: never empty on real data. */
	levelChanges = $derived(
		this.series ? levelChanges(this.series, { members: this.members ?? undefined }) : []
	);
	/** The commit log within the filter, newest first. */
	commitsShown = $derived(this.commits.filter((c) => this.isMember(c.iso3)).toReversed());

	/** Countries per level per day within the filter: the stacked area chart. */
	countsByDay = $derived(
		// Members the series tracks, as the map's counts: not places no source covers at all.
		this.series
			? levelCountsByDay(this.series, this.members ? new Set(this.tracked) : undefined)
			: []
	);
	/** The selected countries' level runs as days, for the step-line chart. */
	histories = $derived(
		this.series
			? this.selectedCountries.map((c) => ({
					iso3: c.iso3,
					name: c.name,
					runs: levelRuns(this.series!, c.iso3)
				}))
			: []
	);
	/** The selected countries' remittances received, for the chart beside the levels. */
	selectionRemittances = $derived(
		this.selectedCountries.map((c) => ({
			iso3: c.iso3,
			name: c.name,
			series: this.receivedSeries.get(c.iso3) ?? []
		}))
	);

	// ---- the URL

	viewState = $derived<ViewState>({
		layer: this.layer,
		time: this.time,
		region: this.regionName ?? this.region,
		country: this.selection,
		tab: this.tab,
		theme: this.theme,
		live: this.live,
		controls: this.controls,
		follow: this.follow,
		measure: this.measure
	});
	/** The query string (no `?`) that restores this view. */
	query = $derived(viewStateToQuery(this.viewState));

	// ---- live changes

	/**
	 * Applies one commit's items. Border-status items edit the series in place; other layers
	 * bump a version so their loaders fetch again. False when the series must be refetched.
	 */
	applyLive(items: readonly ChangeItem[]): boolean {
		const versions = { ...this.versions };
		const touched = new Set(items.map((i) => i.layer));
		if (['remittances', 'gdp', 'remittances-monthly'].some((l) => touched.has(l)))
			versions.remittances++;
		if (touched.has('corridors') || touched.has('corridor-cost')) versions.corridors++;
		if (touched.has('entry') || touched.has('bans')) versions.entry++;
		const border = items.filter((i) => i.layer === 'border-status');
		if (border.length > 0) versions.borderStatus++;
		this.versions = versions;
		this.commits = [
			...this.commits,
			...border.map((i) => ({
				seq: i.seq,
				iso3: i.iso3,
				period: i.period,
				old: i.old,
				new: i.new,
				source: i.source,
				note: i.note ?? null,
				sourceUrl: i.sourceUrl ?? null
			}))
		].slice(-500);
		let next = this.series;
		for (const item of border) {
			next = next && applyBorderStatusChange(next, item);
			// Outside the series' days: the caller refetches the snapshot instead.
			if (!next) return false;
		}
		this.series = next;
		return true;
	}

	/** Takes a refetched series; a reader at the latest day stays at the (new) latest day. */
	replaceSeries(series: BorderStatusSeries | null): void {
		const atLatest = this.atLatestDay;
		this.series = series;
		if (!series) return;
		if (atLatest) this.dayIndex = latestCoveredIndex(series);
		else this.dayIndex = Math.min(this.dayIndex, dayCount(series) - 1);
	}

	/** Prepends a page of history to the commit log, keeping what arrived live meanwhile. */
	addCommitHistory(entries: readonly FeedEntry[]): void {
		const known = new Set(this.commits.map((e) => e.seq));
		this.commits = [...entries.filter((e) => !known.has(e.seq)), ...this.commits];
	}
}
