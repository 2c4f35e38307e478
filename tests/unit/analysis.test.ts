import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BorderStatusSeries, Level } from '../../src/lib/domain/borderStatus.ts';
import { borderStatusTable } from '../../src/lib/domain/borderStatusTable.ts';
import type { Country } from '../../src/lib/domain/country.ts';
import { addDays } from '../../src/lib/domain/date.ts';
import { levelChanges } from '../../src/lib/domain/levelChanges.ts';
import { levelCountsByDay } from '../../src/lib/domain/levelCounts.ts';
import { selectSeries } from '../../src/lib/domain/seriesRuns.ts';
import { borderStatusSeries } from '../../src/lib/server/db/borderStatus.ts';
import { listCountries } from '../../src/lib/server/db/countries.ts';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import { remittanceSeriesAll } from '../../src/lib/server/db/remittances.ts';
import { readGrid } from '../support/c8Variants.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { C8_SNAPSHOT } from '../support/server.ts';

// Ten days: ITA 0,0,0,3,3,3,4,4,4,4; FRA 1 ×4, gap, 1 ×4 from day 6; DEU starts on day 2 at 4,
// opens to 2, closes again (a longer second closure), the last cut by the date in some tests.
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
		],
		DEU: [
			[2, 3, 4],
			[4, 4, 2],
			[5, 9, 4]
		]
	}
};
const country = (iso3: string, name: string): Country => ({
	iso3,
	iso2: null,
	name,
	m49Region: 'Europe',
	m49Subregion: 'Western Europe',
	m49IntermediateRegion: null,
	wbRegion: 'Europe & Central Asia',
	incomeGroup: 'High income'
});
const countries = [
	country('ITA', 'Italy'),
	country('FRA', 'France'),
	country('DEU', 'Germany'),
	country('COM', 'Comoros')
];

describe('levelChanges', () => {
	it('finds every change, newest first, with gaps and late starts as from=null', () => {
		expect(levelChanges(series)).toEqual([
			{ iso3: 'FRA', day: '2020-03-07', from: null, to: 1 },
			{ iso3: 'ITA', day: '2020-03-07', from: 3, to: 4 },
			{ iso3: 'DEU', day: '2020-03-06', from: 2, to: 4 },
			{ iso3: 'DEU', day: '2020-03-05', from: 4, to: 2 },
			{ iso3: 'ITA', day: '2020-03-04', from: 0, to: 3 },
			{ iso3: 'DEU', day: '2020-03-03', from: null, to: 4 }
		]);
	});

	it('filters by members, days and direction', () => {
		expect(levelChanges(series, { direction: 'tightening' }).map((c) => c.day)).toEqual([
			'2020-03-07',
			'2020-03-06',
			'2020-03-04'
		]);
		expect(levelChanges(series, { direction: 'loosening' })).toEqual([
			{ iso3: 'DEU', day: '2020-03-05', from: 4, to: 2 }
		]);
		expect(levelChanges(series, { members: new Set(['ITA']), from: '2020-03-05' })).toEqual([
			{ iso3: 'ITA', day: '2020-03-07', from: 3, to: 4 }
		]);
		expect(levelChanges(series, { from: '2020-03-03', to: '2020-03-04' })).toHaveLength(2);
	});

	it('merges adjacent runs of one level (not a change)', () => {
		const split: BorderStatusSeries = {
			...series,
			runs: {
				ITA: [
					[0, 2, 1],
					[3, 5, 1]
				]
			}
		};
		expect(levelChanges(split)).toEqual([]);
	});
});

describe('levelCountsByDay', () => {
	it('counts countries per level and day, members without runs as no data', () => {
		const counts = levelCountsByDay(series);
		expect(counts).toHaveLength(10);
		expect(counts[0]).toEqual({ day: '2020-03-01', counts: [1, 1, 0, 0, 0], noData: 1 });
		expect(counts[4]).toEqual({ day: '2020-03-05', counts: [0, 0, 1, 1, 0], noData: 1 });
		expect(counts[9]).toEqual({ day: '2020-03-10', counts: [0, 1, 0, 0, 2], noData: 0 });
		const members = levelCountsByDay(series, new Set(['ITA', 'COM']));
		expect(members[9]).toEqual({ day: '2020-03-10', counts: [0, 0, 0, 0, 1], noData: 1 });
	});
});

describe('selectSeries', () => {
	it('clips days and countries and re-indexes runs', () => {
		expect(
			selectSeries(series, {
				members: new Set(['ITA', 'FRA']),
				from: '2020-03-05',
				to: '2020-03-07'
			})
		).toEqual({
			first: '2020-03-05',
			last: '2020-03-07',
			runs: {
				ITA: [
					[0, 1, 3],
					[2, 2, 4]
				],
				FRA: [[2, 2, 1]]
			}
		});
		expect(selectSeries(series, { from: '2021-01-01' })).toBeNull();
	});
});

describe('borderStatusTable', () => {
	const received = new Map([
		[
			'ITA',
			[
				{ year: 2018, value: 100 },
				{ year: 2019, value: 200 },
				{ year: 2020, value: 150 }
			]
		],
		['FRA', [{ year: 2017, value: 5 }]]
	]);

	it('gives one row per country with runs, sorted by name, with day counts to the date', () => {
		const rows = borderStatusTable(series, 7, countries, received);
		expect(rows.map((r) => r.iso3)).toEqual(['FRA', 'DEU', 'ITA']);
		const [fra, deu, ita] = rows;
		expect(ita).toMatchObject({
			date: '2020-03-08',
			level: 4,
			since: '2020-03-07',
			days0: 3,
			days3: 3,
			days4: 2,
			daysNoData: 0,
			firstClosure: '2020-03-07',
			longestClosureFrom: '2020-03-07',
			longestClosureTo: '2020-03-08',
			longestClosureDays: 2,
			lastChange: '2020-03-07',
			lastChangeFrom: 3,
			lastChangeTo: 4,
			remittancesYear: 2020,
			remittances: 150,
			remittances2019: 200,
			remittances2020: 150,
			remittancesChange2019To2020: -0.25
		});
		expect(fra).toMatchObject({
			level: 1,
			days1: 6,
			daysNoData: 2,
			firstClosure: null,
			longestClosureDays: 0,
			longestClosureFrom: null,
			lastChange: '2020-03-07',
			lastChangeFrom: null,
			lastChangeTo: 1,
			remittancesYear: 2017,
			remittances2019: null,
			remittancesChange2019To2020: null
		});
		// DEU: closed on days 2–3 (2 days), open on 4, closed from day 5: 3 days by day 7.
		expect(deu).toMatchObject({
			days4: 5,
			days2: 1,
			daysNoData: 2,
			firstClosure: '2020-03-03',
			longestClosureFrom: '2020-03-06',
			longestClosureTo: '2020-03-08',
			longestClosureDays: 3,
			lastChange: '2020-03-06',
			lastChangeFrom: 2,
			lastChangeTo: 4,
			remittancesYear: null,
			remittances: null
		});
		for (const row of rows) {
			expect(row.days0 + row.days1 + row.days2 + row.days3 + row.days4 + row.daysNoData).toBe(8);
		}
	});

	it('takes the earliest of equally long closures, and a first run on day 0 is no change', () => {
		const rows = borderStatusTable(series, 3, countries, received);
		const deu = rows.find((r) => r.iso3 === 'DEU')!;
		expect(deu).toMatchObject({ longestClosureFrom: '2020-03-03', longestClosureDays: 2 });
		expect(rows.find((r) => r.iso3 === 'ITA')).toMatchObject({
			lastChange: '2020-03-04',
			lastChangeFrom: 0
		});
		const first = borderStatusTable(series, 0, countries, received);
		expect(first.find((r) => r.iso3 === 'ITA')).toMatchObject({
			lastChange: null,
			lastChangeFrom: null,
			lastChangeTo: null,
			days0: 1
		});
		// DEU's data starts on day 2: nothing yet on day 0, but it has runs, so it has a row.
		expect(first.find((r) => r.iso3 === 'DEU')).toMatchObject({ level: null, daysNoData: 1 });
	});
});

// ---------------------------------------------------------------- on the bundled data

const grid = readGrid(readFileSync(C8_SNAPSHOT, 'utf8'));
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
const feedDays = grid[0]!
	.slice(3)
	.map(
		(h) =>
			`${h.slice(5)}-${String(MONTHS.indexOf(h.slice(2, 5)) / 3 + 1).padStart(2, '0')}-${h.slice(0, 2)}`
	);
const feed = new Map(
	grid.slice(1).map((r) => [
		r[1] === 'RKS' ? 'XKX' : r[1]!,
		// The full file writes missing cells as "" (2020–2021) and as bare NA (2022–2023).
		r.slice(3).map((c) => (c === '' || c === 'NA' ? null : (Number(c) as Level)))
	])
);

describe('the analysis functions on the bundled OxCGRT snapshot', () => {
	const db = openDatabase(seededDatabaseCopy());
	const real = borderStatusSeries(db)!;
	const all = listCountries(db);
	const received = remittanceSeriesAll(db, 'received');

	it('knows New Zealand closed on 20 March 2020, as the feed says', () => {
		const rows = borderStatusTable(real, real.runs['NZL']!.at(-1)![1], all, received);
		expect(rows.find((r) => r.iso3 === 'NZL')!.firstClosure).toBe('2020-03-20');
	});

	it('equals a day-by-day count from the feed for every country on a few dates', () => {
		// The series ends on the feed's last day with any value (China's 8 January 2023).
		expect(real.last).toBe('2023-01-08');
		for (const date of ['2020-01-01', '2020-04-15', '2020-12-31', '2022-12-31', real.last]) {
			const index = feedDays.indexOf(date);
			const rows = new Map(borderStatusTable(real, index, all, received).map((r) => [r.iso3, r]));
			for (const [iso3, values] of feed) {
				if (values.every((v) => v === null)) continue;
				const row = rows.get(iso3)!;
				const upto = values.slice(0, index + 1);
				const days = [0, 1, 2, 3, 4].map((l) => upto.filter((v) => v === l).length);
				let lastChange: string | null = null;
				let longest = 0;
				let run = 0;
				upto.forEach((v, i) => {
					if (i > 0 && v !== null && v !== upto[i - 1]) lastChange = feedDays[i]!;
					run = v === 4 ? run + 1 : 0;
					longest = Math.max(longest, run);
				});
				const first4 = upto.indexOf(4);
				expect(
					{
						level: row.level,
						days: [row.days0, row.days1, row.days2, row.days3, row.days4],
						noData: row.daysNoData,
						firstClosure: row.firstClosure,
						longest: row.longestClosureDays,
						lastChange: row.lastChange
					},
					`${iso3} ${date}`
				).toEqual({
					level: values[index],
					days,
					noData: upto.filter((v) => v === null).length,
					firstClosure: first4 < 0 ? null : feedDays[first4],
					longest,
					lastChange
				});
			}
		}
	});

	it('counts and changes agree with the feed', () => {
		const counts = levelCountsByDay(real);
		for (const i of [0, 100, 300, 1095, feedDays.indexOf(real.last)]) {
			const levels = [...feed.values()].filter((v) => v.some((x) => x !== null)).map((v) => v[i]);
			expect(counts[i]!.day).toBe(feedDays[i]);
			expect(counts[i]!.counts).toEqual(
				[0, 1, 2, 3, 4].map((l) => levels.filter((v) => v === l).length)
			);
			expect(counts[i]!.noData).toBe(levels.filter((v) => v === null).length);
		}
		const changes = levelChanges(real);
		let expected = 0;
		for (const values of feed.values()) {
			values.forEach((v, i) => {
				if (i > 0 && v !== null && v !== values[i - 1]) expected++;
			});
		}
		expect(changes).toHaveLength(expected);
		expect(changes[0]!.day >= changes.at(-1)!.day).toBe(true);
		expect(addDays(real.first, 0)).toBe(feedDays[0]);
	});
});
