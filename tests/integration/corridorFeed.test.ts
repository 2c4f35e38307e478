import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import writeXlsxFile, { type SheetData } from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { bilateralRemittancesFeed } from '../../src/lib/server/ingest/feeds/bilateralRemittancesFeed.ts';
import { FEEDS } from '../../src/lib/server/ingest/feeds/index.ts';
import { WORLD_BANK_ALIASES } from '../../src/lib/server/ingest/feeds/worldBankNames.ts';
import { formatProblem, IngestRefusedError } from '../../src/lib/server/ingest/problem.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { readSource } from '../../src/lib/server/ingest/source.ts';
import { dumpContent } from '../support/db.ts';
import { ROOT, tempDir } from '../support/server.ts';

const WORKBOOK = join(
	ROOT,
	'data',
	'worldbank-bilateral',
	'WB_Bilateral_Remittance_Estimates_2017.xlsx'
);
const SHEET = 'Bilateral_Remittances_2017';
const bytes = readFileSync(WORKBOOK);

let dir: string;
let matrix: unknown[][];
const fresh = (name: string): Db => openDatabase(join(dir, `${name}.db`));
const ingest = (db: Db, input: Uint8Array, source = 'wb.xlsx') =>
	runIngest(db, bilateralRemittancesFeed, { source, bytes: input });
const count = (db: Db, sql: string) => db.prepare(sql).pluck().get() as number;

/** The real matrix with some cells changed, written as a workbook by another library. */
async function modifiedWorkbook(edit: (rows: unknown[][]) => void): Promise<Buffer> {
	const rows = matrix.map((row) => [...row]);
	edit(rows);
	return writeXlsxFile([
		{ sheet: SHEET, data: rows as SheetData },
		{ sheet: 'remshare', data: [['not World Bank data']] }
	]).toBuffer();
}
const rowOf = (name: string) => matrix.findIndex((row) => row[0] === name);
const columnOf = (name: string) => matrix[1]!.indexOf(name);

beforeAll(async () => {
	dir = tempDir();
	const sheets = await readXlsxFile(bytes);
	matrix = sheets.find((s) => s.sheet === SHEET)!.data as unknown[][];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bilateral-remittances ingest', () => {
	let db: Db;
	beforeAll(() => {
		db = fresh('corridors');
	});
	afterAll(() => db.close());

	it('is registered as a binary feed', () => {
		expect(FEEDS['bilateral-remittances']).toBe(bilateralRemittancesFeed);
		expect(bilateralRemittancesFeed.binary).toBe(true);
	});

	it('stores every corridor of the real workbook in US$, one change_log row each', () => {
		const summary = ingest(db, bytes);
		expect(summary).toMatchObject({ feed: 'bilateral-remittances', rowsRead: 214, rejected: 0 });
		expect(summary.rowsChanged).toBe(11_900);
		expect(count(db, 'SELECT count(*) FROM corridor WHERE year = 2017')).toBe(11_900);
		// Some receiving columns are all zeros: 181 countries receive, 210 send.
		expect(count(db, 'SELECT count(DISTINCT destination) FROM corridor')).toBe(181);
		expect(count(db, 'SELECT count(DISTINCT origin) FROM corridor')).toBe(210);
		const changes = db
			.prepare(
				"SELECT layer, iso3, period, old, new, partner FROM change_log WHERE layer = 'corridors'"
			)
			.all();
		expect(changes).toHaveLength(11_900);
		expect(changes).toContainEqual({
			layer: 'corridors',
			iso3: 'MEX',
			period: '2017',
			old: null,
			new: 30_019_187_026,
			partner: 'USA'
		});
		const run = db.prepare('SELECT sha256, outcome FROM ingest_runs').get();
		expect(run).toEqual({
			sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
			outcome: 'changed'
		});
	});

	it.each(['MEX', 'IND', 'PHL'])(
		'keeps the five largest corridors into %s as the matrix column has them',
		(iso3) => {
			const country = db.prepare('SELECT name, wb_name FROM country WHERE iso3 = ?').get(iso3) as {
				name: string;
				wb_name: string;
			};
			// Computed from the sheet alone: the column's five largest cells, in US$.
			const column = columnOf(country.wb_name);
			expect(column).toBeGreaterThan(0);
			const expected = matrix
				.slice(2, rowOf('WORLD'))
				.map((row) => ({ name: String(row[0]), value: row[column] }))
				.filter((c): c is { name: string; value: number } => typeof c.value === 'number')
				.sort((a, b) => b.value - a.value)
				.slice(0, 5);
			const stored = db
				.prepare(
					`SELECT c.origin, c.value, o.name, o.wb_name FROM corridor c
					JOIN country o ON o.iso3 = c.origin
					WHERE c.destination = ? AND c.year = 2017 ORDER BY c.value DESC LIMIT 5`
				)
				.all(iso3) as { origin: string; value: number; name: string; wb_name: string | null }[];
			expect(stored.map((s) => s.value)).toEqual(expected.map((e) => Math.round(e.value * 1e6)));
			stored.forEach((s, i) => {
				const names = [
					s.name,
					s.wb_name,
					...Object.keys(WORLD_BANK_ALIASES).filter((a) => WORLD_BANK_ALIASES[a] === s.origin)
				];
				expect(names, `${iso3} #${i + 1}`).toContain(expected[i]!.name);
			});
		}
	);

	it('changes nothing when the same workbook comes again', () => {
		const seq = count(db, 'SELECT max(seq) FROM change_log');
		const summary = ingest(db, bytes);
		expect(summary.rowsChanged).toBe(0);
		expect(summary.seq).toBe(seq);
		expect(count(db, 'SELECT count(*) FROM change_log')).toBe(11_900);
		expect(count(db, 'SELECT outcome FROM ingest_runs ORDER BY id DESC LIMIT 1')).toBe('unchanged');
	});

	it('applies a later vintage: changed, new and vanished corridors', async () => {
		const usa = rowOf('United States');
		const can = rowOf('Canada');
		const mex = columnOf('Mexico');
		const vut = columnOf('Vanuatu');
		const before = count(db, 'SELECT max(seq) FROM change_log');
		const canVut = matrix[can]![vut];
		const vintage = await modifiedWorkbook((rows) => {
			rows[usa]![mex] = 31_000; // changed
			rows[can]![mex] = 0; // vanished
			rows[can]![vut] = 0.25; // new (was 0)
		});
		expect(canVut).toBe(0);
		const summary = ingest(db, vintage, 'vintage.xlsx');
		expect(summary.rowsChanged).toBe(3);
		const changes = db
			.prepare('SELECT iso3, period, old, new, partner FROM change_log WHERE seq > ? ORDER BY seq')
			.all(before);
		expect(changes).toEqual([
			{ iso3: 'MEX', period: '2017', old: 30_019_187_026, new: 31_000_000_000, partner: 'USA' },
			{ iso3: 'VUT', period: '2017', old: null, new: 250_000, partner: 'CAN' },
			{ iso3: 'MEX', period: '2017', old: 155_789_519, new: null, partner: 'CAN' }
		]);
		expect(
			db.prepare("SELECT * FROM corridor WHERE origin = 'CAN' AND destination = 'MEX'").get()
		).toBeUndefined();
		// And back: the original vintage restores every value.
		expect(ingest(db, bytes).rowsChanged).toBe(3);
		expect(count(db, 'SELECT count(*) FROM corridor')).toBe(11_900);
	});

	it('refuses a workbook with an unknown name and a negative value, writing nothing', async () => {
		const guatemala = rowOf('Guatemala');
		const mexico = columnOf('Mexico');
		expect([guatemala + 1, mexico]).toEqual([80, 126]);
		const bad = await modifiedWorkbook((rows) => {
			rows[guatemala]![0] = 'Guatemalaa';
			rows[rowOf('United States')]![mexico] = -5;
		});
		const before = dumpContent(db);
		try {
			ingest(db, bad, 'bad.xlsx');
			expect.unreachable('the workbook should be refused');
		} catch (err) {
			expect(err).toBeInstanceOf(IngestRefusedError);
			expect((err as IngestRefusedError).problems.map(formatProblem)).toEqual([
				'bad.xlsx:80: sending A: unknown country name "Guatemalaa"',
				'bad.xlsx:206: DW "Mexico": -5 is negative: remittances cannot be below 0'
			]);
		}
		expect(dumpContent(db)).toEqual(before);
	});

	it('refuses text for a binary feed (a caller that only has text)', () => {
		expect(() =>
			runIngest(db, bilateralRemittancesFeed, { source: 'wb.csv', text: 'a,b\n1,2' })
		).toThrow('wb.csv:0: input: expected the bytes of an .xlsx workbook, got text');
	});

	it('reads sources as bytes when asked, unchanged', async () => {
		const read = await readSource({ file: WORKBOOK }, { binary: true });
		expect(Buffer.compare(Buffer.from(read.bytes), bytes)).toBe(0);
		expect(typeof (await readSource({ file: WORKBOOK })).text).toBe('string');
	});
});

describe('npm run ingest -- bilateral-remittances', () => {
	const cli = (...args: string[]) =>
		spawnSync(
			join(ROOT, 'node_modules', '.bin', 'tsx'),
			[join(ROOT, 'scripts', 'ingest.ts'), ...args],
			{ cwd: ROOT, encoding: 'utf8' }
		);
	const last = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

	it('ingests the workbook, prints a JSON summary last, and refuses a bad one', async () => {
		const dbPath = join(dir, 'cli.db');
		const ok = cli('bilateral-remittances', '--file', WORKBOOK, '--db', dbPath);
		expect(ok.status, ok.stderr).toBe(0);
		const summary = last(ok.stdout);
		expect(summary).toMatchObject({
			feed: 'bilateral-remittances',
			source: WORKBOOK,
			rowsRead: 214,
			rowsChanged: 11_900,
			rejected: 0
		});
		expect(summary.seq).toBe(11_900);

		const badPath = join(dir, 'bad.xlsx');
		writeFileSync(
			badPath,
			await modifiedWorkbook((rows) => (rows[1]![columnOf('Philippines')] = 'Philipines'))
		);
		const refused = cli('bilateral-remittances', '--file', badPath, '--db', dbPath);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toContain(
			`${badPath}:2: receiving EW: unknown country name "Philipines"`
		);
		expect(last(refused.stdout)).toMatchObject({ rowsChanged: 0, rejected: 1, seq: 11_900 });

		const again = cli('bilateral-remittances', '--file', WORKBOOK, '--db', dbPath);
		expect(last(again.stdout)).toMatchObject({ rowsChanged: 0, seq: 11_900 });

		const polled = cli(
			'bilateral-remittances',
			'--url',
			'http://127.0.0.1:9/x.xlsx',
			'--every',
			'1h'
		);
		expect(polled.status).toBe(2);
		expect(polled.stderr).toContain('cannot be polled');
	});
});
