import { describe, expect, it } from 'vitest';
import type { BorderStatusSeries } from '../../src/lib/domain/borderStatus.ts';
import {
	changesPerDay,
	dayAt,
	dayCount,
	levelOn,
	levelsOn,
	resolveTime
} from '../../src/lib/domain/borderStatusSeries.ts';

// Three countries over ten days: ITA tightens twice, FRA has a gap, COM has nothing.
const series: BorderStatusSeries = {
	first: '2020-03-01',
	last: '2020-03-10',
	runs: {
		ITA: [
			[0, 2, 0],
			[3, 5, 3],
			[6, 9, 4]
		],
		FRA: [
			[0, 3, 1],
			[6, 9, 1]
		]
	}
};

describe('reading the all-countries series', () => {
	it('finds the level and since-when on any day', () => {
		expect(levelOn(series, 'ITA', 0)).toEqual({ level: 0, since: '2020-03-01' });
		expect(levelOn(series, 'ITA', 4)).toEqual({ level: 3, since: '2020-03-04' });
		expect(levelOn(series, 'ITA', 9)).toEqual({ level: 4, since: '2020-03-07' });
		expect(levelOn(series, 'FRA', 4)).toEqual({ level: null, since: null });
		expect(levelOn(series, 'COM', 4)).toEqual({ level: null, since: null });
	});

	it('lists only countries with data on a day', () => {
		expect([...levelsOn(series, 5)]).toEqual([['ITA', 3]]);
		expect(Object.fromEntries(levelsOn(series, 7))).toEqual({ ITA: 4, FRA: 1 });
	});

	it('counts changes of level per day, not returns after a gap', () => {
		const counts = changesPerDay(series);
		expect(counts).toHaveLength(10);
		expect(counts[3]).toBe(1);
		expect(counts[6]).toBe(1); // ITA only: FRA came back after a gap
		expect(counts.reduce((a, b) => a + b)).toBe(2);
	});

	it('resolves URL times, clamping to the data range', () => {
		expect(dayCount(series)).toBe(10);
		expect(resolveTime(series, 'latest')).toBe(9);
		expect(resolveTime(series, '2020-03-04')).toBe(3);
		expect(resolveTime(series, '2019-01-01')).toBe(0);
		expect(resolveTime(series, '2030-01-01')).toBe(9);
		expect(resolveTime(series, '2020')).toBe(9);
		expect(dayAt(series, 3)).toBe('2020-03-04');
	});
});
