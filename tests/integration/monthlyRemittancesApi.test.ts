/**
 * `/api/remittances/monthly/{ISO3}` and the corridors' `cost` and `banxico` through HTTP of the
 * built app on a seeded database, compared with the bundled Banco de México and RPW files read
 * here independently of the app's parsers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrossingsApi } from '../../src/lib/api/client.ts';
import * as S from '../../src/lib/domain/apiSchemas.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { ROOT, startServer, type RunningServer } from '../support/server.ts';

const read = (...path: string[]) => readFileSync(join(ROOT, 'data', ...path), 'utf8');

// Banxico's monthly file: month → received / paid and their operations.
const banxicoMonths = new Map<
	string,
	{
		received: number | null;
		paid: number | null;
		operations: number | null;
		paidOperations: number | null;
	}
>();
for (const [period, flow, , operations, usd] of parse(
	read('banxico-remesas', 'remesas_mensuales.csv'),
	{ from_line: 2 }
) as string[][]) {
	const month = period!.slice(0, 7);
	const entry = banxicoMonths.get(month) ?? {
		received: null,
		paid: null,
		operations: null,
		paidOperations: null
	};
	if (flow === '1') Object.assign(entry, { received: Number(usd), operations: Number(operations) });
	else Object.assign(entry, { paid: Number(usd), paidOperations: Number(operations) });
	banxicoMonths.set(month, entry);
}

// Banxico by country: "origin>destination quarter" → US$ (PSE's two names added up).
const banxicoQuarters = new Map<string, number>();
for (const [period, code, , flow, , usd] of parse(read('banxico-remesas', 'remesas_pais.csv'), {
	from_line: 2
}) as string[][]) {
	const quarter = `${period!.slice(0, 4)}Q${(Number(period!.slice(5, 7)) + 2) / 3}`;
	const pair = flow === '1' ? `${code}>MEX` : `MEX>${code}`;
	const key = `${pair} ${quarter}`;
	banxicoQuarters.set(key, (banxicoQuarters.get(key) ?? 0) + Number(usd));
}

// RPW: "sending>receiving" → [quarter, percent] with a value, oldest first (KSV is XKX).
const rpw = (() => {
	const rows = parse(read('worldbank-rpw', '36d1ed87-9a2d-41da-8eac-c1c25d45fa65_Data.csv'), {
		bom: true
	}) as string[][];
	const quarters = rows[0]!.slice(6).map((h) => h.slice(0, 6));
	const costs = new Map<string, [string, number][]>();
	for (const row of rows.slice(1)) {
		if (!/^[A-Z]{3}$/.test(row[1]!)) continue; // blank and footer lines
		const receiving = row[5] === 'KSV' ? 'XKX' : row[5]!;
		const values = row
			.slice(6)
			.map((v, i): [string, number] | null => (v === '..' ? null : [quarters[i]!, Number(v)]))
			.filter((v) => v !== null);
		if (values.length > 0) costs.set(`${row[1]}>${receiving}`, values);
	}
	return costs;
})();
/** The RPW cost the API must show for a corridor of the 2017 matrix. */
const expectedCost = (from: string, to: string) => {
	const known = (rpw.get(`${from}>${to}`) ?? []).filter(([q]) => q <= '2017Q4');
	const last = known.at(-1);
	return last ? { percent: last[1], quarter: last[0] } : null;
};

let server: RunningServer;
const get = (path: string) => fetch(server.url + path);
const getJson = async (path: string, status = 200) => {
	const response = await get(path);
	expect(response.status, path).toBe(status);
	return response.json();
};

beforeAll(async () => {
	server = await startServer({ databasePath: seededDatabaseCopy() });
});
afterAll(() => server?.stop());

describe('/api/remittances/monthly/{ISO3}', () => {
	it('equals the Banxico file for every month', async () => {
		const body = S.MonthlyRemittancesResponse.parse(await getJson('/api/remittances/monthly/MEX'));
		expect(body).toMatchObject({
			iso3: 'MEX',
			name: 'Mexico',
			source: 'Banco de México, Sistema de Información Económica (SIE)',
			unit: 'US$'
		});
		expect(banxicoMonths.size).toBe(377);
		expect(body.series.map((m) => m.month)).toEqual([...banxicoMonths.keys()].sort());
		for (const point of body.series) {
			expect(point, point.month).toEqual({ month: point.month, ...banxicoMonths.get(point.month) });
		}
		// Outflows start in 2013: `paid` is null before.
		expect(
			body.series
				.filter((m) => m.paid === null)
				.map((m) => m.month)
				.at(-1)
		).toBe('2012-12');
		expect(body.series[0]).toEqual({
			month: '1995-01',
			received: 254_572_352,
			paid: null,
			operations: 767_893,
			paidOperations: null
		});
		expect(body.series.find((m) => m.month === '2020-04')).toEqual({
			month: '2020-04',
			received: 2_982_653_058,
			paid: 38_743_683,
			operations: 9_036_401,
			paidOperations: 165_802
		});
	});

	it('reads codes in any case, and answers CSV and an export document', async () => {
		const lower = await getJson('/api/remittances/monthly/mex');
		expect(lower.iso3).toBe('MEX');
		const csv = await (await get('/api/remittances/monthly/MEX?format=csv')).text();
		const lines = csv.trim().split(/\r?\n/);
		expect(lines[0]).toBe('month,received,paid,operations,paidOperations');
		expect(lines).toHaveLength(378);
		expect(lines).toContain('2020-04,2982653058,38743683,9036401,165802');
		expect(lines).toContain('1995-01,254572352,,767893,');
		const doc = await (await get('/api/remittances/monthly/MEX?format=csv&download=1')).text();
		expect(doc).toContain(
			'# source: Fuente: Banco de México, Sistema de Información Económica (SIE)'
		);
		expect(doc).toContain('# title: Monthly remittances, Mexico');
	});

	it('says where monthly data exist, refuses a bad code, and knows no unknown country', async () => {
		expect(await getJson('/api/remittances/monthly/GTM', 404)).toEqual({
			error:
				'no monthly remittances for Guatemala (GTM): monthly data exist only for Mexico (MEX) so far'
		});
		for (const bad of ['M1X', 'MEXX', '12', 'M%20X']) {
			const body = await getJson(`/api/remittances/monthly/${bad}`, 400);
			expect(body.error, bad).toMatch(
				/^iso3: expected an ISO 3166 alpha-3 code \(three letters\), got "/
			);
		}
		expect((await getJson('/api/remittances/monthly/ZZZ', 404)).error).toMatch(
			/unknown country "ZZZ"/
		);
	});

	it('is served by the typed client and listed in the OpenAPI document', async () => {
		const { seq } = await getJson('/api/health');
		const api = new CrossingsApi(server.url, seq);
		expect((await api.monthlyRemittances('MEX')).series).toHaveLength(377);
		await expect(api.monthlyRemittances('GTM')).rejects.toMatchObject({
			status: 404,
			message: expect.stringContaining('exist only for Mexico')
		});
		const doc = await getJson('/api/openapi.json');
		expect(Object.keys(doc.paths)).toContain('/api/remittances/monthly/{iso3}');
		expect(JSON.stringify(doc.paths['/api/corridors'])).toContain('banxico');
	});
});

describe('/api/corridors with cost and Banco de México figures', () => {
	it('gives each corridor the RPW cost of its pair, as of the matrix year', async () => {
		let withCost = 0;
		for (const [country, direction] of [
			['MEX', 'in'],
			['IND', 'in'],
			['PHL', 'in'],
			['XKX', 'in'],
			['USA', 'out'],
			['GBR', 'out']
		] as const) {
			const body = S.CorridorsResponse.parse(
				await getJson(`/api/corridors?country=${country}&direction=${direction}&limit=25`)
			);
			expect(body.year).toBe(2017);
			for (const c of body.corridors) {
				expect(c.cost, `${c.from} → ${c.to}`).toEqual(expectedCost(c.from, c.to));
				if (c.cost) withCost++;
			}
		}
		expect(withCost).toBeGreaterThan(20);
		const mex = await getJson('/api/corridors?country=MEX&direction=in&limit=1');
		// United States → Mexico, 2017Q4: 4.45 % of the amount sent.
		expect(mex.corridors[0]).toMatchObject({
			from: 'USA',
			to: 'MEX',
			cost: { percent: 4.45392847061157, quarter: '2017Q4' }
		});
		// Kosovo's corridors: RPW codes it KSV.
		const kosovo = await getJson('/api/corridors?country=XKX&direction=in&limit=25');
		expect(kosovo.corridors.find((c: { from: string }) => c.from === 'DEU').cost).toEqual(
			expectedCost('DEU', 'XKX')
		);
	});

	it('gives corridors with Mexico at one end Banco de México’s quarter and year', async () => {
		const into = await getJson('/api/corridors?country=MEX&direction=in&limit=10');
		const out = await getJson('/api/corridors?country=MEX&direction=out&limit=10');
		const usa = into.corridors[0];
		expect(usa.banxico).toEqual({
			quarter: '2017Q4',
			usd: banxicoQuarters.get('USA>MEX 2017Q4'),
			year: 2017,
			yearUsd: ['Q1', 'Q2', 'Q3', 'Q4']
				.map((q) => banxicoQuarters.get(`USA>MEX 2017${q}`)!)
				.reduce((a, b) => a + b, 0)
		});
		expect(usa.banxico.usd).toBe(7_714_691_077);
		for (const c of [...into.corridors, ...out.corridors]) {
			const key = `${c.from}>${c.to} 2017Q4`;
			expect(c.banxico?.usd ?? null, key).toBe(banxicoQuarters.get(key) ?? null);
		}
		// Corridors without Mexico have no Banxico figure.
		const ind = await getJson('/api/corridors?country=IND&direction=in&limit=10');
		expect(ind.corridors.every((c: { banxico: unknown }) => c.banxico === null)).toBe(true);
		// CSV: the same, flattened; the export credits all three sources.
		const csv = await (
			await get('/api/corridors?country=MEX&direction=in&limit=1&format=csv')
		).text();
		expect(csv.trim().split(/\r?\n/)).toEqual([
			'from,to,value,costPercent,costQuarter,banxicoQuarter,banxicoUsd,banxicoYear,banxicoYearUsd',
			`USA,MEX,${usa.value},4.45392847061157,2017Q4,2017Q4,7714691077,2017,${usa.banxico.yearUsd}`
		]);
		const doc = await (await get('/api/corridors?country=MEX&download=1&format=csv')).text();
		expect(doc).toMatch(
			/# source: World Bank \/ KNOMAD, Bilateral Remittance Matrix 2017\. World Bank, Remittance Prices Worldwide .* Banco de México/
		);
	});
});

describe('/api/changes over monthly and quarterly periods', () => {
	it('filters by the first day of a month or a quarter', async () => {
		const may = await getJson('/api/changes?country=MEX&from=2026-05-01&to=2026-05-31');
		expect(
			may.changes.map((c: { layer: string; period: string; new: number }) => [
				c.layer,
				c.period,
				c.new
			])
		).toEqual([
			['remittances-monthly', '2026-05', 5_611_002_446],
			['remittances-monthly', '2026-05', 13_901_418],
			['remittances-monthly', '2026-05', 108_459_051],
			['remittances-monthly', '2026-05', 273_670]
		]);
		// 2026Q1 starts on 1 January: Mexico's inbound quarterly corridors and January's month.
		const january = await getJson('/api/changes?country=MEX&from=2026-01-01&to=2026-01-01');
		const periods = new Set(january.changes.map((c: { period: string }) => c.period));
		expect(periods).toEqual(new Set(['2026-01', '2026Q1']));
		expect(january.changes.filter((c: { layer: string }) => c.layer === 'corridors')).toHaveLength(
			214
		);
		const february = await getJson('/api/changes?country=MEX&from=2026-02-01&to=2026-03-31');
		expect(new Set(february.changes.map((c: { period: string }) => c.period))).toEqual(
			new Set(['2026-02', '2026-03'])
		);
	});
});
