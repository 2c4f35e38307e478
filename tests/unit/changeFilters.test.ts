import { describe, expect, it } from 'vitest';
import type { LevelChange } from '../../src/lib/domain/analysis.ts';
import {
	changesAround,
	commitItems,
	countByDirection,
	describeDay,
	directionOf,
	filterItems,
	formatBetween,
	formatOffset,
	fromFeedEntry,
	seriesItems,
	summarizeChanges,
	type FeedEntry
} from '../../src/lib/changes/changeFilters.ts';
import { formatPeriod, periodFirstDay } from '../../src/lib/domain/date.ts';

// Level changes around mid-April 2020 as the bundled OxCGRT series has them.
const CHANGES: LevelChange[] = [
	{ iso3: 'NIC', day: '2020-04-15', from: 1, to: 2 },
	{ iso3: 'CZE', day: '2020-04-14', from: 4, to: 2 },
	{ iso3: 'AZE', day: '2020-04-16', from: 3, to: 4 },
	{ iso3: 'TLS', day: '2020-04-13', from: 3, to: 4 },
	{ iso3: 'TCD', day: '2020-04-13', from: 3, to: 4 },
	{ iso3: 'KHM', day: '2020-04-08', from: 3, to: 2 },
	{ iso3: 'AND', day: '2020-04-08', from: 2, to: 3 },
	{ iso3: 'ARG', day: '2020-03-16', from: 2, to: 4 },
	{ iso3: 'RUS', day: '2021-06-01', from: 3, to: 0 },
	{ iso3: 'SSD', day: '2020-04-22', from: null, to: 3 },
	{ iso3: 'ZMB', day: '2020-04-23', from: 4, to: 3 }
];

describe('change items', () => {
	it('tells tightening from loosening', () => {
		expect(directionOf(1, 2)).toBe('tightening');
		expect(directionOf(4, 2)).toBe('loosening');
		expect(directionOf(null, 3)).toBeNull();
		expect(directionOf(2, 2)).toBeNull();
	});

	it('lists level changes newest first, countries in code order', () => {
		const items = seriesItems(CHANGES);
		expect(items[0]!.iso3).toBe('RUS');
		expect(items.at(-1)!.iso3).toBe('ARG');
		const april13 = items.filter((i) => i.day === '2020-04-13').map((i) => i.iso3);
		expect(april13).toEqual(['TCD', 'TLS']);
		expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
	});

	it('reads commits, newest seq first, naming their source', () => {
		const entries: FeedEntry[] = [
			{ seq: 7, iso3: 'RUS', period: '2021-06-29', old: 3, new: 0, source: 'oxcgrt-c8' },
			{
				seq: 9,
				iso3: 'RUS',
				period: '2021-06-01/',
				old: 3,
				new: 0,
				source: 'restrictions',
				note: 'Test: borders reopened',
				sourceUrl: 'https://example.org/rus'
			},
			{ seq: 8, iso3: 'JPN', period: '2021-05-20', old: null, new: 4, source: null },
			{
				seq: 10,
				layer: 'corridors',
				iso3: 'ZMB',
				period: '2017',
				old: null,
				new: 5_000_000,
				source: 'bilateral-remittances'
			}
		];
		const items = commitItems(entries);
		expect(items.map((i) => i.key)).toEqual(['seq:10', 'seq:9', 'seq:8', 'seq:7']);
		expect(items[0]).toMatchObject({ layer: 'corridors', from: null, to: null, direction: null });
		expect(items[1]).toMatchObject({
			day: '2021-06-01',
			fromDay: true,
			source: 'Editor',
			direction: 'loosening',
			note: 'Test: borders reopened'
		});
		expect(items[2]).toMatchObject({ source: 'Unknown', from: null, to: 4, direction: null });
		expect(items[3]!.source).toBe('OxCGRT');
		expect(fromFeedEntry(entries[0]!).layer).toBeUndefined();
	});

	it('filters by direction and an inclusive date range', () => {
		const items = seriesItems(CHANGES);
		expect(filterItems(items, { direction: 'all' })).toHaveLength(items.length);
		const tight = filterItems(items, { direction: 'tightening' });
		expect(tight.every((i) => i.direction === 'tightening')).toBe(true);
		expect(tight).toHaveLength(6);
		expect(countByDirection(items)).toEqual({ tightening: 6, loosening: 4 });
		const april = filterItems(items, { direction: 'all', from: '2020-04-08', to: '2020-04-15' });
		expect(april.map((i) => i.day)).toEqual([
			'2020-04-15',
			'2020-04-14',
			'2020-04-13',
			'2020-04-13',
			'2020-04-08',
			'2020-04-08'
		]);
		expect(filterItems(items, { direction: 'loosening', from: '2021-01-01', to: '' })).toEqual([
			expect.objectContaining({ iso3: 'RUS' })
		]);
		expect(filterItems(items, { direction: 'all', from: '2020-05-01', to: '2020-04-01' })).toEqual(
			[]
		);
	});
});

describe('changes around a day', () => {
	it('groups by day within the window, nearest first, earlier before later', () => {
		const groups = changesAround(CHANGES, '2020-04-15', 7);
		expect(groups.map((g) => [g.day, g.offset])).toEqual([
			['2020-04-15', 0],
			['2020-04-14', -1],
			['2020-04-16', 1],
			['2020-04-13', -2],
			['2020-04-08', -7],
			['2020-04-22', 7]
		]);
		expect(groups.find((g) => g.day === '2020-04-13')!.changes.map((c) => c.iso3)).toEqual([
			'TCD',
			'TLS'
		]);
		expect(groups.some((g) => g.day === '2020-04-23')).toBe(false);
		expect(changesAround(CHANGES, '2020-04-15', 0).map((g) => g.day)).toEqual(['2020-04-15']);
	});

	it('sums up the chosen day in a sentence', () => {
		expect(describeDay(changesAround(CHANGES, '2020-04-15', 7), '2020-04-15', 7)).toBe(
			'On 15 April 2020: 1 country tightened.'
		);
		const mixed: LevelChange[] = [
			{ iso3: 'AZE', day: '2020-04-16', from: 3, to: 4 },
			{ iso3: 'CUB', day: '2020-04-16', from: 3, to: 4 },
			{ iso3: 'GTM', day: '2020-04-16', from: 3, to: 4 },
			{ iso3: 'CZE', day: '2020-04-16', from: 4, to: 2 },
			{ iso3: 'SSD', day: '2020-04-16', from: null, to: 3 }
		];
		expect(summarizeChanges(mixed)).toBe('3 countries tightened, 1 loosened and 1 began reporting');
		expect(summarizeChanges(mixed.slice(3, 4))).toBe('1 country loosened');
		expect(summarizeChanges([])).toBeNull();
		expect(describeDay(changesAround(CHANGES, '2020-04-10', 7), '2020-04-10', 7)).toBe(
			'No level changed on 10 April 2020; 7 changes within 7 days.'
		);
	});

	it('says so when nothing changed nearby', () => {
		const quiet = changesAround(CHANGES, '2020-05-15', 7);
		expect(quiet).toEqual([]);
		expect(describeDay(quiet, '2020-05-15', 7)).toBe('No level changed between 8 and 22 May 2020.');
		expect(formatBetween('2020-03-28', '2020-04-11')).toBe('28 March and 11 April 2020');
		expect(formatBetween('2020-12-28', '2021-01-04')).toBe('28 December 2020 and 4 January 2021');
	});

	it('names offsets', () => {
		expect(formatOffset(0)).toBe('chosen day');
		expect(formatOffset(-1)).toBe('the day before');
		expect(formatOffset(3)).toBe('3 days after');
	});
});

describe('periods that are not days', () => {
	it('start on their first day and read as a reader says them', () => {
		expect(periodFirstDay('2020-04-15')).toBe('2020-04-15');
		expect(periodFirstDay('2019')).toBe('2019-01-01');
		expect(periodFirstDay('2026-05')).toBe('2026-05-01');
		expect(periodFirstDay('2019Q4')).toBe('2019-10-01');
		expect(periodFirstDay('2013Q1')).toBe('2013-01-01');
		expect(periodFirstDay('2021-06-01/..')).toBe('2021-06-01');
		expect(formatPeriod('2019')).toBe('2019');
		expect(formatPeriod('2026-05')).toBe('May 2026');
		expect(formatPeriod('2019Q4')).toBe('2019 Q4');
		expect(formatPeriod('2020-04-15')).toBeNull();
		expect(formatPeriod('2021-06-01/..')).toBeNull();
	});

	it('give commits of monthly and quarterly layers a day to sort by and a label to show', () => {
		const items = commitItems([
			{
				seq: 1,
				layer: 'remittances-monthly',
				iso3: 'MEX',
				period: '2026-05',
				old: null,
				new: 5_611_002_446,
				source: 'banxico-remittances'
			},
			{
				seq: 2,
				layer: 'corridor-cost',
				iso3: 'MEX',
				period: '2017Q4',
				old: 4.45,
				new: 4.5,
				source: 'rpw'
			}
		]);
		expect(items).toMatchObject([
			{ layer: 'corridor-cost', day: '2017-10-01', periodLabel: '2017 Q4', source: 'rpw' },
			{ layer: 'remittances-monthly', day: '2026-05-01', periodLabel: 'May 2026' }
		]);
	});
});
