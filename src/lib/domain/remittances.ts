/** Personal remittances (World Bank WDI) and bilateral corridors: shared types and scales. */

export const MEASURES = ['received', 'paid', 'share_gdp'] as const;
export type Measure = (typeof MEASURES)[number];

export const MEASURE_INFO: Record<Measure, { label: string; unit: string; short: string }> = {
	received: { label: 'Remittances received', unit: 'US$', short: 'received' },
	paid: { label: 'Remittances paid', unit: 'US$', short: 'paid' },
	share_gdp: { label: 'Remittances received, % of GDP', unit: '% of GDP', short: '% of GDP' }
};

export interface RemittanceEntry {
	iso3: string;
	name: string;
	value: number | null;
}

export interface YearValue {
	year: number;
	value: number;
}

export interface Corridor {
	from: string;
	to: string;
	value: number;
}

/**
 * Class breaks on a log scale: US$ values span five orders of magnitude (a few thousand
 * dollars for small islands, tens of billions for India), so each class is a power of ten.
 * Shares of GDP use breaks that double.
 */
export const VALUE_BREAKS: Record<Measure, number[]> = {
	received: [1e6, 1e7, 1e8, 1e9, 1e10],
	paid: [1e6, 1e7, 1e8, 1e9, 1e10],
	share_gdp: [0.5, 1, 2, 5, 10]
};

/** Sequential blues-greens (ColorBrewer GnBu), light to dark, one per class. */
export const VALUE_COLORS = ['#e0f3db', '#bae4bc', '#7bccc4', '#43a2ca', '#0868ac', '#08306b'];

export function valueClass(measure: Measure, value: number | null): number | null {
	if (value === null || !Number.isFinite(value)) return null;
	const breaks = VALUE_BREAKS[measure];
	let k = 0;
	while (k < breaks.length && value >= breaks[k]!) k++;
	return k;
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function formatValue(measure: Measure, value: number | null): string {
	if (value === null) return 'No data';
	if (measure === 'share_gdp') return `${value < 10 ? value.toFixed(1) : value.toFixed(0)}%`;
	return `$${compact.format(value)}`;
}

/** Legend labels for each class: "< $1M", "$1M–10M", …, "≥ $10B". */
export function classLabels(measure: Measure): string[] {
	const breaks = VALUE_BREAKS[measure];
	const f = (v: number) => formatValue(measure, v);
	return [
		`< ${f(breaks[0]!)}`,
		...breaks.slice(0, -1).map((b, i) => `${f(b)} – ${f(breaks[i + 1]!)}`),
		`≥ ${f(breaks.at(-1)!)}`
	];
}
