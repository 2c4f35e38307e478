import type {
	ExpressionSpecification,
	FilterSpecification,
	Map as MapLibreMap,
	StyleSpecification
} from 'maplibre-gl';
import { LEVELS } from '../domain/borderStatus.ts';
import { BAN_OUTLINE_COLOR, ENTRY_COLORS, ENTRY_SELF, ENTRY_SELF_COLOR } from '../domain/entry.ts';
import { VALUE_COLORS } from '../domain/remittances.ts';
import { VISA_REQUIREMENTS } from '../domain/visaRequirement.ts';
import { SOURCES, type SourceId } from '../domain/sources.ts';
import type { LayerId } from '../domain/viewState.ts';

export const COUNTRY_SOURCE = 'countries';
export const ARC_SOURCE = 'corridor-arcs';

/** Which style layers each map layer shows. */
export const LAYER_VISIBILITY = {
	'border-status': ['country-level'],
	remittances: ['country-value'],
	corridors: ['country-level', 'corridor-arc-casing', 'corridor-arc'],
	entry: ['country-entry', 'country-ban']
} as const;
export const TOGGLED_LAYERS = [
	'country-level',
	'country-value',
	'country-entry',
	'country-ban',
	'corridor-arc-casing',
	'corridor-arc'
];

/** Remittance value class (0–5) by feature-state; no state = transparent. */
const valueFillColor = [
	'match',
	['coalesce', ['feature-state', 'valueClass'], -1],
	...VALUE_COLORS.flatMap((color, i) => [i, color]),
	'rgba(0, 0, 0, 0)'
] as unknown as ExpressionSpecification;

/** Who can enter: the requirement's ordinal by feature-state; no state = transparent. */
const entryFillColor = [
	'match',
	['coalesce', ['feature-state', 'entry'], -1],
	...VISA_REQUIREMENTS.flatMap((r, i) => [i, ENTRY_COLORS[r.id]]),
	ENTRY_SELF,
	ENTRY_SELF_COLOR,
	'rgba(0, 0, 0, 0)'
] as unknown as ExpressionSpecification;

/** Arc colour: the partner's border-status level, grey without data. */
const arcColor = [
	'match',
	['get', 'level'],
	...LEVELS.flatMap((l) => [l.level, l.color]),
	'#8c8c99'
] as unknown as ExpressionSpecification;

// Width grows with the log of the corridor's value: $10M hairline to $10B+ thick.
const arcWidth: ExpressionSpecification = [
	'interpolate',
	['linear'],
	['log10', ['max', ['get', 'value'], 1]],
	7,
	1,
	10,
	7
];
export const HATCH_IMAGE = 'no-data-hatch';
export type MapTheme = 'light' | 'dark';

/**
 * The colours that are not data: ocean, countries that step back, outlines and the no-data
 * hatch. Level and value colours are the same in both themes (the legend names them).
 */
export const THEME_COLORS = {
	light: {
		ocean: '#e3ebf1',
		/** Countries outside the region (or not a corridor partner): opaque over the hatch. */
		dim: '#e9e9ee',
		/** Borders on the dark levels, and the casing under arcs. */
		outlineOnDark: '#ffffff',
		/** Borders on the palest fills and on no data. */
		outline: '#b8aab5',
		hover: '#1d1d1f',
		selected: '#0b57d0',
		hatchLine: [190, 190, 200],
		hatchGround: [244, 244, 246]
	},
	dark: {
		ocean: '#0f1a24',
		dim: '#2a2c33',
		outlineOnDark: '#1b1d22',
		outline: '#5c5560',
		hover: '#f2f2f5',
		selected: '#8ab4f8',
		hatchLine: [88, 90, 102],
		hatchGround: [44, 46, 54]
	}
} as const satisfies Record<MapTheme, Record<string, string | readonly number[]>>;

// Antarctica has no border controls to show; left out, it does not draw a hatched band
// across the bottom of every map.
const notAntarctica: FilterSpecification = ['!=', ['get', 'iso3'], 'ATA'];

/** Fill colour by the `level` feature-state; no state = transparent, so the hatch shows. */
export const levelFillColor: ExpressionSpecification = [
	'match',
	['coalesce', ['feature-state', 'level'], -1],
	...LEVELS.flatMap((l) => [l.level, l.color]),
	'rgba(0, 0, 0, 0)'
] as unknown as ExpressionSpecification;

/** Border colour: light on the dark levels, soft on the palest fills. */
const outlineColor = (theme: MapTheme): ExpressionSpecification => [
	'case',
	['>=', ['coalesce', ['feature-state', 'level'], -1], 2],
	THEME_COLORS[theme].outlineOnDark,
	THEME_COLORS[theme].outline
];
/** Under each arc: amber where a COBAP ban stood between the two countries that day. */
const arcCasingColor = (theme: MapTheme): ExpressionSpecification => [
	'case',
	['boolean', ['get', 'banned'], false],
	BAN_OUTLINE_COLOR,
	THEME_COLORS[theme].outlineOnDark
];
const dimmed = (theme: MapTheme, fill: ExpressionSpecification): ExpressionSpecification => [
	'case',
	['boolean', ['feature-state', 'dim'], false],
	THEME_COLORS[theme].dim,
	fill
];

/** Switches a drawn map to a theme: only the colours that are not data change. */
export function applyTheme(map: MapLibreMap, theme: MapTheme): void {
	const c = THEME_COLORS[theme];
	map.setPaintProperty('ocean', 'background-color', c.ocean);
	map.setPaintProperty('country-level', 'fill-color', dimmed(theme, levelFillColor));
	map.setPaintProperty('country-value', 'fill-color', dimmed(theme, valueFillColor));
	map.setPaintProperty('country-entry', 'fill-color', dimmed(theme, entryFillColor));
	map.setPaintProperty('country-outline', 'line-color', outlineColor(theme));
	map.setPaintProperty('country-hover', 'line-color', c.hover);
	map.setPaintProperty('corridor-arc-casing', 'line-color', arcCasingColor(theme));
	map.setPaintProperty('country-selected', 'line-color', c.selected);
	map.updateImage(HATCH_IMAGE, hatchImage(theme));
}

/**
 * A style with no remote sources, sprites or glyphs: everything ships with the app. The
 * shapes come by URL (`shapes`) and are decoded in MapLibre's worker; features are keyed by
 * ISO3 (`promoteId`), so feature-state takes country codes directly.
 */
export function countryMapStyle(shapes: string, theme: MapTheme = 'light'): StyleSpecification {
	const c = THEME_COLORS[theme];
	return {
		version: 8,
		sources: {
			[COUNTRY_SOURCE]: {
				type: 'geojson',
				data: shapes,
				promoteId: 'iso3',
				attribution: 'Boundaries: Natural Earth'
			},
			[ARC_SOURCE]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } }
		},
		layers: [
			{ id: 'ocean', type: 'background', paint: { 'background-color': c.ocean } },
			{
				id: 'country-no-data',
				type: 'fill',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				paint: { 'fill-pattern': HATCH_IMAGE }
			},
			{
				id: 'country-level',
				type: 'fill',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				paint: {
					// Corridors: countries that are not partners step back to a flat grey (opaque,
					// so the no-data hatch does not show through).
					'fill-color': dimmed(theme, levelFillColor),
					'fill-color-transition': { duration: 0 }
				}
			},
			{
				id: 'country-value',
				type: 'fill',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				layout: { visibility: 'none' },
				paint: {
					'fill-color': dimmed(theme, valueFillColor)
				}
			},
			{
				id: 'country-entry',
				type: 'fill',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				layout: { visibility: 'none' },
				paint: { 'fill-color': dimmed(theme, entryFillColor) }
			},
			{
				id: 'country-outline',
				type: 'line',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				paint: {
					// White reads on the dark levels; on the palest fills a soft line keeps borders.
					'line-color': outlineColor(theme),
					'line-width': 0.6
				}
			},
			{
				id: 'country-hover',
				type: 'line',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				paint: {
					'line-color': c.hover,
					'line-width': [
						'case',
						[
							'any',
							['boolean', ['feature-state', 'hover'], false],
							['boolean', ['feature-state', 'highlight'], false]
						],
						1.5,
						0
					]
				}
			},
			{
				// Live changes: a ring that fades (feature-state `pulse` runs 1 → 0).
				id: 'country-pulse',
				type: 'line',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				paint: {
					'line-color': '#f2a900',
					'line-width': ['*', ['coalesce', ['feature-state', 'pulse'], 0], 5],
					'line-opacity': ['coalesce', ['feature-state', 'pulse'], 0]
				}
			},
			{
				// Who can enter: a COBAP ban between the chosen country and this one, outlined
				// (a hatch would read as "no data").
				id: 'country-ban',
				type: 'line',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				layout: { visibility: 'none', 'line-join': 'round' },
				paint: {
					'line-color': BAN_OUTLINE_COLOR,
					'line-width': ['case', ['boolean', ['feature-state', 'ban'], false], 2.2, 0],
					'line-dasharray': [2, 1]
				}
			},
			{
				id: 'corridor-arc-casing',
				type: 'line',
				source: ARC_SOURCE,
				layout: { visibility: 'none', 'line-cap': 'round', 'line-join': 'round' },
				paint: {
					'line-color': arcCasingColor(theme),
					'line-width': ['+', arcWidth, ['case', ['get', 'banned'], 5, 2]],
					'line-opacity': 0.9
				}
			},
			{
				id: 'corridor-arc',
				type: 'line',
				source: ARC_SOURCE,
				layout: { visibility: 'none', 'line-cap': 'round', 'line-join': 'round' },
				paint: { 'line-color': arcColor, 'line-width': arcWidth }
			},
			{
				id: 'country-selected',
				type: 'line',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				paint: {
					'line-color': c.selected,
					'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 2.5, 0]
				}
			}
		]
	};
}

/** Diagonal hatch for "no data", drawn here so no sprite has to be fetched. */
export function hatchImage(
	theme: MapTheme = 'light',
	size = 8
): { width: number; height: number; data: Uint8ClampedArray } {
	const { hatchLine, hatchGround } = THEME_COLORS[theme];
	const data = new Uint8ClampedArray(size * size * 4);
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			const onLine = (x + y) % size < 2;
			const [r, g, b] = onLine ? hatchLine : hatchGround;
			data.set([r, g, b, 255], (y * size + x) * 4);
		}
	}
	return { width: size, height: size, data };
}

/** Short names of each layer's sources for the map's attribution control. */
const LAYER_SOURCES: Record<LayerId, { id: SourceId; name: string }[]> = {
	'border-status': [{ id: 'border-status', name: 'OxCGRT' }],
	remittances: [{ id: 'remittances', name: 'World Bank WDI' }],
	corridors: [
		{ id: 'corridors', name: 'World Bank/KNOMAD' },
		{ id: 'border-status', name: 'OxCGRT' },
		{ id: 'rpw', name: 'RPW' },
		{ id: 'banxico', name: 'Banxico' },
		{ id: 'bans', name: 'COBAP' }
	],
	entry: [
		{ id: 'entry', name: 'Passport Index' },
		{ id: 'bans', name: 'COBAP' }
	]
};

/** The credit for the data a layer shows, linked to each source (SOURCES in domain/sources). */
export function layerAttribution(layer: LayerId): string {
	const parts = LAYER_SOURCES[layer].map(
		({ id, name }) => `<a href="${SOURCES[id].url}">${name}</a> (${SOURCES[id].licence})`
	);
	return `Data: ${parts.join(', ')}`;
}
