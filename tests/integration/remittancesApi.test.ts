import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, ROOT, type RunningServer } from '../support/server.ts';

// The World Bank files, read here independently of the app's parsers.
const wide = (file: string) => {
	const lines = readFileSync(join(ROOT, 'data', 'worldbank-wdi', file), 'utf8');
	const rows = parse(lines, { bom: true, relax_column_count: true, from_line: 5 }) as string[][];
	const years = rows[0]!.slice(4).map(Number);
	const values = new Map<string, Map<number, number>>();
	for (const row of rows.slice(1)) {
		const byYear = new Map<number, number>();
		years.forEach((y, i) => row[i + 4] && byYear.set(y, parseFloat(row[i + 4]!)));
		values.set(row[1]!, byYear);
	}
	return values;
};
const received = wide('API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv');
const paid = wide('API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv');
const gdp = new Map<string, number>();
for (const [, code, year, value] of (
	parse(readFileSync(join(ROOT, 'data', 'datasets-gdp', 'gdp.csv'), 'utf8'), {
		from_line: 2
	}) as string[][]
).map((r) => r as [string, string, string, string])) {
	gdp.set(`${code} ${year}`, parseFloat(value));
}
const AGGREGATES = ['WLD', 'EUU', 'ARB', 'HIC', 'LMY', 'SSF', 'INX', 'OED', 'EMU'];

let server: RunningServer;
const getJson = async (path: string, status = 200) => {
	const response = await fetch(server.url + path);
	expect(response.status, path).toBe(status);
	return response.json();
};
type Body = { year: number; unit: string; countries: { iso3: string; value: number | null }[] };

beforeAll(async () => {
	server = await startServer();
});
afterAll(() => server?.stop());

describe('/api/remittances on the bundled World Bank files', () => {
	it('equals the World Bank value for every economy and year, and never lists aggregates', async () => {
		// The full files: received to 2024 (partly filled), paid to 2020 (that vintage's end).
		for (const [measure, source, last] of [
			['received', received, 2024],
			['paid', paid, 2020]
		] as const) {
			for (let year = 1970; year <= last; year++) {
				const body = (await getJson(`/api/remittances?year=${year}&measure=${measure}`)) as Body;
				expect(body.unit).toBe('US$');
				const api = new Map(body.countries.map((c) => [c.iso3, c.value]));
				for (const code of AGGREGATES) expect(api.has(code), code).toBe(false);
				for (const [code, byYear] of source) {
					if (!api.has(code)) continue; // aggregates, checked above
					const expected = byYear.get(year) ?? null;
					if (api.get(code) !== expected)
						expect([measure, year, code, api.get(code)]).toEqual([measure, year, code, expected]);
				}
				const economies = [...source.keys()].filter((c) => api.has(c));
				expect(economies.length).toBe(217);
			}
		}
	});

	it('defaults to the last year nearly every country reported: 2023 received, 2019 paid', async () => {
		// 2024 received has 106 of 201 economies so far, 2020 paid 104 of 176: partly in.
		expect(((await getJson('/api/remittances?measure=received')) as Body).year).toBe(2023);
		expect(((await getJson('/api/remittances?measure=paid')) as Body).year).toBe(2019);
		const partial = (await getJson('/api/remittances?measure=received&year=2024')) as Body;
		expect(partial.countries.filter((c) => c.value !== null)).toHaveLength(106);
		expect(((await getJson('/api/remittances?measure=paid&year=2020')) as Body).year).toBe(2020);
	});

	it('gives remittances as % of GDP: received ÷ GDP × 100 for the same year', async () => {
		for (const year of [1990, 2005, 2019, 2020, 2023]) {
			const body = (await getJson(`/api/remittances?year=${year}&measure=share_gdp`)) as Body;
			expect(body.unit).toBe('% of GDP');
			for (const { iso3, value } of body.countries) {
				const r = received.get(iso3)?.get(year);
				const g = gdp.get(`${iso3} ${year}`);
				if (r === undefined || g === undefined || g <= 0) expect(value, iso3).toBeNull();
				else expect(value!, `${iso3} ${year}`).toBeCloseTo((r / g) * 100, 9);
			}
		}
		const nepal = (await getJson('/api/remittances/NPL')) as {
			series: Record<string, { year: number; value: number }[]>;
		};
		const y2019 = nepal.series.share_gdp!.find((v) => v.year === 2019)!;
		expect(y2019.value).toBeCloseTo(
			(received.get('NPL')!.get(2019)! / gdp.get('NPL 2019')!) * 100,
			9
		);
	});

	it('filters by region, offers CSV, and refuses bad parameters', async () => {
		const lac = (await getJson(
			'/api/remittances?year=2019&region=latin%20america%20%26%20caribbean'
		)) as Body;
		expect(lac.countries.map((c) => c.iso3)).toContain('MEX');
		expect(lac.countries.map((c) => c.iso3)).not.toContain('IND');
		const csv = await (await fetch(`${server.url}/api/remittances?year=2019&format=csv`)).text();
		expect(csv.split('\r\n')[0]).toBe('year,measure,unit,iso3,name,value');
		for (const path of [
			'/api/remittances?year=19',
			'/api/remittances?year=1900',
			'/api/remittances?measure=gross',
			'/api/remittances?region=Mars',
			'/api/corridors',
			'/api/corridors?country=MEX&direction=up',
			'/api/corridors?country=MEX&limit=0',
			'/api/corridors?country=MEX&year=2019'
		]) {
			expect(((await getJson(path, 400)) as { error: string }).error, path).toEqual(
				expect.any(String)
			);
		}
		await getJson('/api/remittances/ZZZ', 404);
		await getJson('/api/corridors?country=ZZZ', 404);
	});
});

describe('/api/corridors on the bundled bilateral matrix', () => {
	it('gives the top five corridors of a country as in the matrix, in US$', async () => {
		const sheets = await readXlsxFile(
			readFileSync(
				join(ROOT, 'data', 'worldbank-bilateral', 'WB_Bilateral_Remittance_Estimates_2017.xlsx')
			)
		);
		const sheet = sheets.find((s) => s.sheet === 'Bilateral_Remittances_2017')!.data as unknown[][];
		const header = sheet[1]!.map((c) => String(c ?? '').trim());
		const column = (name: string) => header.indexOf(name);
		const senders = sheet.slice(2).filter((r) => r[0] !== 'WORLD' && typeof r[0] === 'string');
		for (const [iso3, name, topSender] of [
			['MEX', 'Mexico', 'USA'],
			['IND', 'India', 'ARE'],
			['PHL', 'Philippines', 'USA']
		] as const) {
			const col = column(name);
			const expected = senders
				.map((r) => Number(r[col] ?? 0))
				.filter((v) => v > 0)
				.sort((a, b) => b - a)
				.slice(0, 5)
				.map((v) => Math.round(v * 1e6));
			const body = (await getJson(`/api/corridors?country=${iso3}&direction=in&limit=5`)) as {
				year: number;
				unit: string;
				corridors: { from: string; to: string; value: number }[];
			};
			expect(body).toMatchObject({ year: 2017, unit: 'US$', direction: 'in', country: iso3 });
			expect(body.corridors.map((c) => c.value)).toEqual(expected);
			expect(body.corridors.every((c) => c.to === iso3)).toBe(true);
			expect(body.corridors[0]!.from).toBe(topSender);
		}
		const out = (await getJson('/api/corridors?country=USA&direction=out&limit=3')) as {
			corridors: { from: string; to: string }[];
		};
		expect(out.corridors.map((c) => c.to)).toEqual(['MEX', 'CHN', 'IND']);
	});
});
