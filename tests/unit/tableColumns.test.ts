import { describe, expect, it } from 'vitest';
import type { BorderStatusTableRow } from '../../src/lib/domain/analysis.ts';
import {
	changeMark,
	changeSign,
	COLUMNS,
	compareRows,
	defaultDirection,
	describeSort,
	formatChange,
	formatDayRange,
	formatDayShort,
	nextSort,
	SORT_KEYS,
	sortRows,
	type SortKey,
	type TableSort
} from '../../src/lib/table/tableColumns.ts';

/** A row as of 15 April 2020 (day 106 of the series), zeros and nulls unless given. */
function row(iso3: string, name: string, fields: Partial<BorderStatusTableRow> = {}) {
	return {
		iso3,
		name,
		m49Region: null,
		m49Subregion: null,
		wbRegion: null,
		incomeGroup: null,
		date: '2020-04-15',
		level: null,
		since: null,
		days0: 0,
		days1: 0,
		days2: 0,
		days3: 0,
		days4: 0,
		daysNoData: 106,
		firstClosure: null,
		longestClosureFrom: null,
		longestClosureTo: null,
		longestClosureDays: 0,
		lastChange: null,
		lastChangeFrom: null,
		lastChangeTo: null,
		remittancesYear: null,
		remittances: null,
		remittances2019: null,
		remittances2020: null,
		remittancesChange2019To2020: null,
		...fields
	} satisfies BorderStatusTableRow;
}

const ROWS: BorderStatusTableRow[] = [
	row('MEX', 'Mexico', {
		level: 0,
		since: '2020-01-01',
		days0: 106,
		daysNoData: 0,
		remittancesYear: 2020,
		remittances: 40_600_000_000,
		remittances2019: 36_400_000_000,
		remittances2020: 40_600_000_000,
		remittancesChange2019To2020: 0.1154
	}),
	row('ARG', 'Argentina', {
		level: 4,
		since: '2020-03-16',
		days0: 70,
		days2: 5,
		days4: 31,
		daysNoData: 0,
		firstClosure: '2020-03-16',
		longestClosureFrom: '2020-03-16',
		longestClosureTo: '2020-04-15',
		longestClosureDays: 31,
		lastChange: '2020-03-16',
		lastChangeFrom: 2,
		lastChangeTo: 4,
		remittancesYear: 2020,
		remittances: 561_400_000,
		remittances2019: 520_000_000,
		remittances2020: 561_400_000,
		remittancesChange2019To2020: 0.0796
	}),
	row('BHS', 'Bahamas', {
		level: 4,
		since: '2020-03-24',
		days0: 54,
		days3: 29,
		days4: 23,
		daysNoData: 0,
		firstClosure: '2020-03-24',
		longestClosureFrom: '2020-03-24',
		longestClosureTo: '2020-04-15',
		longestClosureDays: 23,
		lastChange: '2020-03-24',
		lastChangeFrom: 3,
		lastChangeTo: 4
	}),
	row('ALA', 'Åland Islands'),
	row('BLR', 'Belarus', {
		level: 2,
		since: '2020-04-03',
		days0: 86,
		days3: 8,
		days2: 12,
		daysNoData: 0,
		lastChange: '2020-04-03',
		lastChangeFrom: 3,
		lastChangeTo: 2,
		remittancesYear: 2019,
		remittances: 1_400_000_000,
		remittances2019: 1_400_000_000,
		remittancesChange2019To2020: null
	}),
	row('CIV', "Côte d'Ivoire", {
		level: 4,
		since: '2020-03-22',
		days0: 60,
		days3: 15,
		days4: 31,
		daysNoData: 0,
		firstClosure: '2020-03-16',
		longestClosureFrom: '2020-03-22',
		longestClosureTo: '2020-04-15',
		longestClosureDays: 25,
		lastChange: '2020-03-22',
		lastChangeFrom: 3,
		lastChangeTo: 4,
		remittancesYear: 2020,
		remittances: 380_000_000,
		remittances2019: 400_000_000,
		remittances2020: 380_000_000,
		remittancesChange2019To2020: -0.05
	})
];

const order = (sort: TableSort, rows = ROWS) => sortRows(rows, sort).map((r) => r.iso3);

describe('border status table sorting', () => {
	it('sorts names with a collator, accents and all', () => {
		expect(order({ column: 'name', direction: 'asc' })).toEqual([
			'ALA',
			'ARG',
			'BHS',
			'BLR',
			'CIV',
			'MEX'
		]);
		expect(order({ column: 'name', direction: 'desc' })).toEqual([
			'MEX',
			'CIV',
			'BLR',
			'BHS',
			'ARG',
			'ALA'
		]);
	});

	it('sorts numbers numerically, ties by name', () => {
		// Argentina and Côte d'Ivoire both have 31 days closed.
		expect(order({ column: 'days4', direction: 'desc' })).toEqual([
			'ARG',
			'CIV',
			'BHS',
			'ALA',
			'BLR',
			'MEX'
		]);
		expect(order({ column: 'days4', direction: 'asc' })).toEqual([
			'ALA',
			'BLR',
			'MEX',
			'BHS',
			'ARG',
			'CIV'
		]);
		// 1.4e9 > 5.6e8 > 3.8e8 though "1400000000" < "561400000" as text.
		expect(order({ column: 'remittances', direction: 'desc' }).slice(0, 4)).toEqual([
			'MEX',
			'BLR',
			'ARG',
			'CIV'
		]);
	});

	it('puts empty values last in both directions', () => {
		const asc = order({ column: 'firstClosure', direction: 'asc' });
		const desc = order({ column: 'firstClosure', direction: 'desc' });
		expect(asc).toEqual(['ARG', 'CIV', 'BHS', 'ALA', 'BLR', 'MEX']);
		expect(desc).toEqual(['BHS', 'ARG', 'CIV', 'ALA', 'BLR', 'MEX']);
		expect(order({ column: 'level', direction: 'asc' }).at(-1)).toBe('ALA');
		expect(order({ column: 'level', direction: 'desc' }).at(-1)).toBe('ALA');
		const change = order({ column: 'remittancesChange2019To2020', direction: 'asc' });
		expect(change.slice(0, 3)).toEqual(['CIV', 'ARG', 'MEX']);
		expect(change.slice(3)).toEqual(['ALA', 'BHS', 'BLR']);
	});

	it('sorts dates lexically', () => {
		expect(order({ column: 'lastChange', direction: 'desc' })).toEqual([
			'BLR',
			'BHS',
			'CIV',
			'ARG',
			'ALA',
			'MEX'
		]);
		expect(order({ column: 'since', direction: 'asc' })).toEqual([
			'MEX',
			'ARG',
			'CIV',
			'BHS',
			'BLR',
			'ALA'
		]);
	});

	it('is a total order that does not depend on the input order', () => {
		const reversed = ROWS.toReversed();
		for (const column of SORT_KEYS) {
			for (const direction of ['asc', 'desc'] as const) {
				expect(order({ column, direction }, reversed)).toEqual(order({ column, direction }));
				const cmp = compareRows({ column, direction });
				for (const a of ROWS) expect(cmp(a, a)).toBe(0);
			}
		}
	});

	it('leaves its input alone', () => {
		const before = ROWS.map((r) => r.iso3);
		sortRows(ROWS, { column: 'days4', direction: 'desc' });
		expect(ROWS.map((r) => r.iso3)).toEqual(before);
	});

	it('flips on a second click; a new column starts at its natural order', () => {
		const byName: TableSort = { column: 'name', direction: 'asc' };
		expect(nextSort(byName, 'name')).toEqual({ column: 'name', direction: 'desc' });
		expect(nextSort(byName, 'days4')).toEqual({ column: 'days4', direction: 'desc' });
		expect(nextSort({ column: 'days4', direction: 'desc' }, 'days4').direction).toBe('asc');
		expect(nextSort(byName, 'firstClosure')).toEqual({ column: 'firstClosure', direction: 'asc' });
		expect(defaultDirection('remittances')).toBe('desc');
	});
});

describe('border status table columns', () => {
	it('offers every sort key from a header exactly once', () => {
		const keys = COLUMNS.flatMap((c) => c.sorts.map((s) => s.key));
		expect(keys.toSorted()).toEqual([...SORT_KEYS].toSorted());
	});

	it('writes each cell readably', () => {
		const arg = ROWS[1]!;
		const text = Object.fromEntries(COLUMNS.map((c) => [c.id, c.text(arg)]));
		expect(text).toMatchObject({
			country: 'Argentina ARG',
			level: 'Total closure, since 16 Mar 2020',
			days0: '70',
			days4: '31',
			daysNoData: '0',
			firstClosure: '16 Mar 2020',
			longestClosure: '31 days, 16 Mar – 15 Apr 2020',
			lastChange: '16 Mar 2020 2→4▲',
			remittances: '$561.4M (2020)',
			remittancesChange: '+8.0%'
		});
		const ala = Object.fromEntries(COLUMNS.map((c) => [c.id, c.text(ROWS[3]!)]));
		expect(ala).toMatchObject({
			level: 'No data',
			daysNoData: '106',
			longestClosure: '–',
			remittances: '–',
			remittancesChange: '–'
		});
	});

	it('formats days, ranges, changes and marks', () => {
		expect(formatDayShort('2020-04-05')).toBe('5 Apr 2020');
		expect(formatDayShort(null)).toBe('–');
		expect(formatDayRange('2020-12-20', '2021-01-10')).toBe('20 Dec 2020 – 10 Jan 2021');
		expect(formatDayRange('2020-04-15', '2020-04-15')).toBe('15 Apr 2020');
		expect(formatChange(-0.05)).toBe('−5.0%');
		expect(formatChange(1.5)).toBe('+150%');
		expect(formatChange(0.00001)).toBe('0.0%');
		expect(formatChange(null)).toBe('–');
		expect(changeSign(-0.05)).toBe('down');
		expect(changeSign(0.0001)).toBe('flat');
		expect(changeMark(3, 2)).toBe('▼');
		expect(changeMark(null, 2)).toBe('');
		expect(describeSort({ column: 'days4' as SortKey, direction: 'desc' })).toBe(
			'sorted by Days at level 4: Total closure, largest first'
		);
	});
});
