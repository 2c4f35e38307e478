/**
 * banxico-remittances and rpw through the ingest runner on the bundled files: what they store,
 * one change row per value that really changed, the same input again changing nothing (so
 * emitting nothing live), revisions, and refused inputs leaving the database as it was.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastSeq } from '../../src/lib/server/db/changeLog.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { FEEDS } from '../../src/lib/server/ingest/feeds/index.ts';
import { formatProblem, IngestRefusedError } from '../../src/lib/server/ingest/problem.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { BUNDLED_SNAPSHOTS } from '../../src/lib/server/seed.ts';
import { dumpContent } from '../support/db.ts';
import { ROOT, tempDir } from '../support/server.ts';

const DATA = join(ROOT, 'data');
const MONTHLY_FILE = 'banxico-remesas/remesas_mensuales.csv';
const PARTNER_FILE = 'banxico-remesas/remesas_pais.csv';
const RPW_FILE = 'worldbank-rpw/36d1ed87-9a2d-41da-8eac-c1c25d45fa65_Data.csv';
const monthly = readFileSync(join(DATA, MONTHLY_FILE), 'utf8');
const partner = readFileSync(join(DATA, PARTNER_FILE), 'utf8');
const rpw = readFileSync(join(DATA, RPW_FILE), 'utf8');

const banxico = FEEDS['banxico-remittances']!;
const rpwFeed = FEEDS.rpw!;

let dir: string;
let db: Db;
beforeAll(() => {
	dir = tempDir();
	db = openDatabase(join(dir, 'feeds.db'));
});
afterAll(() => {
	db?.close();
	rmSync(dir, { recursive: true, force: true });
});

const count = (sql: string, ...params: unknown[]) =>
	db
		.prepare(sql)
		.pluck()
		.get(...params) as number;
const changesAfter = (seq: number) =>
	db
		.prepare(
			'SELECT layer, iso3, period, old, new, partner, measure FROM change_log WHERE seq > ? ORDER BY seq'
		)
		.all(seq);

/** `text` with one line replaced (1-based), its line ending kept. */
function withLine(text: string, n: number, edit: (line: string) => string): string {
	const nl = text.includes('\r\n') ? '\r\n' : '\n';
	const lines = text.split(nl);
	lines[n - 1] = edit(lines[n - 1]!);
	return lines.join(nl);
}

/** Runs an input that must be refused; returns its problems and checks nothing changed. */
function refused(feed: (typeof FEEDS)[string], source: string, text: string): string[] {
	const before = dumpContent(db);
	try {
		runIngest(db, feed, { source, text });
	} catch (err) {
		expect(err).toBeInstanceOf(IngestRefusedError);
		expect(dumpContent(db)).toEqual(before);
		return (err as IngestRefusedError).problems.map(formatProblem);
	}
	throw new Error('the input should have been refused');
}

describe('the bundled snapshots', () => {
	it('include both Banxico files and the RPW export, each with its feed', () => {
		expect(BUNDLED_SNAPSHOTS).toEqual(
			expect.arrayContaining([
				{ feed: 'banxico-remittances', file: MONTHLY_FILE },
				{ feed: 'banxico-remittances', file: PARTNER_FILE },
				{ feed: 'rpw', file: RPW_FILE }
			])
		);
	});

	it('are byte for byte the published files, as data/SHA256SUMS records them', () => {
		const recorded = new Map(
			readFileSync(join(DATA, 'SHA256SUMS'), 'utf8')
				.trim()
				.split('\n')
				.map((line) => [line.slice(66).replace(/^\.\//, ''), line.slice(0, 64)])
		);
		for (const file of [MONTHLY_FILE, PARTNER_FILE, RPW_FILE]) {
			const sha = createHash('sha256')
				.update(readFileSync(join(DATA, file)))
				.digest('hex');
			expect(recorded.get(file), file).toBe(sha);
		}
		// CRLF kept in Banxico's files, LF and a BOM in RPW's (data/** is -text for git).
		expect(monthly.includes('\r\n') && partner.includes('\r\n')).toBe(true);
		expect(rpw.startsWith('\uFEFF') && !rpw.includes('\r')).toBe(true);
	});
});

describe('banxico-remittances: the monthly table', () => {
	it('stores every month in US$ and operations, one change row per value', () => {
		const summary = runIngest(db, banxico, { source: MONTHLY_FILE, text: monthly });
		expect(summary).toMatchObject({ feed: 'banxico-remittances', rowsRead: 538, rejected: 0 });
		// 538 US$ values and 538 counts of operations.
		expect(summary.rowsChanged).toBe(1076);
		expect(count("SELECT count(*) FROM monthly_remittance WHERE iso3 = 'MEX'")).toBe(538);
		expect(db.prepare("SELECT * FROM monthly_remittance WHERE month = '2020-04'").all()).toEqual([
			{
				iso3: 'MEX',
				month: '2020-04',
				measure: 'paid',
				value: 38_743_683,
				operations: 165_802
			},
			{
				iso3: 'MEX',
				month: '2020-04',
				measure: 'received',
				value: 2_982_653_058,
				operations: 9_036_401
			}
		]);
		const april = db
			.prepare(
				"SELECT layer, iso3, period, old, new, partner, measure FROM change_log WHERE period = '2020-04' ORDER BY seq"
			)
			.all();
		expect(april).toEqual([
			{
				layer: 'remittances-monthly',
				iso3: 'MEX',
				period: '2020-04',
				old: null,
				new: 2_982_653_058,
				partner: null,
				measure: 'received'
			},
			{
				layer: 'remittances-monthly',
				iso3: 'MEX',
				period: '2020-04',
				old: null,
				new: 9_036_401,
				partner: null,
				measure: 'received-operations'
			},
			{
				layer: 'remittances-monthly',
				iso3: 'MEX',
				period: '2020-04',
				old: null,
				new: 38_743_683,
				partner: null,
				measure: 'paid'
			},
			{
				layer: 'remittances-monthly',
				iso3: 'MEX',
				period: '2020-04',
				old: null,
				new: 165_802,
				partner: null,
				measure: 'paid-operations'
			}
		]);
		// No outflows before 2013.
		expect(
			count("SELECT min(month) FROM monthly_remittance WHERE measure = 'paid'") as unknown
		).toBe('2013-01');
	});

	it('changes nothing and records no change row when the same file comes again', () => {
		const seq = lastSeq(db);
		const before = dumpContent(db);
		const summary = runIngest(db, banxico, { source: MONTHLY_FILE, text: monthly });
		expect(summary.rowsChanged).toBe(0);
		expect(lastSeq(db)).toBe(seq);
		const after = dumpContent(db);
		for (const table of Object.keys(before).filter((t) => t !== 'ingest_runs')) {
			expect(after[table], table).toEqual(before[table]);
		}
	});

	it('records a revised amount and a revised count of operations, each once', () => {
		const seq = lastSeq(db);
		// Line 392: 2020-04-01,1,Ingresos,9036401,2982653058; line 539: 2026-05 Egresos.
		let revised = withLine(monthly, 392, (l) => l.replace(',2982653058', ',2982653100'));
		revised = withLine(revised, 539, (l) => l.replace(',273670,', ',273671,'));
		expect(runIngest(db, banxico, { source: 'revised.csv', text: revised }).rowsChanged).toBe(2);
		expect(changesAfter(seq)).toEqual([
			{
				layer: 'remittances-monthly',
				iso3: 'MEX',
				period: '2020-04',
				old: 2_982_653_058,
				new: 2_982_653_100,
				partner: null,
				measure: 'received'
			},
			{
				layer: 'remittances-monthly',
				iso3: 'MEX',
				period: '2026-05',
				old: 273_670,
				new: 273_671,
				partner: null,
				measure: 'paid-operations'
			}
		]);
		// A shorter file (an older cut) retracts nothing; the bundled file restores both values.
		const cut = monthly.split('\r\n').slice(0, 100).join('\r\n');
		expect(runIngest(db, banxico, { source: 'cut.csv', text: cut }).rowsChanged).toBe(0);
		expect(runIngest(db, banxico, { source: MONTHLY_FILE, text: monthly }).rowsChanged).toBe(2);
		expect(count('SELECT count(*) FROM monthly_remittance')).toBe(538);
	});

	it('refuses a bad line by file, line and field, writing nothing', () => {
		const bad = withLine(monthly, 392, (l) => l.replace(',1,Ingresos,', ',1,Egresos,'));
		expect(refused(banxico, MONTHLY_FILE, bad)).toEqual([
			`${MONTHLY_FILE}:392: FLUJO: "Egresos" does not match ID_FLUJO 1 (Ingresos)`
		]);
	});
});

describe('banxico-remittances: the table by partner country', () => {
	it('stores quarterly corridors into and out of Mexico, as corridor changes', () => {
		const seq = lastSeq(db);
		const summary = runIngest(db, banxico, { source: PARTNER_FILE, text: partner });
		expect(summary).toMatchObject({ rowsRead: 22_790, rowsChanged: 22_684 });
		expect(count('SELECT count(*) FROM corridor_quarterly')).toBe(22_684);
		// The monthly table is untouched by the other file.
		expect(count('SELECT count(*) FROM monthly_remittance')).toBe(538);
		const value = (origin: string, destination: string, quarter: string) =>
			count(
				'SELECT value FROM corridor_quarterly WHERE origin = ? AND destination = ? AND quarter = ?',
				origin,
				destination,
				quarter
			);
		expect(value('USA', 'MEX', '2026Q1')).toBe(14_310_996_486);
		expect(value('MEX', 'USA', '2026Q1')).toBe(134_428_482);
		expect(value('XXX', 'MEX', '2026Q1')).toBe(133_112_421);
		expect(value('ABK', 'MEX', '2026Q1')).toBe(2921);
		expect(value('MEX', 'ANT', '2026Q1')).toBe(0);
		expect(value('XKX', 'MEX', '2026Q1')).toBe(16_832);
		expect(value('PSE', 'MEX', '2026Q1')).toBe(3697); // Cisjordania 0 + Palestina 3697
		const changes = changesAfter(seq);
		expect(changes).toHaveLength(22_684);
		expect(changes).toContainEqual({
			layer: 'corridors',
			iso3: 'MEX',
			period: '2026Q1',
			old: null,
			new: 14_310_996_486,
			partner: 'USA',
			measure: null
		});
		expect(changes).toContainEqual({
			layer: 'corridors',
			iso3: 'GTM',
			period: '2026Q1',
			old: null,
			new: 9_079_012,
			partner: 'MEX',
			measure: null
		});
	});

	it('is idempotent, and records exactly a revised quarter', () => {
		const seq = lastSeq(db);
		expect(runIngest(db, banxico, { source: PARTNER_FILE, text: partner }).rowsChanged).toBe(0);
		expect(lastSeq(db)).toBe(seq);
		const usa = partner.split('\r\n').findIndex((l) => l.startsWith('2026-01-01,USA,')) + 1;
		const revised = withLine(partner, usa, (l) => l.replace(',14310996486', ',14310996000'));
		expect(runIngest(db, banxico, { source: 'revised.csv', text: revised }).rowsChanged).toBe(1);
		expect(changesAfter(seq)).toEqual([
			{
				layer: 'corridors',
				iso3: 'MEX',
				period: '2026Q1',
				old: 14_310_996_486,
				new: 14_310_996_000,
				partner: 'USA',
				measure: null
			}
		]);
		expect(runIngest(db, banxico, { source: PARTNER_FILE, text: partner }).rowsChanged).toBe(1);
	});

	it('refuses an unknown partner code by name, writing nothing', () => {
		const bad = withLine(partner, 2, (l) => l.replace(',ABK,', ',ABC,'));
		expect(refused(banxico, PARTNER_FILE, bad)).toEqual([
			`${PARTNER_FILE}:2: ID_PAIS: unknown country code "ABC" ("República de Abjasia"): neither an ISO 3166 country nor one of ANT, ABK, XXX`
		]);
	});
});

describe('rpw', () => {
	it('stores every cost with a value, one change row each (iso3 receiving, partner sending)', () => {
		const seq = lastSeq(db);
		const summary = runIngest(db, rpwFeed, { source: RPW_FILE, text: rpw });
		expect(summary).toMatchObject({ feed: 'rpw', rowsRead: 5328, rowsChanged: 10_417 });
		expect(count('SELECT count(*) FROM corridor_cost')).toBe(10_417);
		const changes = changesAfter(seq);
		expect(changes).toContainEqual({
			layer: 'corridor-cost',
			iso3: 'MEX',
			period: '2017Q4',
			old: null,
			new: 4.45392847061157,
			partner: 'USA',
			measure: null
		});
		// KSV is stored as XKX, ANT as itself; a negative cost is a cost.
		expect(count("SELECT count(*) FROM corridor_cost WHERE receiving = 'XKX'")).toBeGreaterThan(0);
		expect(count("SELECT count(*) FROM corridor_cost WHERE receiving = 'KSV'")).toBe(0);
		expect(
			count(
				"SELECT percent FROM corridor_cost WHERE sending = 'NLD' AND receiving = 'ANT' AND quarter = '2011Q1'"
			)
		).toBe(6.69999980926514);
		expect(
			count(
				"SELECT percent FROM corridor_cost WHERE sending = 'SAU' AND receiving = 'SDN' AND quarter = '2017Q4'"
			)
		).toBe(-11.3599996566772);
	});

	it('is idempotent; a revised cell and a cell gone to `..` are one change each', () => {
		const seq = lastSeq(db);
		expect(runIngest(db, rpwFeed, { source: RPW_FILE, text: rpw }).rowsChanged).toBe(0);
		expect(lastSeq(db)).toBe(seq);
		// Line 5281 is United States → Mexico; its cells 29 and 30 are 2017Q4 and 2018Q1.
		const revised = withLine(rpw, 5281, (l) => {
			const cells = l.split(',');
			expect(cells.slice(0, 6)).toEqual([
				'United States of America',
				'USA',
				'Average Total Cost to remit in corridor',
				'ATCR.CORR',
				'Mexico',
				'MEX'
			]);
			cells[29] = '4.5';
			cells[30] = '..';
			return cells.join(',');
		});
		expect(runIngest(db, rpwFeed, { source: 'revised.csv', text: revised }).rowsChanged).toBe(2);
		expect(changesAfter(seq)).toEqual([
			{
				layer: 'corridor-cost',
				iso3: 'MEX',
				period: '2017Q4',
				old: 4.45392847061157,
				new: 4.5,
				partner: 'USA',
				measure: null
			},
			{
				layer: 'corridor-cost',
				iso3: 'MEX',
				period: '2018Q1',
				old: 4.42629623413086,
				new: null,
				partner: 'USA',
				measure: null
			}
		]);
		expect(runIngest(db, rpwFeed, { source: RPW_FILE, text: rpw }).rowsChanged).toBe(2);
	});

	it('refuses a corridor written after the footer, writing nothing', () => {
		const lines = rpw.split('\n');
		const usaMex = lines[5280]!;
		// The same corridor moved below "Last Updated": it is refused, not skipped as trailer.
		const moved = [...lines.slice(0, 5280), ...lines.slice(5281, -1), usaMex, ''].join('\n');
		expect(refused(rpwFeed, RPW_FILE, moved)).toEqual([
			`${RPW_FILE}:5334: row: a corridor after the table's end (the blank or footer line 5329); only blank lines and the "Data from database:" and "Last Updated:" footers may follow the table`
		]);
	});
});
