/**
 * The border-status table's columns: what each header sorts by, how each cell reads, and the
 * row comparator. Pure functions, so sorting is unit-tested without a browser.
 */
import type { BorderStatusTableRow } from '../domain/analysis.ts';
import { levelInfo, NO_DATA_LABEL, type Level } from '../domain/borderStatus.ts';
import { formatValue } from '../domain/remittances.ts';

/** Row fields a header can sort by. */
export const SORT_KEYS = [
	'name',
	'iso3',
	'level',
	'since',
	'days0',
	'days1',
	'days2',
	'days3',
	'days4',
	'daysNoData',
	'firstClosure',
	'longestClosureDays',
	'longestClosureFrom',
	'lastChange',
	'remittances',
	'remittancesYear',
	'remittancesChange2019To2020'
] as const satisfies readonly (keyof BorderStatusTableRow)[];
export type SortKey = (typeof SORT_KEYS)[number];

export type SortDirection = 'asc' | 'desc';
export interface TableSort {
	column: SortKey;
	direction: SortDirection;
}

export type SortKind = 'text' | 'number' | 'date';

export const SORT_KIND: Record<SortKey, SortKind> = {
	name: 'text',
	iso3: 'text',
	level: 'number',
	since: 'date',
	days0: 'number',
	days1: 'number',
	days2: 'number',
	days3: 'number',
	days4: 'number',
	daysNoData: 'number',
	firstClosure: 'date',
	longestClosureDays: 'number',
	longestClosureFrom: 'date',
	lastChange: 'date',
	remittances: 'number',
	remittancesYear: 'number',
	remittancesChange2019To2020: 'number'
};

export const DEFAULT_SORT: TableSort = { column: 'name', direction: 'asc' };

export function isSortKey(value: unknown): value is SortKey {
	return typeof value === 'string' && (SORT_KEYS as readonly string[]).includes(value);
}

/** A first click sorts text and dates A→Z / oldest first, and numbers largest first. */
export function defaultDirection(column: SortKey): SortDirection {
	return SORT_KIND[column] === 'number' ? 'desc' : 'asc';
}

/** The sort after a header click: the same column flips, another starts at its default. */
export function nextSort(current: TableSort, column: SortKey): TableSort {
	return current.column === column
		? { column, direction: current.direction === 'asc' ? 'desc' : 'asc' }
		: { column, direction: defaultDirection(column) };
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

const byName = (a: BorderStatusTableRow, b: BorderStatusTableRow) =>
	collator.compare(a.name, b.name) || (a.iso3 < b.iso3 ? -1 : a.iso3 > b.iso3 ? 1 : 0);

/**
 * Orders rows by one column: numbers numerically, dates (ISO days) and codes lexically, names
 * by a collator; empty values last whichever the direction; ties by name, then ISO3.
 */
export function compareRows(
	sort: TableSort
): (a: BorderStatusTableRow, b: BorderStatusTableRow) => number {
	const { column, direction } = sort;
	const sign = direction === 'asc' ? 1 : -1;
	const kind = SORT_KIND[column];
	return (a, b) => {
		const x = a[column];
		const y = b[column];
		const xEmpty = x === null || (typeof x === 'number' && Number.isNaN(x));
		const yEmpty = y === null || (typeof y === 'number' && Number.isNaN(y));
		if (xEmpty || yEmpty) return xEmpty && yEmpty ? byName(a, b) : xEmpty ? 1 : -1;
		let c: number;
		if (kind === 'number') c = (x as number) - (y as number);
		else if (column === 'name') c = collator.compare(x as string, y as string);
		else c = x < y ? -1 : x > y ? 1 : 0;
		return c !== 0 ? sign * c : byName(a, b);
	};
}

export function sortRows(
	rows: readonly BorderStatusTableRow[],
	sort: TableSort
): BorderStatusTableRow[] {
	return rows.toSorted(compareRows(sort));
}

// ——— Formatting ———

const shortDay = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'short',
	year: 'numeric',
	timeZone: 'UTC'
});
const integer = new Intl.NumberFormat('en');

/** "15 Apr 2020"; an en dash for no date. */
export function formatDayShort(day: string | null): string {
	return day === null ? '–' : shortDay.format(new Date(`${day}T00:00:00Z`));
}

/** "15 Mar – 20 Jan 2021" style ranges, the year written once when both share it. */
export function formatDayRange(from: string | null, to: string | null): string {
	if (from === null || to === null) return '–';
	if (from === to) return formatDayShort(from);
	const a = formatDayShort(from);
	const b = formatDayShort(to);
	return from.slice(0, 4) === to.slice(0, 4) ? `${a.slice(0, -5)} – ${b}` : `${a} – ${b}`;
}

export function formatCount(n: number): string {
	return integer.format(n);
}

/** A signed percentage with a real minus sign: "+12.3%", "−4.5%", "0.0%"; "–" for none. */
export function formatChange(ratio: number | null): string {
	if (ratio === null || !Number.isFinite(ratio)) return '–';
	const pct = ratio * 100;
	const abs = Math.abs(pct);
	const text = abs >= 100 ? abs.toFixed(0) : abs.toFixed(1);
	if (Number(text) === 0) return `${text}%`;
	return `${pct > 0 ? '+' : '−'}${text}%`;
}

export function changeSign(ratio: number | null): 'up' | 'down' | 'flat' | null {
	if (ratio === null || !Number.isFinite(ratio)) return null;
	const rounded = Math.round(ratio * 1000);
	return rounded > 0 ? 'up' : rounded < 0 ? 'down' : 'flat';
}

export function levelLabel(level: number | null): string {
	return levelInfo(level)?.label ?? NO_DATA_LABEL;
}

export function levelColor(level: number | null): string | null {
	return levelInfo(level)?.color ?? null;
}

/** ▲ for a tightening, ▼ for a loosening, nothing otherwise. */
export function changeMark(from: Level | null, to: Level | null): '▲' | '▼' | '' {
	if (from === null || to === null || from === to) return '';
	return to > from ? '▲' : '▼';
}

export function formatRemittances(row: BorderStatusTableRow): string {
	return formatValue('received', row.remittances);
}

// ——— Columns as shown ———

export interface SortButton {
	key: SortKey;
	/** The button's text. */
	label: string;
	/** Spoken and shown on hover where the text is terse. */
	title?: string;
}

export interface ColumnDef {
	id: string;
	/** Header buttons: the first is the column's main sort, others sort by a detail. */
	sorts: SortButton[];
	/** Numbers sit right, text left. */
	align: 'start' | 'end';
	/** A swatch drawn in the header (the days-at-level columns). */
	swatch?: { color: string | null };
	/** Plain text of a cell, for copy and the unit tests; the component draws richer cells. */
	text: (row: BorderStatusTableRow) => string;
}

const DAY_FIELDS = ['days0', 'days1', 'days2', 'days3', 'days4'] as const;

export const COLUMNS: readonly ColumnDef[] = [
	{
		id: 'country',
		sorts: [
			{ key: 'name', label: 'Country' },
			{ key: 'iso3', label: 'ISO3', title: 'ISO 3166 alpha-3 code' }
		],
		align: 'start',
		text: (r) => `${r.name} ${r.iso3}`
	},
	{
		id: 'level',
		sorts: [
			{ key: 'level', label: 'Level' },
			{ key: 'since', label: 'since', title: 'First day at this level' }
		],
		align: 'start',
		text: (r) =>
			r.level === null ? NO_DATA_LABEL : `${levelLabel(r.level)}, since ${formatDayShort(r.since)}`
	},
	...DAY_FIELDS.map((key, level): ColumnDef => ({
		id: key,
		sorts: [
			{
				key,
				label: String(level),
				title: `Days at level ${level}: ${levelLabel(level)}`
			}
		],
		align: 'end',
		swatch: { color: levelColor(level) },
		text: (r) => formatCount(r[key])
	})),
	{
		id: 'daysNoData',
		sorts: [{ key: 'daysNoData', label: '–', title: 'Days with no data' }],
		align: 'end',
		swatch: { color: null },
		text: (r) => formatCount(r.daysNoData)
	},
	{
		id: 'firstClosure',
		sorts: [{ key: 'firstClosure', label: 'First closure', title: 'First day at level 4' }],
		align: 'start',
		text: (r) => formatDayShort(r.firstClosure)
	},
	{
		id: 'longestClosure',
		sorts: [
			{
				key: 'longestClosureDays',
				label: 'Longest closure',
				title: 'Longest run at level 4, days'
			},
			{ key: 'longestClosureFrom', label: 'from', title: 'First day of the longest closure' }
		],
		align: 'start',
		text: (r) =>
			r.longestClosureDays > 0
				? `${formatCount(r.longestClosureDays)} days, ${formatDayRange(r.longestClosureFrom, r.longestClosureTo)}`
				: '–'
	},
	{
		id: 'lastChange',
		sorts: [{ key: 'lastChange', label: 'Last change' }],
		align: 'start',
		text: (r) =>
			r.lastChange === null
				? '–'
				: `${formatDayShort(r.lastChange)} ${r.lastChangeFrom ?? '–'}→${r.lastChangeTo ?? '–'}${changeMark(r.lastChangeFrom, r.lastChangeTo)}`
	},
	{
		id: 'remittances',
		sorts: [
			{ key: 'remittances', label: 'Remittances', title: 'Personal remittances received, US$' },
			{ key: 'remittancesYear', label: 'year', title: 'Latest year with a value' }
		],
		align: 'end',
		text: (r) =>
			r.remittances === null ? '–' : `${formatRemittances(r)} (${r.remittancesYear ?? '–'})`
	},
	{
		id: 'remittancesChange',
		sorts: [
			{
				key: 'remittancesChange2019To2020',
				label: '2019→20',
				title: 'Change in remittances received, 2019 to 2020'
			}
		],
		align: 'end',
		text: (r) => formatChange(r.remittancesChange2019To2020)
	}
];

/** The header text of a sort key, for captions ("sorted by Longest closure, largest first"). */
export function sortLabel(key: SortKey): string {
	for (const c of COLUMNS) {
		const s = c.sorts.find((s) => s.key === key);
		if (s) return s.title ?? s.label;
	}
	return key;
}

export function describeSort(sort: TableSort): string {
	const kind = SORT_KIND[sort.column];
	const order =
		kind === 'number'
			? sort.direction === 'asc'
				? 'smallest first'
				: 'largest first'
			: kind === 'date'
				? sort.direction === 'asc'
					? 'earliest first'
					: 'latest first'
				: sort.direction === 'asc'
					? 'A to Z'
					: 'Z to A';
	return `sorted by ${sortLabel(sort.column)}, ${order}`;
}
