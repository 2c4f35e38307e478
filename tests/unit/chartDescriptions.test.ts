import { describe, expect, it } from 'vitest';
import type { LevelRun } from '../../src/lib/domain/borderStatus.ts';
import {
	change,
	closureStats,
	comparisonYear,
	describeHistories,
	describeLevelCounts,
	describeRemittances,
	listNames,
	peakDay
} from '../../src/lib/charts/chartDescriptions.ts';
import type {
	CountryHistory,
	CountryRemittances,
	DayLevelCounts
} from '../../src/lib/charts/chartTypes.ts';
import {
	addMonths,
	dayForKey,
	dayOf,
	dodge,
	shortName,
	stepPoints
} from '../../src/lib/charts/timeScale.ts';

// 54 African countries around the first closures of spring 2020.
const counts: DayLevelCounts[] = [
	{ day: '2020-03-01', counts: [40, 10, 2, 2, 0], noData: 0 },
	{ day: '2020-03-20', counts: [5, 6, 8, 15, 18], noData: 2 },
	{ day: '2020-04-02', counts: [0, 1, 2, 4, 45], noData: 2 },
	{ day: '2020-04-03', counts: [0, 1, 2, 4, 45], noData: 2 },
	{ day: '2020-04-15', counts: [0, 2, 4, 8, 38], noData: 2 },
	{ day: '2020-12-31', counts: [3, 20, 18, 9, 2], noData: 2 }
];

describe('describeLevelCounts', () => {
	it('says how many were closed on the day and when the peak was', () => {
		expect(describeLevelCounts(counts, '2020-04-15', 'countries in Africa')).toBe(
			'On 15 April 2020, 38 of 54 countries in Africa had closed their borders completely (2 without data that day). The peak was 45 on 2 April 2020.'
		);
	});
	it('says so when the day is the peak', () => {
		expect(describeLevelCounts(counts, '2020-04-02')).toBe(
			'On 2 April 2020, 45 of 54 countries had closed their borders completely (2 without data that day). That was the peak.'
		);
	});
	it('handles a day before any closure and a group that never closed', () => {
		const open = counts.map((d) => ({
			...d,
			counts: [54, 0, 0, 0, 0] as DayLevelCounts['counts'],
			noData: 0
		}));
		expect(describeLevelCounts(open, '2020-03-01')).toBe(
			'On 1 March 2020, none of 54 countries had closed their borders completely. No country in this group closed its borders completely in the period.'
		);
	});
	it('handles a day outside the data', () => {
		expect(describeLevelCounts(counts, '2023-01-01')).toBe('No data on 1 January 2023.');
		expect(describeLevelCounts([], '2020-04-15')).toBe('No data on 15 April 2020.');
	});
	it('finds the first peak day', () => {
		expect(peakDay(counts, 4)).toEqual({ day: '2020-04-02', count: 45 });
		expect(peakDay([], 4)).toBeNull();
	});
});

const india: LevelRun[] = [
	{ from: '2020-01-01', to: '2020-01-31', level: 0 },
	{ from: '2020-02-01', to: '2020-03-10', level: 1 },
	{ from: '2020-03-11', to: '2020-03-21', level: 3 },
	{ from: '2020-03-22', to: '2020-10-06', level: 4 },
	{ from: '2020-10-07', to: '2022-12-31', level: 3 }
];
const mexico: LevelRun[] = [
	{ from: '2020-01-01', to: '2020-03-19', level: 0 },
	{ from: '2020-03-20', to: '2022-12-31', level: 1 }
];
const philippines: LevelRun[] = [
	{ from: '2020-01-01', to: '2020-01-30', level: 0 },
	{ from: '2020-01-31', to: '2020-03-18', level: 3 },
	{ from: '2020-03-19', to: '2020-05-31', level: 4 },
	{ from: '2020-06-01', to: '2020-06-30', level: null },
	{ from: '2020-07-01', to: '2021-03-21', level: 3 },
	{ from: '2021-03-22', to: '2021-04-30', level: 4 },
	{ from: '2021-05-01', to: '2022-12-31', level: 3 }
];
const h = (iso3: string, name: string, runs: LevelRun[]): CountryHistory => ({ iso3, name, runs });

describe('describeHistories', () => {
	it('describes one country: its level on the day and its longest closure', () => {
		expect(describeHistories([h('IND', 'India', india)], '2020-04-15')).toBe(
			'On 15 April 2020, India was at level 4, total closure, since 22 March 2020. Its longest total closure lasted 199 days, from 22 March 2020 to 6 October 2020.'
		);
		expect(describeHistories([h('MEX', 'Mexico', mexico)], '2020-04-15')).toBe(
			'On 15 April 2020, Mexico was at level 1, screening, since 20 March 2020. It never closed its borders completely in the period.'
		);
	});
	it('says when a country has no data on the day', () => {
		expect(describeHistories([h('PHL', 'Philippines', philippines)], '2020-06-10')).toMatch(
			/^Philippines has no data for 10 June 2020\. Its longest total closure lasted 74 days/
		);
	});
	it('compares several countries', () => {
		const three = [
			h('MEX', 'Mexico', mexico),
			h('IND', 'India', india),
			h('PHL', 'Philippines', philippines)
		];
		expect(describeHistories(three, '2020-04-15')).toBe(
			"On 15 April 2020, 2 of 3 selected countries had closed their borders completely (India and Philippines). The longest total closure was India's: 199 days from 22 March 2020."
		);
		expect(describeHistories(three, '2022-06-01')).toMatch(
			/^On 1 June 2022, none of the 3 selected countries had closed their borders completely\./
		);
		expect(describeHistories([], '2020-04-15')).toBe('');
	});
	it('adds up closures', () => {
		expect(closureStats(philippines)).toEqual({
			days: 74 + 40,
			longest: { from: '2020-03-19', to: '2020-05-31', days: 74 }
		});
	});
});

// World Bank WDI, personal remittances received (current US$), rounded.
const received: CountryRemittances[] = [
	{
		iso3: 'IND',
		name: 'India',
		series: [
			{ year: 2018, value: 78.79e9 },
			{ year: 2019, value: 83.33e9 },
			{ year: 2020, value: 83.15e9 }
		]
	},
	{
		iso3: 'MEX',
		name: 'Mexico',
		series: [
			{ year: 2019, value: 39.02e9 },
			{ year: 2020, value: 42.88e9 }
		]
	},
	{
		iso3: 'PHL',
		name: 'Philippines',
		series: [
			{ year: 2019, value: 35.17e9 },
			{ year: 2020, value: 34.91e9 }
		]
	},
	{
		iso3: 'NGA',
		name: 'Nigeria',
		series: [
			{ year: 2019, value: 23.81e9 },
			{ year: 2020, value: 17.21e9 }
		]
	},
	{ iso3: 'SOM', name: 'Somalia', series: [] }
];

describe('describeRemittances', () => {
	it('describes one country against the year before', () => {
		expect(describeRemittances([received[0]!], 'received')).toBe(
			'India received $83.2B in 2020, 0.2% less than in 2019.'
		);
		expect(describeRemittances([received[1]!], 'received')).toBe(
			'Mexico received $42.9B in 2020, 9.9% more than in 2019.'
		);
		expect(describeRemittances([received[4]!], 'received')).toBe('No remittance data for Somalia.');
	});
	it('describes shares of GDP in points', () => {
		const share: CountryRemittances = {
			iso3: 'MEX',
			name: 'Mexico',
			series: [
				{ year: 2019, value: 3.1 },
				{ year: 2020, value: 3.9 }
			]
		};
		expect(describeRemittances([share], 'share_gdp')).toBe(
			"Remittances were 3.9% of Mexico's GDP in 2020, up from 3.1% in 2019."
		);
	});
	it('counts rises and falls across the selection', () => {
		expect(describeRemittances(received, 'received')).toBe(
			'From 2019 to 2020, remittances received rose in 1 of 4 selected countries (most in Mexico, +9.9%) and fell in 3 (most in Nigeria, −28%). No comparison for Somalia (missing 2019 or 2020).'
		);
	});
	it('falls back to the latest year with values', () => {
		const to2019 = received.map((r) => ({ ...r, series: r.series.filter((v) => v.year < 2020) }));
		expect(comparisonYear(to2019, 2020)).toBe(2019);
		expect(describeRemittances([to2019[0]!], 'received')).toBe(
			'India received $83.3B in 2019, 5.8% more than in 2018. No values for 2020 yet.'
		);
		expect(comparisonYear([received[4]!], 2020)).toBeNull();
	});
	it('computes relative change only from a non-zero base', () => {
		expect(change(100, 90)).toBeCloseTo(-0.1);
		expect(change(0, 5)).toBeNull();
		expect(change(null, 5)).toBeNull();
	});
});

describe('chart helpers', () => {
	it('lists names', () => {
		expect(listNames(['India'])).toBe('India');
		expect(listNames(['India', 'Mexico', 'Nigeria'])).toBe('India, Mexico and Nigeria');
	});
	it('moves the date by key, clamped to the range', () => {
		expect(dayForKey('ArrowRight', false, '2020-02-28', '2020-01-01', '2022-12-31')).toBe(
			'2020-02-29'
		);
		expect(dayForKey('ArrowLeft', true, '2020-03-31', '2020-01-01', '2022-12-31')).toBe(
			'2020-02-29'
		);
		expect(dayForKey('ArrowLeft', false, '2020-01-01', '2020-01-01', '2022-12-31')).toBe(
			'2020-01-01'
		);
		expect(dayForKey('ArrowRight', true, '2022-12-15', '2020-01-01', '2022-12-31')).toBe(
			'2022-12-31'
		);
		expect(dayForKey('Home', false, '2021-05-05', '2020-01-01', '2022-12-31')).toBe('2020-01-01');
		expect(dayForKey('a', false, '2021-05-05', '2020-01-01', '2022-12-31')).toBeNull();
		expect(addMonths('2020-01-31', 1)).toBe('2020-02-29');
		expect(dayOf(new Date(Date.UTC(2020, 3, 15, 23, 59)))).toBe('2020-04-15');
	});
	it('dodges labels apart, keeping order and bounds', () => {
		expect(dodge([50, 50, 50], 10, 0, 200)).toEqual([50, 60, 70]);
		expect(dodge([195, 190], 10, 0, 200)).toEqual([200, 190]);
		expect(dodge([10, 100], 10, 0, 200)).toEqual([10, 100]);
	});
	it('builds step points with gaps', () => {
		const points = stepPoints([
			{ from: '2020-01-01', to: '2020-01-02', level: 1 },
			{ from: '2020-01-03', to: '2020-01-03', level: null }
		]);
		expect(points.map(([d, l]) => [d.toISOString().slice(0, 10), l])).toEqual([
			['2020-01-01', 1],
			['2020-01-03', 1],
			['2020-01-03', null]
		]);
		expect(shortName('Democratic Republic of the Congo', 'COD')).toBe('COD');
	});
});

describe('describeRemittances, shares of GDP', () => {
	const share = (iso3: string, name: string, a: number, b: number): CountryRemittances => ({
		iso3,
		name,
		series: [
			{ year: 2019, value: a },
			{ year: 2020, value: b }
		]
	});
	it('compares several countries in percentage points', () => {
		expect(
			describeRemittances(
				[
					share('MEX', 'Mexico', 3.1, 3.9),
					share('PHL', 'Philippines', 9.3, 9.6),
					share('NGA', 'Nigeria', 5.3, 4.0)
				],
				'share_gdp'
			)
		).toBe(
			'From 2019 to 2020, remittances as a share of GDP rose in 2 of 3 selected countries (most in Mexico, +0.8 percentage points) and fell in 1 (most in Nigeria, −1.3 percentage points).'
		);
	});
	it('does not call a change that rounds away a rise', () => {
		expect(describeRemittances([share('IND', 'India', 2.91, 2.94)], 'share_gdp')).toBe(
			"Remittances were 2.9% of India's GDP in 2020, about as much as in 2019."
		);
	});
});
