/**
 * The view model without a browser: the URL in, the URL out, and what the view derives
 * (levels on the day, counts, the summary, the filter, table rows) from real data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BorderStatusSeries } from '../../src/lib/domain/borderStatus.ts';
import type { Country } from '../../src/lib/domain/country.ts';
import { CrossingsView, type ViewData } from '../../src/lib/view/crossingsView.svelte.ts';
import { borderStatusSeries } from '../../src/lib/server/db/borderStatus.ts';
import { listCountries } from '../../src/lib/server/db/countries.ts';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import { remittanceYears } from '../../src/lib/server/db/remittances.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { ROOT } from '../support/server.ts';

const country = (iso3: string, name: string, extra: Partial<Country> = {}): Country => ({
	iso3,
	iso2: null,
	name,
	m49Region: null,
	m49Subregion: null,
	m49IntermediateRegion: null,
	wbRegion: null,
	incomeGroup: null,
	...extra
});

/** Three countries over ten days of January 2020. */
const small: ViewData = {
	seq: 7,
	series: {
		first: '2020-01-01',
		last: '2020-01-10',
		runs: {
			KEN: [
				[0, 4, 1],
				[5, 9, 4]
			],
			NGA: [[0, 9, 3]],
			FRA: [
				[0, 2, 0],
				[3, 9, 2]
			]
		}
	},
	countries: [
		country('FRA', 'France', { m49Region: 'Europe', incomeGroup: 'High income' }),
		country('KEN', 'Kenya', {
			m49Region: 'Africa',
			m49Subregion: 'Sub-Saharan Africa',
			m49IntermediateRegion: 'Eastern Africa',
			wbRegion: 'Sub-Saharan Africa',
			incomeGroup: 'Lower middle income'
		}),
		country('NGA', 'Nigeria', {
			m49Region: 'Africa',
			m49Subregion: 'Sub-Saharan Africa',
			m49IntermediateRegion: 'Western Africa',
			wbRegion: 'Sub-Saharan Africa',
			incomeGroup: 'Lower middle income'
		}),
		country('MEX', 'Mexico', { m49Region: 'Americas' })
	],
	remittanceYears: {
		received: { first: 2000, last: 2024, latest: 2023 },
		paid: { first: 2000, last: 2020, latest: 2019 },
		share_gdp: { first: 2000, last: 2023, latest: 2023 }
	}
};

const viewOf = (query: string, data: ViewData = small) =>
	new CrossingsView(data, new URLSearchParams(query));

describe('the view and its URL', () => {
	it('writes nothing for the default view, which shows the latest day', () => {
		const view = viewOf('');
		expect(view.query).toBe('');
		expect(view.day).toBe('2020-01-10');
		expect(view.time).toBe('latest');
	});

	it.each([
		'time=2020-01-04',
		'layer=remittances&time=2019',
		'layer=remittances&measure=paid',
		'layer=corridors&country=KEN',
		'region=Africa',
		'region=Western%20Africa',
		'region=Sub-Saharan%20Africa',
		'region=Lower%20middle%20income',
		'country=NGA~KEN~FRA',
		'tab=table',
		'tab=chart',
		'theme=dark',
		'live=0',
		'controls=0',
		'follow=abc_123',
		'layer=remittances&time=2010&region=Europe&country=FRA&tab=chart&theme=light&live=0&controls=0&follow=s1&measure=share_gdp'
	])('round-trips %s', (query) => {
		expect(viewOf(query).query).toBe(query);
	});

	it('spells a region the way the reference data does', () => {
		expect(viewOf('region=sub-saharan%20africa').query).toBe('region=Sub-Saharan%20Africa');
	});

	it('keeps an unknown region in the URL, flags it, and filters nothing', () => {
		const view = viewOf('region=Atlantis');
		expect(view.unknownRegion).toBe(true);
		expect(view.members).toBeNull();
		expect(view.tracked).toHaveLength(3);
		expect(view.query).toBe('region=Atlantis');
	});

	it('drops unknown countries and malformed values', () => {
		const view = viewOf('country=KEN~ZZZ~ken&time=2020-13-45&tab=graph&layer=nope');
		expect(view.selection).toEqual(['KEN']);
		expect(view.query).toBe('country=KEN');
	});

	it('clamps a day outside the data and a year outside the measure', () => {
		expect(viewOf('time=2019-05-01').day).toBe('2020-01-01');
		expect(viewOf('time=2030-01-01').query).toBe('');
		expect(viewOf('layer=remittances&measure=paid&time=2023').query).toBe(
			'layer=remittances&time=2020&measure=paid'
		);
		expect(viewOf('layer=remittances&measure=paid&time=2019').query).toBe(
			'layer=remittances&measure=paid'
		);
	});

	it('follows the reader: choices made in the view come out in the URL', () => {
		const view = viewOf('');
		view.setDay('2020-01-06');
		view.setRegion('africa');
		view.toggleSelected('NGA');
		view.toggleSelected('KEN');
		view.tab = 'table';
		expect(view.query).toBe('time=2020-01-06&region=Africa&country=NGA~KEN&tab=table');
		view.toggleSelected('NGA');
		view.setRegion(null);
		expect(view.query).toBe('time=2020-01-06&country=KEN&tab=table');
		expect(viewOf(view.query).query).toBe(view.query);
	});

	it('keeps "latest" latest, and a chosen year in range, when the measure changes', () => {
		const latest = viewOf('layer=remittances');
		expect(latest.year).toBe(2023);
		latest.setMeasure('paid');
		expect(latest.year).toBe(2019);
		expect(latest.query).toBe('layer=remittances&measure=paid');
		const chosen = viewOf('layer=remittances&time=2022');
		chosen.setMeasure('paid');
		expect(chosen.year).toBe(2020);
		expect(chosen.query).toBe('layer=remittances&time=2020&measure=paid');
	});

	it('means by "latest" the last day nearly every country has data for', () => {
		// China's data ran eight days past everyone else's; an editor's level holds to today.
		const series: BorderStatusSeries = {
			...small.series!,
			last: '2020-01-20',
			runs: { ...small.series!.runs, KEN: [...small.series!.runs.KEN!, [10, 19, 2]] }
		};
		const view = viewOf('', { ...small, series });
		expect(view.day).toBe('2020-01-10');
		expect(view.query).toBe('');
		view.setDay('2020-01-20');
		expect(view.query).toBe('time=2020-01-20');
	});
});

describe('what the view derives', () => {
	it('counts levels on the day within the filter, and says so', () => {
		const view = viewOf('time=2020-01-06');
		expect([...view.levels]).toEqual([
			['KEN', 4],
			['NGA', 3],
			['FRA', 2]
		]);
		expect(view.summary).toBe(
			'On 6 January 2020, of 3 countries and territories tracked: 1 total closure, 1 ban on some regions, 1 quarantine.'
		);
		view.setRegion('Sub-Saharan Africa');
		expect(view.counts.get(4)).toBe(1);
		expect(view.counts.get(2)).toBe(0);
		expect(view.summary).toBe(
			'On 6 January 2020, of 2 countries and territories tracked in Sub-Saharan Africa: 1 total closure, 1 ban on some regions.'
		);
		view.setRegion('Europe');
		view.setDay('2020-01-02');
		expect(view.summary).toBe(
			'On 2 January 2020, of 1 countries and territories tracked in Europe: 1 no measures.'
		);
	});

	it('dims the countries outside the region, and keeps corridor partners on the corridors layer', () => {
		const view = viewOf('region=Western%20Africa');
		expect([...view.mapFocus!]).toEqual(['NGA']);
		expect(view.isMember('KEN')).toBe(false);
		view.setRegion(null);
		expect(view.mapFocus).toBeNull();
	});

	it('selects from the map, toggles from the table, and focuses a change', () => {
		const view = viewOf('country=KEN~NGA');
		expect(view.focusCountry?.iso3).toBe('NGA');
		view.selectOnly('FRA');
		expect(view.selection).toEqual(['FRA']);
		view.selectOnly(null);
		expect(view.selection).toEqual([]);
		view.focusChange('KEN', '2020-01-06');
		expect(view.selection).toEqual(['KEN']);
		expect(view.day).toBe('2020-01-06');
	});

	it('applies a live change in place, and asks for a refetch outside the series', () => {
		const view = viewOf('time=2020-01-02');
		const item = {
			seq: 8,
			layer: 'border-status',
			iso3: 'FRA',
			period: '2020-01-02',
			old: 0,
			new: 4,
			source: 'restrictions'
		};
		expect(view.applyLive([item])).toBe(true);
		expect(view.levels.get('FRA')).toBe(4);
		expect(view.commits.map((c) => c.seq)).toEqual([8]);
		expect(view.versions.borderStatus).toBe(1);
		expect(view.applyLive([{ ...item, seq: 9, period: '2021-01-01' }])).toBe(false);
		view.applyLive([{ ...item, seq: 10, layer: 'remittances', period: '2019' }]);
		expect(view.versions.remittances).toBe(1);
	});

	it('stays at the latest day when a refetched series grows', () => {
		const view = viewOf('');
		const longer: BorderStatusSeries = {
			first: '2020-01-01',
			last: '2020-01-12',
			runs: { KEN: [[0, 11, 4]], NGA: [[0, 11, 3]], FRA: [[0, 11, 2]] }
		};
		view.replaceSeries(longer);
		expect(view.day).toBe('2020-01-12');
		const pinned = viewOf('time=2020-01-03');
		pinned.replaceSeries(longer);
		expect(pinned.day).toBe('2020-01-03');
	});
});

describe('the view on the bundled data', () => {
	let data: ViewData;
	beforeAll(() => {
		const db = openDatabase(seededDatabaseCopy());
		data = {
			seq: 0,
			series: borderStatusSeries(db),
			countries: listCountries(db),
			remittanceYears: {
				received: remittanceYears(db, 'received'),
				paid: remittanceYears(db, 'paid'),
				share_gdp: remittanceYears(db, 'share_gdp')
			}
		};
		db.close();
	});

	/** Africa by the reference file itself, not by our code. */
	const africa = () => {
		const rows = parse(readFileSync(join(ROOT, 'data/reference/iso3166-countries.csv')), {
			columns: true
		}) as Record<string, string>[];
		return new Set(rows.filter((r) => r.region === 'Africa').map((r) => r['alpha-3']!));
	};

	it('filters the table to exactly the African countries with data', () => {
		const view = viewOf('region=Africa&time=2020-04-15', data);
		const expected = [...africa()].filter((iso3) => data.series!.runs[iso3]).sort();
		expect(view.tableRows.map((r) => r.iso3).sort()).toEqual(expected);
		expect(view.tracked.sort()).toEqual(expected);
		expect(view.summary).toMatch(
			new RegExp(
				`^On 15 April 2020, of ${expected.length} countries and territories tracked in Africa: \\d+ total closure`
			)
		);
	});

	it('finds level changes in the data on a fresh database', () => {
		const view = viewOf('region=Africa', data);
		expect(view.levelChanges.length).toBeGreaterThan(100);
		const members = africa();
		expect(view.levelChanges.every((c) => members.has(c.iso3))).toBe(true);
	});

	it('counts countries per level for every day of the series', () => {
		const view = viewOf('region=Africa&time=2020-04-15', data);
		const day = view.countsByDay.find((d) => d.day === '2020-04-15')!;
		expect(day.counts).toEqual([0, 1, 2, 3, 4].map((l) => view.counts.get(l as 0) ?? 0));
	});
});

describe("the presenter's time controls", () => {
	it('steps days on the border layers and years on remittances, stopping at the ends', () => {
		const view = new CrossingsView(small, new URLSearchParams('time=2020-01-02'));
		view.stepTime(1);
		expect(view.day).toBe('2020-01-03');
		view.stepTime(7);
		expect(view.day).toBe('2020-01-10');
		view.stepTime(-30);
		expect(view.day).toBe('2020-01-01');
		view.layer = 'remittances';
		const years = view.years!;
		view.year = years.first;
		view.stepTime(-1);
		expect(view.year).toBe(years.first);
		view.stepTime(1);
		expect(view.year).toBe(years.first + 1);
		// Days are untouched by the remittance steps.
		expect(view.day).toBe('2020-01-01');
	});

	it('finds the previous and next day on which a level changed', () => {
		// KEN changes on day 5 (6 January), FRA on day 3 (4 January).
		const view = new CrossingsView(small, new URLSearchParams('time=2020-01-01'));
		expect(view.changeDayIndex(1)).toBe(3);
		view.dayIndex = 3;
		expect(view.changeDayIndex(1)).toBe(5);
		expect(view.changeDayIndex(-1)).toBeNull();
		view.dayIndex = 9;
		expect(view.changeDayIndex(-1)).toBe(5);
		expect(view.changeDayIndex(1)).toBeNull();
	});
});
