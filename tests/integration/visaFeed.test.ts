/**
 * The passport-index feed on the 14 bundled snapshots, into fresh databases: intervals equal to
 * every snapshot's rules, change rows only where a pair's rule changed, one transaction per
 * run, the same input again changing nothing, snapshots in any order giving the same intervals,
 * a refused file changing nothing, and the CLI's --date.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { passportSnapshots, visaRulesOfPassport } from '../../src/lib/server/db/visa.ts';
import { FEEDS } from '../../src/lib/server/ingest/feeds/index.ts';
import { passportIndexFeed } from '../../src/lib/server/ingest/feeds/passportIndexFeed.ts';
import { formatProblem, IngestRefusedError } from '../../src/lib/server/ingest/problem.ts';
import { runIngest, type IngestSummary } from '../../src/lib/server/ingest/run.ts';
import { BUNDLED_SNAPSHOTS } from '../../src/lib/server/seed.ts';
import { dumpContent } from '../support/db.ts';
import { fileRules, ruleWords } from '../support/passportIndex.ts';
import { ROOT, tempDir } from '../support/server.ts';

const SNAPSHOTS = BUNDLED_SNAPSHOTS.filter((s) => s.feed === 'passport-index').map((s) => ({
	date: /(\d{4}-\d{2}-\d{2})/.exec(s.file)![1]!,
	path: join(ROOT, 'data', s.file)
}));
const DATES = SNAPSHOTS.map((s) => s.date);
const text = new Map(SNAPSHOTS.map((s) => [s.date, readFileSync(s.path, 'utf8')]));
const pathOf = (date: string) => SNAPSHOTS.find((s) => s.date === date)!.path;

/** The change rows each snapshot records when the 14 are ingested oldest first. */
const CHANGES_IN_ORDER = [
	39_402, 19_401, 159, 4, 15, 21_775, 2_653, 116, 835, 4_676, 3_779, 6_633, 2_492, 763
];

let dir: string;
const fresh = (name: string): Db => openDatabase(join(dir, `${name}.db`));
const ingest = (db: Db, date: string, input = text.get(date)!, source = pathOf(date)) =>
	runIngest(db, passportIndexFeed, { source, text: input });
const count = (db: Db, sql: string, ...params: unknown[]) =>
	db
		.prepare(sql)
		.pluck()
		.get(...params) as number;
const intervals = (db: Db) =>
	db.prepare('SELECT * FROM visa_requirement ORDER BY destination, passport, valid_from').all();
const entryChanges = (db: Db, period: string) =>
	db
		.prepare(
			`SELECT iso3, partner, old, new, note FROM change_log
			WHERE layer = 'entry' AND period = ? ORDER BY seq`
		)
		.all(period) as {
		iso3: string;
		partner: string;
		old: number | null;
		new: number | null;
		note: string;
	}[];

const dbRules = (db: Db, date: string) => {
	const rules = new Map<string, string>();
	for (const passport of db
		.prepare('SELECT DISTINCT passport FROM visa_requirement')
		.pluck()
		.all() as string[]) {
		for (const r of visaRulesOfPassport(db, passport, date)) {
			rules.set(`${passport}>${r.iso3}`, ruleWords(r));
		}
	}
	return rules;
};

beforeAll(() => {
	dir = tempDir('crossings-visa-');
});
/** The 14 snapshots ingested oldest first, kept for the other orders to compare with. */
let db: Db;
afterAll(() => {
	db?.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('passport-index, the 14 snapshots oldest first', () => {
	const summaries: IngestSummary[] = [];
	beforeAll(() => {
		db = fresh('in-order');
		for (const date of DATES) {
			const started = performance.now();
			summaries.push(ingest(db, date));
			console.log(`${date}: ${Math.round(performance.now() - started)} ms`);
		}
	});

	it('is registered as a feed of dated snapshots', () => {
		expect(FEEDS['passport-index']).toBe(passportIndexFeed);
		expect(passportIndexFeed.datedSnapshots).toBe(true);
		expect(DATES).toHaveLength(14);
		expect(DATES).toEqual([...DATES].sort());
	});

	it('records change rows only for pairs whose rule changed since the snapshot before', () => {
		expect(summaries.map((s) => s.rowsChanged)).toEqual(CHANGES_IN_ORDER);
		const total = CHANGES_IN_ORDER.reduce((a, b) => a + b);
		expect(count(db, "SELECT count(*) FROM change_log WHERE layer = 'entry'")).toBe(total);
		// Of which the requirement stayed and only the days or the source's word changed.
		const sameRequirement = count(
			db,
			"SELECT count(*) FROM change_log WHERE layer = 'entry' AND old = new"
		);
		console.log(
			`entry change rows: ${total} (first snapshot ${CHANGES_IN_ORDER[0]}, days or source word only ${sameRequirement}); intervals ${count(db, 'SELECT count(*) FROM visa_requirement')}`
		);
		// One run per snapshot, each one transaction: its changes are one contiguous seq range.
		const runs = db
			.prepare(
				"SELECT rows_changed, first_seq, last_seq FROM ingest_runs WHERE feed = 'passport-index' ORDER BY id"
			)
			.all() as { rows_changed: number; first_seq: number; last_seq: number }[];
		expect(runs.map((r) => r.rows_changed)).toEqual(CHANGES_IN_ORDER);
		for (const r of runs) expect(r.last_seq - r.first_seq + 1).toBe(r.rows_changed);
		expect(passportSnapshots(db)).toEqual(DATES);
	});

	it('holds every snapshot’s rules, pair by pair, as the file says them', () => {
		for (const date of ['2019-12-17', '2020-02-07', '2021-08-09', '2022-11-06', '2023-01-11']) {
			expect(dbRules(db, date), date).toEqual(fileRules(date));
		}
	});

	it('writes change rows that name the pair, the snapshot, the ordinals and the words', () => {
		// Qatar's Hayya permit during the World Cup: e-visa before, during (as Hayya) and after
		// for Afghans; visa-free 30 days before and after for British passports.
		const toQatar = (period: string) =>
			entryChanges(db, period).filter(
				(c) => c.iso3 === 'QAT' && ['AFG', 'GBR'].includes(c.partner)
			);
		expect(toQatar('2022-11-06')).toEqual([
			{ iso3: 'QAT', partner: 'AFG', old: 3, new: 3, note: 'e-visa (Hayya Entry Permit)' },
			{ iso3: 'QAT', partner: 'GBR', old: 0, new: 3, note: 'e-visa (Hayya Entry Permit)' }
		]);
		expect(toQatar('2023-01-11')).toEqual([
			{ iso3: 'QAT', partner: 'AFG', old: 3, new: 3, note: 'e-visa' },
			{ iso3: 'QAT', partner: 'GBR', old: 3, new: 0, note: 'visa-free (30 days)' }
		]);
		expect(count(db, "SELECT count(*) FROM change_log WHERE note LIKE '%Hayya%'")).toBe(198);
		// The UK's EVW: eTA in 2019, VOA in the 2020 letters, EVW from 2020-11-19, e-visa in 2021-12.
		const kuwait = db
			.prepare(
				`SELECT period, old, new, note FROM change_log
				WHERE layer = 'entry' AND iso3 = 'GBR' AND partner = 'KWT' ORDER BY seq`
			)
			.all();
		expect(kuwait).toEqual([
			{ period: '2019-12-17', old: null, new: 2, note: 'eta' },
			{ period: '2020-02-07', old: 2, new: 1, note: 'visa-on-arrival' },
			{ period: '2020-11-19', old: 1, new: 2, note: 'eta (EVW)' },
			{ period: '2021-12-14', old: 2, new: 3, note: 'e-visa' }
		]);
	});

	it('changes nothing when a snapshot is ingested again', () => {
		const before = dumpContent(db);
		for (const date of ['2019-12-17', '2021-08-09', '2023-01-11']) {
			expect(ingest(db, date).rowsChanged).toBe(0);
		}
		const after = dumpContent(db);
		for (const table of Object.keys(before).filter((t) => t !== 'ingest_runs')) {
			expect(after[table], table).toEqual(before[table]);
		}
	});

	it('refuses a file with an unknown category, naming it, and changes nothing', () => {
		const before = dumpContent(db);
		const lines = text.get('2023-01-11')!.split('\n');
		lines[1] = lines[1]!.replace(/,[^,]*$/, ',visa waiver');
		lines[500] = lines[500]!.replace(/,[^,]*$/, ',visa waiver');
		const bad = join(dir, '2023-02-01', 'passport-index-tidy-iso3.csv');
		let refusal: IngestRefusedError | undefined;
		try {
			ingest(db, '2023-01-11', lines.join('\n'), bad);
		} catch (err) {
			refusal = err as IngestRefusedError;
		}
		expect(refusal).toBeInstanceOf(IngestRefusedError);
		expect(refusal!.problems.map(formatProblem)).toEqual([
			expect.stringMatching(
				new RegExp(`^${bad}:2: Requirement: unknown requirement "visa waiver" on lines 2, 501 \\(`)
			)
		]);
		expect(dumpContent(db)).toEqual(before);
	});
});

describe('passport-index, snapshots in another order', () => {
	it('gives the same intervals and snapshots, oldest first or not', () => {
		const shuffled = fresh('order-b');
		// Newest first, then the rest interleaved: every snapshot arrives after a newer one.
		const order = [
			'2023-01-11',
			'2020-02-07',
			'2021-12-14',
			'2019-12-17',
			'2022-06-06',
			'2020-11-19',
			'2021-05-13',
			'2020-04-02',
			'2022-11-06',
			'2021-01-25',
			'2020-03-09',
			'2021-08-09',
			'2020-05-09',
			'2021-02-24'
		];
		expect([...order].sort()).toEqual(DATES);
		for (const date of order) ingest(shuffled, date);
		expect(intervals(shuffled)).toEqual(intervals(db));
		expect(passportSnapshots(shuffled)).toEqual(DATES);
		shuffled.close();
	});

	it('records what readers see change on the older snapshot’s date, and nothing after it', () => {
		const later = fresh('older-later');
		ingest(later, '2020-11-19');
		ingest(later, '2021-02-24');
		const atLater = dbRules(later, '2021-02-24');
		const summary = ingest(later, '2021-01-25');
		// Its changes are those against 2020-11-19, as when it came in order.
		expect(summary.rowsChanged).toBe(2_653);
		expect(entryChanges(later, '2021-01-25')).toEqual(entryChanges(db, '2021-01-25'));
		expect(dbRules(later, '2021-01-25')).toEqual(fileRules('2021-01-25'));
		expect(dbRules(later, '2021-02-24')).toEqual(atLater);
		expect(dbRules(later, '2021-02-24')).toEqual(fileRules('2021-02-24'));
		later.close();
	});
});

describe('npm run ingest -- passport-index', () => {
	const cli = (...args: string[]) =>
		spawnSync(
			join(ROOT, 'node_modules', '.bin', 'tsx'),
			[join(ROOT, 'scripts', 'ingest.ts'), ...args],
			{
				cwd: ROOT,
				encoding: 'utf8'
			}
		);

	it('takes the date from --date for a file outside a dated folder', () => {
		const dbPath = join(dir, 'cli.db');
		const file = join(dir, 'latest.csv');
		writeFileSync(file, text.get('2023-01-11')!);
		const undated = cli('passport-index', '--file', file, '--db', dbPath);
		expect(undated.status).toBe(1);
		expect(undated.stderr).toContain(`${file}:0: date: no snapshot date: give --date YYYY-MM-DD`);
		const ok = cli('passport-index', '--file', file, '--date', '2023-01-11', '--db', dbPath);
		expect(ok.status, ok.stderr).toBe(0);
		expect(JSON.parse(ok.stdout.trim().split('\n').at(-1)!)).toMatchObject({
			feed: 'passport-index',
			rowsRead: 39_601,
			rowsChanged: 39_402
		});
		const db = openDatabase(dbPath);
		expect(passportSnapshots(db)).toEqual(['2023-01-11']);
		db.close();
		const elsewhere = cli('gdp', '--file', file, '--date', '2023-01-11', '--db', dbPath);
		expect(elsewhere.status).toBe(2);
		expect(elsewhere.stderr).toContain('--date: gdp does not read dated snapshots');
	});
});
