import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countryResolver } from '../../src/lib/server/db/countries.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import type { Feed } from '../../src/lib/server/ingest/feed.ts';
import { gdpFeed } from '../../src/lib/server/ingest/feeds/gdp.ts';
import type { WbIndicatorData } from '../../src/lib/server/ingest/feeds/wbIndicator.ts';
import { wbIndicatorFeed } from '../../src/lib/server/ingest/feeds/wbIndicatorFeed.ts';
import { formatProblem, IngestRefusedError } from '../../src/lib/server/ingest/problem.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { dumpContent } from '../support/db.ts';
import { ROOT, tempDir } from '../support/server.ts';

const BX_FILE = join(
	ROOT,
	'data',
	'worldbank-wdi',
	'API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv'
);
const BM_FILE = join(
	ROOT,
	'data',
	'worldbank-wdi',
	'API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv'
);
const GDP_FILE = join(ROOT, 'data', 'datasets-gdp', 'gdp.csv');
const bx = readFileSync(BX_FILE, 'utf8');
const bm = readFileSync(BM_FILE, 'utf8');
const gdp = readFileSync(GDP_FILE, 'utf8');

/** The wide WDI file as cells, read independently of the feed: header first. */
function wideGrid(text: string): string[][] {
	const records = parseCsv(text, {
		bom: true,
		relax_column_count: true,
		skip_empty_lines: true
	}) as string[][];
	return records.slice(records.findIndex((r) => r[1] === 'Country Code'));
}

/** The API v2 JSON for a wide WDI file: every row and year, newest year first, in pages. */
function toApiPages(text: string, pages: number, iso2: (code: string) => string): string {
	const [header, ...rows] = wideGrid(text);
	const years = header!.slice(4).filter((h) => /^\d{4}$/.test(h));
	const apiRows: unknown[] = rows.flatMap((r) =>
		[...years].reverse().map((year) => {
			const cell = r[4 + header!.slice(4).indexOf(year)]!;
			return {
				indicator: { id: r[3], value: r[2] },
				country: { id: iso2(r[1]!), value: r[0] },
				countryiso3code: r[1],
				date: year,
				value: cell === '' ? null : parseFloat(cell),
				unit: '',
				obs_status: '',
				decimal: 0
			};
		})
	);
	// As the API does for a few aggregates: no code, no value.
	apiRows.splice(7, 0, { ...(apiRows[0] as object), countryiso3code: '', value: null });
	const perPage = Math.ceil(apiRows.length / pages);
	const meta = (page: number) => ({
		page,
		pages,
		per_page: perPage,
		total: apiRows.length,
		sourceid: '2',
		lastupdated: '2025-07-01'
	});
	return JSON.stringify(
		Array.from({ length: pages }, (_, i) => [
			meta(i + 1),
			apiRows.slice(i * perPage, (i + 1) * perPage)
		])
	);
}

let dir: string;
const fresh = (name: string): Db => openDatabase(join(dir, `${name}.db`));
const ingest = (db: Db, feed: Feed<WbIndicatorData>, text: string, source: string) =>
	runIngest(db, feed, { source, text });
const count = (db: Db, table: string) =>
	db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const aggregateCodes = (db: Db) =>
	new Set(db.prepare('SELECT code FROM wb_aggregate').pluck().all() as string[]);

/** Stored values of one series, by `code:year`. */
function storedValues(db: Db, sql: string, ...params: unknown[]): Map<string, number> {
	const rows = db.prepare(sql).all(...params) as { code: string; year: number; value: number }[];
	return new Map(rows.map((r) => [`${r.code}:${r.year}`, r.value]));
}
const remittances = (db: Db, measure: string) =>
	storedValues(db, 'SELECT iso3 AS code, year, value FROM remittance WHERE measure = ?', measure);
const aggregateValues = (db: Db, indicator: string) =>
	storedValues(db, 'SELECT code, year, value FROM aggregate_value WHERE indicator = ?', indicator);

beforeAll(() => {
	dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wb-indicator and gdp ingest into SQLite', () => {
	let db: Db;
	let resolve: (code: string) => string | null;
	beforeAll(() => {
		db = fresh('remittances');
		resolve = countryResolver(db);
	});
	afterAll(() => db.close());

	/** Each economy's non-empty cells, by `iso3:year`, exactly as parseFloat reads them. */
	function expectedWide(text: string, economies: boolean): Map<string, number> {
		const [header, ...rows] = wideGrid(text);
		const expected = new Map<string, number>();
		const aggregates = aggregateCodes(db);
		for (const r of rows) {
			const iso3 = resolve(r[1]!);
			if (economies ? !iso3 : !aggregates.has(r[1]!)) continue;
			header!.forEach((h, i) => {
				if (/^\d{4}$/.test(h) && r[i] !== '') {
					expected.set(`${iso3 ?? r[1]}:${h}`, parseFloat(r[i]!));
				}
			});
		}
		return expected;
	}

	it('stores every economy value of BX and BM exactly, one change_log row each', () => {
		for (const [text, measure, indicator] of [
			[bx, 'received', 'BX.TRF.PWKR.CD.DT'],
			[bm, 'paid', 'BM.TRF.PWKR.CD.DT']
		] as const) {
			const before = count(db, 'change_log');
			const summary = ingest(db, wbIndicatorFeed, text, `${measure}.csv`);
			const expected = expectedWide(text, true);
			expect(summary).toMatchObject({
				feed: 'wb-indicator',
				rowsRead: 266,
				rowsChanged: expected.size,
				rejected: 0
			});
			expect(remittances(db, measure)).toEqual(expected);
			expect(aggregateValues(db, indicator)).toEqual(expectedWide(text, false));
			const changes = db
				.prepare('SELECT layer, iso3, period, old, new FROM change_log WHERE seq > ?')
				.all(before) as { layer: string; iso3: string; period: string; new: number }[];
			expect(changes).toHaveLength(expected.size);
			for (const c of changes) {
				expect(c).toMatchObject({ layer: 'remittances', old: null });
				expect(c.new).toBe(expected.get(`${c.iso3}:${c.period}`));
			}
		}
		expect(remittances(db, 'received').get('XKX:2019')).toBe(1248990731.0196);
		expect(remittances(db, 'received').get('KOR:2019')).toBe(7166100000);
		expect(remittances(db, 'paid').get('KOR:2019')).toBe(11231600000);
		// Channel Islands are an economy with no remittance values in these vintages.
		expect(resolve('CHI')).toBe('CHI');
		expect(aggregateValues(db, 'BX.TRF.PWKR.CD.DT').get('WLD:2019')).toBe(659353250544.119);
		// The full files' later years: received to 2024 (Kosovo's 2024 cell empty), paid to 2020.
		expect(remittances(db, 'received').get('KOR:2024')).toBe(7449400000);
		expect(remittances(db, 'received').has('XKX:2024')).toBe(false);
		expect(remittances(db, 'paid').get('KOR:2020')).toBe(9218700000);
		expect(Math.max(...[...remittances(db, 'paid').keys()].map((k) => Number(k.slice(4))))).toBe(
			2020
		);
	});

	it('never stores an aggregate as a country', () => {
		const codes = db.prepare('SELECT DISTINCT iso3 FROM remittance').pluck().all() as string[];
		for (const code of ['WLD', 'EUU', 'INX', 'ARB', 'HIC']) expect(codes).not.toContain(code);
		const changed = db.prepare('SELECT DISTINCT iso3 FROM change_log').pluck().all() as string[];
		expect(changed.filter((c) => aggregateCodes(db).has(c))).toEqual([]);
		expect(codes).toContain('XKX');
		const inx = db.prepare("SELECT count(*) FROM aggregate_value WHERE code = 'INX'");
		expect(inx.pluck().get()).toBe(0); // INX has no value, but is an aggregate, not a problem
	});

	it('stores GDP exactly, with change_log rows on layer gdp', () => {
		const before = count(db, 'change_log');
		const summary = ingest(db, gdpFeed, gdp, 'gdp.csv');
		const [, ...rows] = parseCsv(gdp) as string[][];
		const economies = new Map<string, number>();
		const aggregates = new Map<string, number>();
		for (const [, code, year, value] of rows) {
			const iso3 = resolve(code!);
			(iso3 ? economies : aggregates).set(`${iso3 ?? code}:${year}`, parseFloat(value!));
		}
		expect(summary).toMatchObject({ feed: 'gdp', rowsRead: 13_979, rowsChanged: economies.size });
		expect(storedValues(db, 'SELECT iso3 AS code, year, value FROM gdp')).toEqual(economies);
		expect(aggregateValues(db, 'NY.GDP.MKTP.CD')).toEqual(aggregates);
		expect(aggregates.get('WLD:2019')).toBe(87945574337517.84);
		expect(aggregates.get('WLD:2023')).toBe(105435039507024.1);
		expect(economies.get('KOR:2023')).toBe(1712792854202.3687);
		expect(economies.get('CHI:2000')).toBe(6439703434.710243);
		const layers = db
			.prepare('SELECT DISTINCT layer FROM change_log WHERE seq > ?')
			.pluck()
			.all(before);
		expect(layers).toEqual(['gdp']);
		expect(count(db, 'change_log') - before).toBe(economies.size);
	});

	it('changes nothing when the same files come again, in any line ending', () => {
		const before = dumpContent(db);
		const lf = bx.replace(/^\uFEFF/, '').replaceAll('\r\n', '\n');
		const crlf = bm.replaceAll('\n', '\r\n');
		for (const [feed, text] of [
			[wbIndicatorFeed, bx],
			[wbIndicatorFeed, bm],
			[gdpFeed, gdp],
			[wbIndicatorFeed, lf],
			[wbIndicatorFeed, crlf]
		] as const) {
			expect(ingest(db, feed, text, 'again.csv').rowsChanged).toBe(0);
		}
		const after = dumpContent(db);
		const runs = after.ingest_runs!.slice(before.ingest_runs!.length) as unknown[][];
		expect(runs).toHaveLength(5);
		delete before.ingest_runs;
		delete after.ingest_runs;
		expect(after).toEqual(before);
		const outcomes = db.prepare('SELECT outcome FROM ingest_runs ORDER BY id DESC LIMIT 5');
		expect(new Set(outcomes.pluck().all())).toEqual(new Set(['unchanged']));
	});

	it('records exactly the revised values of a new vintage', () => {
		const lines = bx.split('\r\n');
		const at = (code: string) => lines.findIndex((l) => l.includes(`,"${code}","Personal`));
		// KOR 2019 revised, MEX 2018 withdrawn (cell emptied), WLD 2019 revised (an aggregate).
		lines[at('KOR')] = lines[at('KOR')]!.replace('"7166100000",', '"7200000000",');
		lines[at('MEX')] = lines[at('MEX')]!.replace('"36526305945",', '"",');
		lines[at('WLD')] = lines[at('WLD')]!.replace('"659353250544.119",', '"660000000000",');
		const revised = lines.join('\r\n');
		expect(revised).not.toBe(bx);
		const before = count(db, 'change_log');
		const summary = ingest(db, wbIndicatorFeed, revised, 'revised.csv');
		expect(summary.rowsChanged).toBe(2);
		const changes = db
			.prepare('SELECT layer, iso3, period, old, new FROM change_log WHERE seq > ? ORDER BY seq')
			.all(before);
		expect(changes).toEqual([
			{ layer: 'remittances', iso3: 'KOR', period: '2019', old: 7166100000, new: 7200000000 },
			{ layer: 'remittances', iso3: 'MEX', period: '2018', old: 36526305945, new: null }
		]);
		const received = remittances(db, 'received');
		expect(received.get('KOR:2019')).toBe(7200000000);
		expect(received.has('MEX:2018')).toBe(false);
		expect(received.get('MEX:2019')).toBe(39833517538);
		expect(aggregateValues(db, 'BX.TRF.PWKR.CD.DT').get('WLD:2019')).toBe(660000000000);

		// And back: the original vintage restores both values, again with one row each.
		const restored = ingest(db, wbIndicatorFeed, bx, 'bx.csv');
		expect(restored.rowsChanged).toBe(2);
		expect(remittances(db, 'received')).toEqual(expectedWide(bx, true));
		expect(aggregateValues(db, 'BX.TRF.PWKR.CD.DT')).toEqual(expectedWide(bx, false));
	});

	it('records a revised GDP value on layer gdp', () => {
		const line = '"Korea, Rep.",KOR,2019,1646739219509.61';
		const stored = db.prepare("SELECT value FROM gdp WHERE iso3 = 'KOR' AND year = 2019");
		const old = stored.pluck().get() as number;
		const revised = gdp.replace(/^"Korea, Rep\.",KOR,2019,.*$/m, line);
		expect(revised).not.toBe(gdp);
		const before = count(db, 'change_log');
		expect(ingest(db, gdpFeed, revised, 'gdp2.csv').rowsChanged).toBe(1);
		expect(
			db.prepare('SELECT layer, iso3, period, old, new FROM change_log WHERE seq > ?').all(before)
		).toEqual([{ layer: 'gdp', iso3: 'KOR', period: '2019', old, new: 1646739219509.61 }]);
		expect(ingest(db, gdpFeed, gdp, 'gdp.csv').rowsChanged).toBe(1);
	});

	it('refuses each defect with file:line: field: reason and leaves the content identical', () => {
		const before = dumpContent(db);
		const lines = bx.split('\r\n');
		const kor = lines.findIndex((l) => l.includes(',"KOR","Personal'));
		const withKor = (edit: (line: string) => string) =>
			lines.map((l, i) => (i === kor ? edit(l) : l)).join('\r\n');
		const korLine = kor + 1;
		const cases: [Feed<WbIndicatorData>, string, string[]][] = [
			[
				wbIndicatorFeed,
				withKor((l) => l.replace('"7166100000",', '"-7166100000",')),
				[`bad.csv:${korLine}: 2019: "-7166100000" is negative (expected an amount of 0 or more)`]
			],
			[
				wbIndicatorFeed,
				withKor((l) => l.replace('"7166100000",', '"abc",')),
				[`bad.csv:${korLine}: 2019: "abc" is not a number`]
			],
			[
				wbIndicatorFeed,
				withKor((l) => l.replace('"KOR"', '"ZZZ"')),
				[
					`bad.csv:${korLine}: Country Code: unknown code "ZZZ" (neither a country nor a World Bank aggregate)`
				]
			],
			[
				wbIndicatorFeed,
				withKor((l) => l.replace('BX.TRF.PWKR.CD.DT', 'BM.TRF.PWKR.CD.DT')),
				[
					`bad.csv:${korLine}: Indicator Code: "BM.TRF.PWKR.CD.DT" differs from "BX.TRF.PWKR.CD.DT" on line 6 (one indicator per input)`
				]
			],
			[
				wbIndicatorFeed,
				// Cut after 30 cells (the two names each hold a comma).
				withKor((l) => l.split(',').slice(0, 32).join(',')),
				[`bad.csv:${korLine}: row: expected 70 cells like the header, found 30`]
			],
			[wbIndicatorFeed, '', ['bad.csv:0: header: the file is empty']],
			[
				gdpFeed,
				gdp.replace('World,WLD,2019,', 'World,WLD,2019,-'),
				[`bad.csv:13819: Value: "-87945574337517.84" is negative (expected an amount of 0 or more)`]
			],
			[
				gdpFeed,
				gdp.replace('World,WLD,2019,87945574337517.84\r\n', '$&World,WLD,2019,1\r\n'),
				['bad.csv:13820: Year: WLD 2019 already appears on line 13819']
			]
		];
		for (const [feed, text, expected] of cases) {
			let refused: IngestRefusedError | undefined;
			try {
				ingest(db, feed, text, 'bad.csv');
			} catch (err) {
				refused = err as IngestRefusedError;
			}
			expect(refused).toBeInstanceOf(IngestRefusedError);
			expect(refused!.problems.map(formatProblem)).toEqual(expected);
			expect(dumpContent(db)).toEqual(before);
		}
	});
});

describe('wb-indicator from the World Bank API v2 JSON', () => {
	it('stores the same values as the CSV, from two pages in one input', () => {
		const fromCsv = fresh('from-csv');
		const fromApi = fresh('from-api');
		const iso2 = (code: string) =>
			(fromApi.prepare('SELECT iso2 FROM country WHERE iso3 = ?').pluck().get(code) as string) ??
			code.slice(0, 2);
		const json = toApiPages(bx, 2, iso2);
		const pages = JSON.parse(json) as [{ page: number }, unknown[]][];
		expect(pages.map(([m, rows]) => [m.page, rows.length])).toEqual([
			[1, 8646],
			[2, 8645]
		]);
		const csvRun = ingest(fromCsv, wbIndicatorFeed, bx, 'bx.csv');
		const apiRun = ingest(fromApi, wbIndicatorFeed, json, 'api.json');
		expect(apiRun.rowsRead).toBe(266 * 65 + 1); // 1960…2024, and one row without a code
		expect(apiRun.rowsChanged).toBe(csvRun.rowsChanged);
		for (const table of ['remittance', 'aggregate_value']) {
			expect(dumpContent(fromApi)[table]).toEqual(dumpContent(fromCsv)[table]);
		}
		// The same values from the other format change nothing.
		expect(ingest(fromCsv, wbIndicatorFeed, json, 'api.json').rowsChanged).toBe(0);
		expect(ingest(fromApi, wbIndicatorFeed, bx, 'bx.csv').rowsChanged).toBe(0);
		fromCsv.close();
		fromApi.close();
	});
});

describe('wb-indicator given GDP (NY.GDP.MKTP.CD) in the bulk CSV layout', () => {
	it('stores economies in gdp (change_log layer gdp) and aggregates apart', () => {
		const db = fresh('wdi-gdp');
		const lines = bx.split('\r\n');
		const rows = ['KOR', 'WLD'].map((code) =>
			lines
				.find((l) => l.includes(`,"${code}","Personal`))!
				.replace('Personal remittances, received (current US$)', 'GDP (current US$)')
				.replace('BX.TRF.PWKR.CD.DT', 'NY.GDP.MKTP.CD')
		);
		const text = [...lines.slice(0, 5), ...rows].join('\r\n');
		const summary = ingest(db, wbIndicatorFeed, text, 'API_NY.GDP.MKTP.CD.csv');
		const kor = db.prepare("SELECT year, value FROM gdp WHERE iso3 = 'KOR' ORDER BY year");
		expect(kor.all().at(-1)).toEqual({ year: 2024, value: 7449400000 });
		expect(summary.rowsChanged).toBe(kor.all().length);
		const layers = db.prepare('SELECT DISTINCT layer FROM change_log').pluck().all();
		expect(layers).toEqual(['gdp']);
		expect(count(db, 'remittance')).toBe(0);
		expect(aggregateValues(db, 'NY.GDP.MKTP.CD').get('WLD:2019')).toBe(659353250544.119);
		db.close();
	});
});

describe('npm run ingest wb-indicator / gdp (the CLI)', () => {
	const cli = (...args: string[]) =>
		spawnSync(
			join(ROOT, 'node_modules', '.bin', 'tsx'),
			[join(ROOT, 'scripts', 'ingest.ts'), ...args],
			{ cwd: ROOT, encoding: 'utf8' }
		);
	const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

	it('prints a JSON summary last and refuses bad input naming file, line and field', () => {
		const dbPath = join(dir, 'cli.db');
		const ok = cli('wb-indicator', '--file', BX_FILE, '--db', dbPath);
		expect(ok.status, ok.stderr).toBe(0);
		const summary = lastJson(ok.stdout);
		expect(summary).toMatchObject({ feed: 'wb-indicator', rowsRead: 266, rejected: 0 });
		expect(summary.rowsChanged).toBeGreaterThan(6000);
		expect(summary.seq).toBe(summary.rowsChanged);

		const withGdp = cli('gdp', '--file', GDP_FILE, '--db', dbPath);
		expect(withGdp.status, withGdp.stderr).toBe(0);
		expect(lastJson(withGdp.stdout)).toMatchObject({ feed: 'gdp', rowsRead: 13_979 });

		const bad = join(dir, 'bad-bx.csv');
		writeFileSync(bad, bx.replace('"Aruba","ABW"', '"Atlantis","ZZZ"'));
		const refused = cli('wb-indicator', '--file', bad, '--db', dbPath);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toContain(
			`${bad}:6: Country Code: unknown code "ZZZ" (neither a country nor a World Bank aggregate)`
		);
		expect(lastJson(refused.stdout)).toMatchObject({ rowsChanged: 0, rejected: 1 });

		const again = cli('wb-indicator', '--file', BX_FILE, '--db', dbPath);
		expect(lastJson(again.stdout)).toMatchObject({ rowsChanged: 0 });
	});
});
