/**
 * The analyst's API (issue 8) on a server seeded from the bundled snapshot: region and
 * selection filters checked against the reference CSVs read here, CSV rows against JSON rows,
 * the table against the shared function, export documents, and the OpenAPI document against
 * the route folders.
 */
import { parse } from 'csv-parse/sync';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrossingsApi } from '../../src/lib/api/client.ts';
import { corridorCsvRow } from '../../src/lib/domain/remittances.ts';
import * as S from '../../src/lib/domain/apiSchemas.ts';
import { borderStatusTable } from '../../src/lib/domain/borderStatusTable.ts';
import { ROOT, startServer, type RunningServer } from '../support/server.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';

// ---------------------------------------------------------------- the reference, read here

type Row = Record<string, string>;
const iso = parse(readFileSync(join(ROOT, 'data/reference/iso3166-countries.csv'), 'utf8'), {
	columns: true,
	bom: true
}) as Row[];
const wb = parse(readFileSync(join(ROOT, 'data/reference/wb-country-metadata.csv'), 'utf8'), {
	columns: true,
	bom: true,
	relax_column_count: true
}) as Row[];
const wbByCode = new Map(wb.map((r) => [r['Country Code']!, r]));
// Kosovo and the Channel Islands are economies the World Bank lists and ISO 3166 does not;
// our reference places them in M49 Europe (Southern / Northern Europe).
const reference = [
	...iso.map((r) => ({
		iso3: r['alpha-3']!,
		names: [r.region, r['sub-region'], r['intermediate-region']]
	})),
	{ iso3: 'XKX', names: ['Europe', 'Southern Europe'] },
	{ iso3: 'CHI', names: ['Europe', 'Northern Europe'] }
].map(({ iso3, names }) => ({
	iso3,
	names: [...names, wbByCode.get(iso3)?.Region, wbByCode.get(iso3)?.IncomeGroup]
		.filter((n): n is string => !!n && n.trim() !== '')
		.map((n) => n.trim().toLowerCase())
}));
const membersOf = (region: string) =>
	new Set(reference.filter((c) => c.names.includes(region.toLowerCase())).map((c) => c.iso3));

// ---------------------------------------------------------------- server

const TOKEN = 'analyst-test-token';
let server: RunningServer;
const get = (path: string, init?: RequestInit) => fetch(server.url + path, init);
const getJson = async (path: string, status = 200) => {
	const response = await get(path);
	expect(response.status, path).toBe(status);
	return response.json();
};
const getCsv = async (path: string) => {
	const response = await get(path);
	expect(response.status, path).toBe(200);
	expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
	// `#` starts a comment only at the start of a line: a source URL may have a fragment.
	return parse(await response.text(), {
		columns: true,
		comment: '#',
		comment_no_infix: true
	}) as Row[];
};
const codes = (rows: { iso3: string }[]) => new Set(rows.map((r) => r.iso3));

/** A JSON value as our CSV writes it. */
const asCsv = (v: unknown) => {
	if (v === null || v === undefined) return '';
	const s = String(v);
	return typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
};
function expectSameRows(csv: Row[], json: object[], columns: readonly string[], what: string) {
	expect(csv.length, what).toBe(json.length);
	json.forEach((row, i) => {
		const expected = Object.fromEntries(
			columns.map((c) => [c, asCsv((row as Record<string, unknown>)[c])])
		);
		if (JSON.stringify(csv[i]) !== JSON.stringify(expected)) {
			expect(csv[i], `${what} row ${i}`).toEqual(expected);
		}
	});
}

beforeAll(async () => {
	server = await startServer({
		databasePath: seededDatabaseCopy(),
		env: { ADMIN_TOKEN: TOKEN }
	});
	// One editor's restriction, so the change log holds level changes (the seed adds only
	// first values): Italy closes completely from 2021-06-01.
	const response = await get('/api/restrictions', {
		method: 'POST',
		headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ iso3: 'ITA', effective_from: '2021-06-01', level: 4, note: '-test' })
	});
	expect(response.status).toBe(201);
}, 120_000);
afterAll(() => server?.stop());

describe('region and selection filters', () => {
	const regions = [
		'Africa', // M49 region
		'Western Africa', // M49 subregion
		'Caribbean', // M49 intermediate region
		'Sub-Saharan Africa', // M49 subregion and World Bank region: the union
		'South Asia', // World Bank region
		'Low income' // income group
	];

	it('selects exactly the reference members of every kind of region', async () => {
		for (const region of regions) {
			const expected = membersOf(region);
			expect(expected.size, region).toBeGreaterThan(5);
			const q = `region=${encodeURIComponent(region.toUpperCase())}`;
			expect(codes(await getJson(`/api/countries?${q}`)), region).toEqual(expected);
			expect(codes((await getJson(`/api/border-status?${q}`)).countries), region).toEqual(expected);
			expect(codes((await getJson(`/api/remittances?${q}`)).countries), region).toEqual(expected);
			const table = (await getJson(`/api/border-status/table?${q}`)).rows as { iso3: string }[];
			for (const code of codes(table)) expect(expected.has(code), `${region} ${code}`).toBe(true);
		}
		// Sudan is in M49 Northern Africa but in the World Bank's Sub-Saharan Africa.
		const ssa = membersOf('Sub-Saharan Africa');
		expect(ssa.has('SDN')).toBe(true);
		expect(ssa.has('NGA')).toBe(true);
	});

	it('answers an unknown region with 400 listing the accepted names by kind', async () => {
		for (const path of [
			'/api/countries',
			'/api/border-status',
			'/api/border-status/series',
			'/api/border-status/table',
			'/api/border-status/counts',
			'/api/remittances',
			'/api/remittances/series',
			'/api/corridors?country=MEX&',
			'/api/changes',
			'/api/restrictions'
		]) {
			const body = await getJson(`${path}${path.includes('?') ? '' : '?'}region=Atlantis`, 400);
			expect(body.error, path).toMatch(/unknown region "Atlantis"/);
			expect(body.accepted.m49Region, path).toContain('Africa');
			expect(body.accepted.m49Subregion, path).toContain('Western Africa');
			expect(body.accepted.wbRegion, path).toContain('South Asia');
			expect(body.accepted.incomeGroup, path).toContain('Low income');
		}
	});

	it('takes a selection with ~ or commas, resolves aliases, 404s unknown codes, intersects', async () => {
		expect(codes(await getJson('/api/countries?country=BRA~ind'))).toEqual(new Set(['BRA', 'IND']));
		expect(codes(await getJson('/api/countries?country=BRA,IND,RKS'))).toEqual(
			new Set(['BRA', 'IND', 'XKX'])
		);
		const unknown = await getJson('/api/border-status?country=BRA~ZZZ', 404);
		expect(unknown.error).toMatch(/"ZZZ"/);
		expect(codes(await getJson('/api/countries?country=BRA~IND~NGA&region=Africa'))).toEqual(
			new Set(['NGA'])
		);
		const series = await getJson('/api/border-status/series?country=BRA~IND');
		expect(Object.keys(series.series.runs).sort()).toEqual(['BRA', 'IND']);
		const remit = await getJson('/api/remittances/series?country=MEX~PHL&from=2015&to=2019');
		expect(remit.countries.map((c: { iso3: string }) => c.iso3)).toEqual(['MEX', 'PHL']);
		for (const c of remit.countries) {
			expect(c.series.map((p: { year: number }) => p.year)).toEqual([2015, 2016, 2017, 2018, 2019]);
		}
	});

	it('filters corridor partners by region', async () => {
		const all = await getJson('/api/corridors?country=MEX&direction=in&limit=250');
		const na = await getJson('/api/corridors?country=MEX&direction=in&region=Northern%20America');
		const members = membersOf('Northern America');
		expect(na.corridors.length).toBeGreaterThan(0);
		for (const c of na.corridors) expect(members.has(c.from)).toBe(true);
		expect(na.corridors).toEqual(
			all.corridors.filter((c: { from: string }) => members.has(c.from)).slice(0, 10)
		);
	});
});

describe('date ranges', () => {
	it('clips the series, counts and remittance series, and refuses bad ranges', async () => {
		const full = (await getJson('/api/border-status/series')).series;
		const part = (await getJson('/api/border-status/series?from=2020-03-01&to=2020-03-31')).series;
		expect([part.first, part.last]).toEqual(['2020-03-01', '2020-03-31']);
		const offset = 60; // 2020-03-01 is day 60 of 2020
		const ita = (full.runs.ITA as [number, number, number][])
			.filter(([a, b]) => b >= offset && a <= offset + 30)
			.map(([a, b, l]) => [Math.max(a, offset) - offset, Math.min(b, offset + 30) - offset, l]);
		expect(part.runs.ITA).toEqual(ita);
		const counts = await getJson('/api/border-status/counts?from=2020-03-01&to=2020-03-31');
		expect(counts.days).toHaveLength(31);
		expect(counts.days[0].day).toBe('2020-03-01');
		for (const [path, pattern] of [
			['/api/border-status/series?from=2020-04-01&to=2020-03-01', /from is after to/],
			['/api/border-status/counts?from=2020-02-30', /from: expected a calendar date/],
			['/api/remittances/series?from=2019&to=2010', /from is after to/],
			['/api/remittances/series?from=19', /from: expected a year/],
			['/api/changes?from=2020-13-01', /from: expected a calendar date/],
			['/api/restrictions?from=2021-01-02&to=2021-01-01', /from is after to/],
			['/api/border-status/series?from=2030-01-01', /covers 2020-01-01 to/],
			['/api/countries?from=2020-01-01', /from: not accepted here/],
			['/api/border-status?to=2020-01-01', /to: not accepted here/],
			['/api/remittances?from=2010', /not accepted here.*remittances\/series/]
		] as const) {
			const body = await getJson(path, 400);
			expect(body.error, path).toMatch(pattern);
		}
	});

	it('filters changes by period, region, selection and direction', async () => {
		const { changes } = await getJson(
			'/api/changes?from=2020-03-01&to=2020-03-02&country=ITA~FRA&limit=10000'
		);
		expect(changes.length).toBeGreaterThan(0);
		for (const c of changes) {
			expect(['ITA', 'FRA']).toContain(c.iso3);
			expect(c.period >= '2020-03-01' && c.period <= '2020-03-02').toBe(true);
		}
		// The restriction's changes: Italy's level on each day it overrides, to 4.
		const tight = (await getJson('/api/changes?latest=1000&direction=tightening')).changes;
		expect(tight.length).toBeGreaterThan(0);
		for (const c of tight) expect([c.layer, c.new > c.old]).toEqual(['border-status', true]);
		expect(tight.some((c: { note: string }) => c.note === '-test')).toBe(true);
		const loose = (await getJson('/api/changes?latest=1000&direction=loosening')).changes;
		for (const c of loose) expect(c.new < c.old).toBe(true);
		expect(
			(await getJson('/api/changes?latest=5&direction=tightening&region=Africa')).changes
		).toEqual([]);
		const europe = (await getJson('/api/changes?latest=5&kind=level&region=Europe')).changes;
		expect(europe.map((c: { iso3: string }) => c.iso3)).toContain('ITA');
		// The existing paging still holds.
		const page = (await getJson('/api/changes?after=10&limit=3')).changes;
		expect(page.map((c: { seq: number }) => c.seq)).toEqual([11, 12, 13]);
	});
});

describe('CSV equals JSON', () => {
	it('row by row, for every collection endpoint', async () => {
		const q = 'region=Africa';
		const countries = await getJson(`/api/countries?${q}`);
		expectSameRows(
			await getCsv(`/api/countries?${q}&format=csv`),
			countries,
			S.CSV_COLUMNS.countries,
			'countries'
		);

		const bs = await getJson(`/api/border-status?${q}&date=2020-04-15`);
		expectSameRows(
			await getCsv(`/api/border-status?${q}&date=2020-04-15&format=csv`),
			bs.countries.map((c: object) => ({ date: bs.date, ...c })),
			S.CSV_COLUMNS.borderStatus,
			'border-status'
		);

		const table = await getJson(`/api/border-status/table?${q}&date=2020-04-15`);
		expectSameRows(
			await getCsv(`/api/border-status/table?${q}&date=2020-04-15&format=csv`),
			table.rows,
			S.CSV_COLUMNS.borderStatusTable,
			'table'
		);

		const counts = await getJson(`/api/border-status/counts?${q}&from=2020-03-01&to=2020-05-01`);
		expectSameRows(
			await getCsv(`/api/border-status/counts?${q}&from=2020-03-01&to=2020-05-01&format=csv`),
			counts.days.map((d: { day: string; counts: number[]; noData: number }) => ({
				day: d.day,
				...Object.fromEntries(d.counts.map((n, l) => [`level${l}`, n])),
				noData: d.noData
			})),
			S.CSV_COLUMNS.borderStatusCounts,
			'counts'
		);

		const remit = await getJson(`/api/remittances?${q}&year=2019`);
		expectSameRows(
			await getCsv(`/api/remittances?${q}&year=2019&format=csv`),
			remit.countries.map((c: object) => ({
				year: 2019,
				measure: remit.measure,
				unit: remit.unit,
				...c
			})),
			S.CSV_COLUMNS.remittances,
			'remittances'
		);

		const rs = await getJson(`/api/remittances/series?${q}&measure=share_gdp&from=2010`);
		expectSameRows(
			await getCsv(`/api/remittances/series?${q}&measure=share_gdp&from=2010&format=csv`),
			rs.countries.flatMap((c: { iso3: string; name: string; series: object[] }) =>
				c.series.map((p) => ({ iso3: c.iso3, name: c.name, ...p }))
			),
			S.CSV_COLUMNS.remittanceSeries,
			'remittance series'
		);

		const corridors = await getJson('/api/corridors?country=NGA&direction=out&limit=20');
		expectSameRows(
			await getCsv('/api/corridors?country=NGA&direction=out&limit=20&format=csv'),
			// CSV flattens each corridor's cost and Banxico figure into columns of their own.
			corridors.corridors.map(corridorCsvRow),
			S.CSV_COLUMNS.corridors,
			'corridors'
		);

		const changes = await getJson('/api/changes?latest=50&region=Europe');
		expectSameRows(
			await getCsv('/api/changes?latest=50&region=Europe&format=csv'),
			changes.changes,
			S.CSV_COLUMNS.changes,
			'changes'
		);

		const restrictions = await getJson('/api/restrictions?region=Europe');
		expect(restrictions.restrictions.length).toBe(1);
		expectSameRows(
			await getCsv('/api/restrictions?region=Europe&format=csv'),
			restrictions.restrictions,
			S.CSV_COLUMNS.restrictions,
			'restrictions'
		);
	});

	it('bodies match their response schemas', async () => {
		const checks: [string, { parse(v: unknown): unknown }][] = [
			['/api/health', S.HealthResponse],
			['/api/countries', S.CountriesResponse],
			['/api/border-status', S.BorderStatusResponse],
			['/api/border-status/ITA', S.BorderStatusHistoryResponse],
			['/api/border-status/series', S.BorderStatusSeriesResponse],
			['/api/border-status/table', S.BorderStatusTableResponse],
			['/api/border-status/counts', S.BorderStatusCountsResponse],
			['/api/remittances', S.RemittancesResponse],
			['/api/remittances/MEX', S.RemittanceHistoryResponse],
			['/api/remittances/series', S.RemittanceSeriesResponse],
			['/api/corridors?country=MEX', S.CorridorsResponse],
			['/api/remittances/monthly/MEX', S.MonthlyRemittancesResponse],
			['/api/changes?latest=10', S.ChangesResponse],
			['/api/restrictions', S.RestrictionsResponse],
			['/api/restrictions?format=json&download=1', S.ExportDocument],
			['/api/bans?destination=ITA&date=2020-04-15', S.BansByDestinationResponse],
			['/api/bans?origin=CHN&date=2020-03-20', S.BansByOriginResponse]
		];
		for (const [path, schema] of checks) {
			const result = (
				schema as unknown as { safeParse(v: unknown): { success: boolean; error?: unknown } }
			).safeParse(await getJson(path));
			expect(result.success, `${path}: ${JSON.stringify(result.error)}`).toBe(true);
		}
	});
});

describe('the table', () => {
	it('equals borderStatusTable on the served series, countries and remittances', async () => {
		const { series } = await getJson('/api/border-status/series');
		const countries = await getJson('/api/countries');
		const received = await getJson('/api/remittances/series?measure=received');
		const byCountry = new Map<string, { year: number; value: number }[]>(
			received.countries.map((c: { iso3: string; series: { year: number; value: number }[] }) => [
				c.iso3,
				c.series
			])
		);
		for (const date of ['2020-04-15', '2021-06-30']) {
			const index = (Date.parse(date) - Date.parse(series.first)) / 86_400_000;
			const expected = borderStatusTable(series, index, countries, byCountry);
			const body = await getJson(`/api/border-status/table?date=${date}`);
			expect(body.rows).toEqual(expected);
			expect(body.meta.filters).toEqual({ date });
			expect(body.meta.source).toMatch(/Oxford COVID-19 Government Response Tracker/);
			expect(body.meta.source).toMatch(/World Development Indicators/);
		}
		const latest = await getJson('/api/border-status/table');
		// "latest": the last day nearly every country has data for, not the series' last day
		// (China's data ran to 2023-01-08; an editor's restriction may hold on to today).
		expect(series.last >= '2023-01-08').toBe(true);
		expect(latest.rows[0].date).toBe('2022-12-31');
		expect((await getJson('/api/border-status/table?date=2019-01-01', 400)).error).toMatch(
			/covers/
		);
	});

	it('is served by the typed client from a real server', async () => {
		const { seq } = await getJson('/api/health');
		const api = new CrossingsApi(server.url, seq);
		const table = await api.borderStatusTable({ region: 'Western Africa', date: '2020-04-15' });
		expect(codes(table.rows).size).toBeGreaterThan(10);
		const changes = await api.changes({ latest: 3, country: ['ITA'], direction: 'tightening' });
		expect(changes.changes.every((c) => c.iso3 === 'ITA')).toBe(true);
		await expect(api.countries({ country: ['ZZZ'] })).rejects.toMatchObject({
			status: 404,
			message: expect.stringContaining('ZZZ')
		});
	});
});

describe('exports', () => {
	it('download=1 gives # metadata lines and a file named by content', async () => {
		const response = await get(
			'/api/border-status?region=Africa&date=2020-04-15&format=csv&download=1'
		);
		expect(response.headers.get('content-disposition')).toBe(
			'attachment; filename="crossings-border-status-africa-2020-04-15.csv"'
		);
		const text = await response.text();
		const lines = text.split('\r\n');
		const { seq } = await getJson('/api/health');
		expect(lines[0]).toBe('# title: International travel controls (OxCGRT C8)');
		expect(lines).toContain(
			'# source: Oxford COVID-19 Government Response Tracker, Blavatnik School of Government, University of Oxford.'
		);
		expect(lines).toContain('# licence: CC BY 4.0');
		expect(lines).toContain(`# dataVersion: ${seq}`);
		expect(lines).toContain('# filter.region: Africa');
		expect(lines).toContain('# filter.date: 2020-04-15');
		const header = lines.findIndex((l) => !l.startsWith('#'));
		expect(lines[header]).toBe('date,iso3,name,level,since');
		const plain = await (
			await get('/api/border-status?region=Africa&date=2020-04-15&format=csv')
		).text();
		expect(plain.split('\r\n')[0]).toBe('date,iso3,name,level,since');
		expect(lines.slice(header).join('\r\n')).toBe(plain);

		const doc = await get('/api/remittances?country=MEX~PHL&year=2019&download=1');
		expect(doc.headers.get('content-disposition')).toBe(
			'attachment; filename="crossings-remittances-received-mex-phl-2019.json"'
		);
		const body = await doc.json();
		expect(body.meta).toMatchObject({
			licence: 'CC BY 4.0',
			dataVersion: seq,
			filters: { country: 'MEX~PHL' }
		});
		expect(body.rows.map((r: { iso3: string }) => r.iso3)).toEqual(['MEX', 'PHL']);
		const wdi = await (
			await get('/api/remittances/series?download=1&format=csv&country=MEX')
		).text();
		expect(wdi).toMatch(
			/^# title: .*\r\n# source: World Bank, World Development Indicators \(BX\.TRF\.PWKR\.CD\.DT/
		);
		const bilateral = await (await get('/api/corridors?country=MEX&download=1&format=csv')).text();
		expect(bilateral).toContain('# source: World Bank / KNOMAD, Bilateral Remittance Matrix 2017.');
	});

	it('new endpoints carry the data-version ETag and answer 304', async () => {
		for (const path of [
			'/api/border-status/table',
			'/api/border-status/counts',
			'/api/remittances/series',
			'/api/bans?origin=CHN&date=2020-03-20',
			'/api/openapi.json',
			'/api'
		]) {
			const first = await get(path);
			expect(first.status, path).toBe(200);
			const etag = first.headers.get('etag')!;
			expect(etag, path).toMatch(/^W\/"/);
			const again = await get(path, { headers: { 'if-none-match': etag } });
			expect(again.status, path).toBe(304);
		}
	});
});

// ---------------------------------------------------------------- the document

/** Every endpoint folder under src/routes/api (with a +server.ts), as an OpenAPI path. */
function routePaths(): string[] {
	const base = join(ROOT, 'src/routes/api');
	const out: string[] = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const path = join(dir, name);
			if (statSync(path).isDirectory()) walk(path);
			else if (name === '+server.ts') {
				const rel = relative(base, dir);
				if (rel.startsWith('[...')) continue; // the JSON 404 for unknown paths
				out.push(`/api/${rel}`.replace(/\[(\w+)\]/g, '{$1}'));
			}
		}
	};
	walk(base);
	return out.sort();
}

describe('the OpenAPI document and the /api page', () => {
	it('documents every route folder, with parameters described', async () => {
		const doc = await getJson('/api/openapi.json');
		expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
		expect(doc.info.title).toBe('Crossings API');
		const routes = routePaths();
		expect(routes.length).toBeGreaterThanOrEqual(14);
		for (const path of routes) expect(Object.keys(doc.paths), path).toContain(path);
		for (const [path, item] of Object.entries(doc.paths) as [
			string,
			Record<string, { parameters?: { name: string; description?: string }[]; responses: object }>
		][]) {
			for (const op of Object.values(item)) {
				expect(Object.keys(op.responses).length, path).toBeGreaterThan(0);
				for (const p of op.parameters ?? [])
					expect(p.description, `${path} ${p.name}`).toBeTruthy();
			}
		}
		const changes = doc.paths['/api/changes'].get.parameters.map((p: { name: string }) => p.name);
		expect(changes).toEqual(
			expect.arrayContaining([
				'region',
				'country',
				'direction',
				'from',
				'to',
				'after',
				'limit',
				'latest',
				'kind',
				'format',
				'download'
			])
		);
		const bans = doc.paths['/api/bans'].get.parameters.map((p: { name: string }) => p.name);
		expect(bans.sort()).toEqual(['date', 'destination', 'origin']);
		expect(doc.paths['/api/restrictions'].post.security).toEqual([{ bearer: [] }]);
		expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
	});

	it('renders /api as a readable page listing every endpoint and example', async () => {
		const response = await get('/api');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/html/);
		const html = await response.text();
		for (const path of routePaths()) expect(html, path).toContain(`data-path="${path}"`);
		expect(html).toContain(
			'href="/api/border-status/table?date=2020-04-15&amp;region=South%20America"'
		);
		expect(html).toMatch(/<code[^>]*>direction<\/code><\/td>/);
		// Plain server-rendered HTML: no hydration script carrying the document again.
		expect(html).not.toContain('<script');
		expect((await get('/api/nothing-here')).status).toBe(404);
	});
});
