/**
 * What the page needs to know about the country shapes without loading them: each country's
 * anchor point and the box of its main part, precomputed at build (scripts/build-geometry.ts
 * writes static/geo/countries-meta.json). The shapes themselves go to MapLibre by URL and are
 * decoded in its worker (topologyProtocol.ts).
 */

export interface CountryMeta {
	iso3: string;
	/** The centroid of the largest part: France anchors in France, not between it and Guiana. */
	anchor: [number, number];
	/** [west, south, east, north] of the largest part (cut at ±180, so west ≤ east). */
	box: [number, number, number, number];
}

/**
 * Where MapLibre loads the shapes from (decoded in its worker by topologyProtocol.ts): a
 * simplified overview first (a third of the bytes), the full 1:50m shapes once the reader
 * zooms to DETAIL_ZOOM, where the overview's simplification would start to show.
 */
export const COUNTRY_OVERVIEW_URL = 'topojson://geo/countries-overview.json#countries';
export const COUNTRY_SHAPES_URL = 'topojson://geo/countries-50m.json#countries';
export const DETAIL_ZOOM = 2;
/** What pages preload so the worker's request finds the overview already in the HTTP cache. */
export const COUNTRY_OVERVIEW_PATH = '/geo/countries-overview.json';
export const COUNTRY_META_PATH = '/geo/countries-meta.json';

/** Loads the per-country anchors and boxes shipped with the app. */
export async function loadCountryMeta(fetcher: typeof fetch = fetch): Promise<CountryMeta[]> {
	const response = await fetcher(COUNTRY_META_PATH);
	if (!response.ok) throw new Error(`country metadata: HTTP ${response.status}`);
	return (await response.json()) as CountryMeta[];
}

/** Each country's anchor point, for arcs and labels. */
export function anchorPoints(meta: readonly CountryMeta[]): Map<string, [number, number]> {
	return new Map(meta.map((m) => [m.iso3, m.anchor]));
}

export type LngLatBounds = [[number, number], [number, number]];

/**
 * Territories without a permanent population, far from the rest of their region (French
 * Southern Territories would stretch Africa to 72°E, Heard Island Oceania to 73°E); no
 * source has data for them, so they do not decide a frame.
 */
const NOT_FRAMED = new Set(['ATA', 'ATF', 'BVT', 'HMD', 'IOT', 'SGS', 'UMI']);

/**
 * The box that frames a group of countries, from each one's main part (so France frames
 * Europe, not French Guiana), leaving out uninhabited outposts. The longitudes are the
 * shortest span around the globe covering every part; a group whose span crosses the
 * antimeridian (Oceania, Polynesia) keeps the side with more of its members' anchors, since
 * the map draws one copy of the world.
 */
export function regionBounds(
	meta: readonly CountryMeta[],
	members: ReadonlySet<string>
): LngLatBounds | null {
	const parts = meta.filter((m) => members.has(m.iso3) && !NOT_FRAMED.has(m.iso3));
	if (parts.length === 0) return null;
	const south = Math.min(...parts.map((p) => p.box[1]));
	const north = Math.max(...parts.map((p) => p.box[3]));
	// Merge the longitude spans, then leave out the widest gap between them.
	const spans = parts.map((p) => [p.box[0], p.box[2]] as [number, number]);
	spans.sort((a, b) => a[0] - b[0]);
	const merged: [number, number][] = [];
	for (const [w, e] of spans) {
		const last = merged[merged.length - 1];
		if (last && w <= last[1]) last[1] = Math.max(last[1], e);
		else merged.push([w, e]);
	}
	let west = merged[0]![0];
	let east = merged[merged.length - 1]![1];
	let widest = west + 360 - east; // the gap across the antimeridian
	for (let i = 1; i < merged.length; i++) {
		const gap = merged[i]![0] - merged[i - 1]![1];
		if (gap > widest) [widest, west, east] = [gap, merged[i]![0], merged[i - 1]![1]];
	}
	if (west <= east)
		return [
			[west, south],
			[east, north]
		];
	const eastSide = parts.filter((p) => p.anchor[0] >= west).length;
	return eastSide >= parts.length - eastSide
		? [
				[west, south],
				[180, north]
			]
		: [
				[-180, south],
				[east, north]
			];
}
