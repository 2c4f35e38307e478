import type { ExpressionSpecification, FilterSpecification, StyleSpecification } from 'maplibre-gl';
import { LEVELS } from '../domain/borderStatus.ts';
import { VALUE_COLORS } from '../domain/remittances.ts';
import type { CountryFeatures } from './geometry.ts';

export const COUNTRY_SOURCE = 'countries';
export const ARC_SOURCE = 'corridor-arcs';

/** Which style layers each map layer shows. */
export const LAYER_VISIBILITY = {
	'border-status': ['country-level'],
	remittances: ['country-value'],
	corridors: ['country-level', 'corridor-arc-casing', 'corridor-arc']
} as const;
export const TOGGLED_LAYERS = [
	'country-level',
	'country-value',
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
/** Countries outside the region (or not a corridor partner): a flat grey, opaque over the hatch. */
const DIM_FILL = '#e9e9ee';

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

/** A style with no remote sources, sprites or glyphs: everything ships with the app. */
export function countryMapStyle(countries: CountryFeatures): StyleSpecification {
	return {
		version: 8,
		sources: {
			[COUNTRY_SOURCE]: {
				type: 'geojson',
				data: countries,
				attribution: 'Boundaries: Natural Earth'
			},
			[ARC_SOURCE]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } }
		},
		layers: [
			{ id: 'ocean', type: 'background', paint: { 'background-color': '#e3ebf1' } },
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
					'fill-color': [
						'case',
						['boolean', ['feature-state', 'dim'], false],
						DIM_FILL,
						levelFillColor
					],
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
					'fill-color': [
						'case',
						['boolean', ['feature-state', 'dim'], false],
						DIM_FILL,
						valueFillColor
					]
				}
			},
			{
				id: 'country-outline',
				type: 'line',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				paint: {
					// White reads on the dark levels; on the palest fills a soft line keeps borders.
					'line-color': [
						'case',
						['>=', ['coalesce', ['feature-state', 'level'], -1], 2],
						'#ffffff',
						'#b8aab5'
					],
					'line-width': 0.6
				}
			},
			{
				id: 'country-hover',
				type: 'line',
				source: COUNTRY_SOURCE,
				filter: notAntarctica,
				paint: {
					'line-color': '#1d1d1f',
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
				id: 'corridor-arc-casing',
				type: 'line',
				source: ARC_SOURCE,
				layout: { visibility: 'none', 'line-cap': 'round', 'line-join': 'round' },
				paint: { 'line-color': '#ffffff', 'line-width': ['+', arcWidth, 2], 'line-opacity': 0.9 }
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
					'line-color': '#0b57d0',
					'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 2.5, 0]
				}
			}
		]
	};
}

/** Diagonal hatch for "no data", drawn here so no sprite has to be fetched. */
export function hatchImage(size = 8): { width: number; height: number; data: Uint8ClampedArray } {
	const data = new Uint8ClampedArray(size * size * 4);
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			const onLine = (x + y) % size < 2;
			const [r, g, b] = onLine ? [190, 190, 200] : [244, 244, 246];
			data.set([r, g, b, 255], (y * size + x) * 4);
		}
	}
	return { width: size, height: size, data };
}
