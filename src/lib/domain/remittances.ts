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
 * Remittance Prices Worldwide: the average total cost of sending about US$200 along a corridor,
 * in % of the amount sent, in `quarter` (`YYYYQn`).
 */
export interface CorridorCost {
	percent: number;
	quarter: string;
}

/**
 * Banco de México's own figure for a corridor with Mexico at one end: US$ in `quarter`
 * (`YYYYQn`), and the calendar year's four quarters added up (`yearUsd`, null unless all four
 * are published) to set beside the matrix's yearly estimate.
 */
export interface BanxicoCorridor {
	quarter: string;
	usd: number;
	year: number;
	yearUsd: number | null;
}

/** A corridor as /api/corridors lists it: the matrix's estimate, its cost and Banxico's figure. */
export interface CorridorWithCost extends Corridor {
	cost: CorridorCost | null;
	banxico: BanxicoCorridor | null;
}

/** A corridor as one CSV row: the cost and Banco de México's figure in columns of their own. */
export function corridorCsvRow(c: CorridorWithCost) {
	return {
		from: c.from,
		to: c.to,
		value: c.value,
		costPercent: c.cost?.percent ?? null,
		costQuarter: c.cost?.quarter ?? null,
		banxicoQuarter: c.banxico?.quarter ?? null,
		banxicoUsd: c.banxico?.usd ?? null,
		banxicoYear: c.banxico?.year ?? null,
		banxicoYearUsd: c.banxico?.yearUsd ?? null
	};
}

/** One month of a country's monthly remittances (US$ and numbers of transactions). */
export interface MonthlyRemittancePoint {
	/** `YYYY-MM`. */
	month: string;
	received: number | null;
	/** null where the source has no outflows (Banco de México's start in 2013). */
	paid: number | null;
	/** Transactions received. */
	operations: number | null;
	/** Transactions sent. */
	paidOperations: number | null;
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
