import { describe, expect, it } from 'vitest';
import type { BorderStatusSeries } from '../../src/lib/domain/borderStatus.ts';
import {
	applyBorderStatusChange,
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

describe('applying live changes to the series', () => {
	it('changes one day, splitting a run', () => {
		const next = applyBorderStatusChange(series, { iso3: 'ITA', period: '2020-03-05', new: 1 })!;
		expect(next.runs.ITA).toEqual([
			[0, 2, 0],
			[3, 3, 3],
			[4, 4, 1],
			[5, 5, 3],
			[6, 9, 4]
		]);
		expect(series.runs.ITA).toHaveLength(3); // the old series is untouched
		expect(next.runs.FRA).toBe(series.runs.FRA);
	});

	it('applies an interval that holds on, merging equal neighbours', () => {
		const change = { iso3: 'FRA', period: '2020-03-05/..', new: 1 };
		const next = applyBorderStatusChange(series, change, '2020-03-10')!;
		expect(next.runs.FRA).toEqual([[0, 9, 1]]);
		// Read on a later day, the same change reaches past the series: refetch.
		expect(applyBorderStatusChange(series, change, '2020-03-11')).toBeNull();
	});

	it('adds a new country and removes data', () => {
		const added = applyBorderStatusChange(series, { iso3: 'COM', period: '2020-03-02', new: 2 })!;
		expect(added.runs.COM).toEqual([[1, 1, 2]]);
		const removed = applyBorderStatusChange(added, {
			iso3: 'COM',
			period: '2020-03-02',
			new: null
		})!;
		expect(removed.runs.COM).toBeUndefined();
	});

	it('asks for a refetch when the change falls outside the series', () => {
		expect(
			applyBorderStatusChange(series, { iso3: 'ITA', period: '2020-03-11', new: 1 })
		).toBeNull();
		expect(
			applyBorderStatusChange(series, { iso3: 'ITA', period: '2020-03-05/2020-03-12', new: 1 })
		).toBeNull();
	});
});
