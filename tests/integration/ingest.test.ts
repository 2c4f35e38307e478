import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	borderStatusHistory,
	borderStatusRange,
	borderStatusSeries
} from '../../src/lib/server/db/borderStatus.ts';
import { daysBetween } from '../../src/lib/domain/date.ts';
import { MIGRATIONS } from '../../src/lib/server/db/migrations.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { oxcgrtC8Feed } from '../../src/lib/server/ingest/feeds/oxcgrtC8Feed.ts';
import { IngestRefusedError } from '../../src/lib/server/ingest/problem.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { readGrid, toBareNA, toVintage2020, writeGrid } from '../support/c8Variants.ts';
import { dumpContent } from '../support/db.ts';
import { C8_SNAPSHOT, ROOT, tempDir } from '../support/server.ts';

const snapshot = readFileSync(C8_SNAPSHOT, 'utf8');
const grid = readGrid(snapshot);
const days = grid[0]!.slice(3);
/** Missing cells: quoted "" to 2021, bare NA in 2022–2023 (the whole of 2023 after China's 8 days). */
const isMissing = (cell: string) => cell === '' || cell === 'NA';
const isoDay = (h: string) => {
	const d = new Date(`${h.slice(0, 2)} ${h.slice(2, 5)} ${h.slice(5)} UTC`);
	return d.toISOString().slice(0, 10);
};

let dir: string;
const fresh = (name: string): Db => openDatabase(join(dir, `${name}.db`));
const ingest = (db: Db, text: string, source = 'c8.csv') =>
	runIngest(db, oxcgrtC8Feed, { source, text });
const count = (db: Db, table: string) =>
	db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

beforeAll(() => {
	dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a new database', () => {
	it('is complete with reference data, whoever creates it', () => {
		const db = fresh('reference');
		expect(count(db, 'country')).toBe(251);
		const namibia = db
			.prepare("SELECT iso2, numeric, wb_region FROM country WHERE iso3 = 'NAM'")
			.get();
		expect(namibia).toEqual({ iso2: 'NA', numeric: '516', wb_region: 'Sub-Saharan Africa' });
		const kosovo = db.prepare("SELECT alias FROM country_alias WHERE iso3 = 'XKX' ORDER BY alias");
		expect(kosovo.pluck().all()).toEqual(['KSV', 'RKS']);
		expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
		db.close();
		// Re-opening runs no migration twice.
		const again = openDatabase(join(dir, 'reference.db'));
		expect(count(again, 'schema_migration')).toBe(MIGRATIONS.length);
		again.close();
	});
});

describe('oxcgrt-c8 ingest', () => {
	let db: Db;
	beforeAll(() => {
		db = fresh('c8');
	});
	afterAll(() => db.close());

	it('stores every cell of the snapshot, with one change_log row per value', () => {
		const summary = ingest(db, snapshot);
		const values = grid
			.slice(1)
			.flatMap((r) => r.slice(3))
			.filter((c) => !isMissing(c)).length;
		expect(summary).toMatchObject({ feed: 'oxcgrt-c8', rowsRead: 187, rowsChanged: values });
		expect(count(db, 'border_status_day')).toBe(values);
		expect(count(db, 'change_log')).toBe(values);
		expect(summary.seq).toBe(values);
		const run = db.prepare('SELECT * FROM ingest_runs').get() as Record<string, unknown>;
		expect(run).toMatchObject({ feed: 'oxcgrt-c8', outcome: 'changed', rows_changed: values });
		expect(run.sha256).toMatch(/^[0-9a-f]{64}$/);
	});

	it('equals the feed for every country and day, through the derived runs', () => {
		const range = borderStatusRange(db)!;
		// The file runs to 20Feb2023, but its days after China's last value (08Jan2023) are all NA:
		// they do not extend the range.
		expect(days.at(-1)).toBe('20Feb2023');
		expect(range).toEqual({ first: '2020-01-01', last: '2023-01-08' });
		for (const row of grid.slice(1)) {
			const iso3 = row[1] === 'RKS' ? 'XKX' : row[1]!;
			const expanded = new Map<string, number | null>();
			for (const run of borderStatusHistory(db, iso3, range)) {
				for (let d = run.from; d <= run.to; d = nextDay(d)) expanded.set(d, run.level);
			}
			days.forEach((h, i) => {
				const cell = row[i + 3]!;
				// Past the range (all NA) the history has no day at all; inside it, every day.
				const day = isoDay(h);
				const shown =
					day > range.last ? (expanded.has(day) ? 'in the history' : null) : expanded.get(day);
				expect([iso3, h, shown]).toEqual([iso3, h, isMissing(cell) ? null : Number(cell)]);
			});
		}
	});

	it('ends the series on the last day with any value, days without data as gaps', () => {
		const series = borderStatusSeries(db)!;
		expect([series.first, series.last]).toEqual(['2020-01-01', '2023-01-08']);
		const dayIndex = (day: string) => daysBetween(series.first, day);
		// France: a value every day to 31Dec2022, then NA; its last run ends there.
		expect(series.runs.FRA!.at(-1)![1]).toBe(dayIndex('2022-12-31'));
		expect(series.runs.CHN!.at(-1)).toEqual([dayIndex('2023-01-08'), dayIndex('2023-01-08'), 1]);
		expect(series.runs.GRD!.at(-1)![1]).toBe(dayIndex('2022-03-28'));
		expect(series.runs.COM).toBeUndefined();
		expect(borderStatusHistory(db, 'FRA', borderStatusRange(db)).at(-1)).toEqual({
			from: '2023-01-01',
			to: '2023-01-08',
			level: null
		});
		const lastDay = db.prepare('SELECT max(day) FROM border_status_day').pluck().get();
		expect(lastDay).toBe('2023-01-08');
	});

	it('changes nothing when the same file comes again', () => {
		const before = count(db, 'change_log');
		const summary = ingest(db, snapshot);
		expect(summary.rowsChanged).toBe(0);
		expect(count(db, 'change_log')).toBe(before);
		const last = db.prepare('SELECT outcome FROM ingest_runs ORDER BY id DESC').pluck().get();
		expect(last).toBe('unchanged');
	});

	it('changes nothing when a later vintage formats the same data differently', () => {
		const before = count(db, 'change_log');
		expect(ingest(db, toVintage2020(snapshot), 'vintage2020.csv').rowsChanged).toBe(0);
		expect(ingest(db, toBareNA(snapshot), 'bare.csv').rowsChanged).toBe(0);
		expect(count(db, 'change_log')).toBe(before);
	});

	it('records exactly the revised values of a new vintage and rebuilds their runs', () => {
		const revised = readGrid(snapshot);
		const italy = revised.findIndex((r) => r[1] === 'ITA');
		const col = 3 + days.indexOf('15Apr2020');
		const old = Number(revised[italy]![col]);
		revised[italy]![col] = String((old + 1) % 5);
		const before = count(db, 'change_log');
		const summary = ingest(db, writeGrid(revised), 'revised.csv');
		expect(summary.rowsChanged).toBe(1);
		const change = db.prepare('SELECT * FROM change_log WHERE seq > ?').all(before);
		expect(change).toMatchObject([
			{ layer: 'border-status', iso3: 'ITA', period: '2020-04-15', old, new: (old + 1) % 5 }
		]);
		const history = borderStatusHistory(db, 'ITA', borderStatusRange(db));
		expect(history).toContainEqual({ from: '2020-04-15', to: '2020-04-15', level: (old + 1) % 5 });
	});

	it('refuses a corrupted file and leaves the content identical', () => {
		const before = dumpContent(db);
		const corrupted = snapshot.replace(
			'"2","AFG","Afghanistan","0"',
			'"2","AFG","Afghanistan","7"'
		);
		expect(() => ingest(db, corrupted, 'corrupted.csv')).toThrow(IngestRefusedError);
		try {
			ingest(db, corrupted, 'corrupted.csv');
		} catch (err) {
			expect((err as IngestRefusedError).problems).toEqual([
				{
					file: 'corrupted.csv',
					line: 3,
					field: '01Jan2020',
					reason: '"7" is not a C8 level (0–4 or missing)'
				}
			]);
		}
		expect(dumpContent(db)).toEqual(before);
	});

	it('writes nothing on a dry run', () => {
		const other = fresh('dry');
		const before = dumpContent(other);
		const summary = runIngest(
			other,
			oxcgrtC8Feed,
			{ source: 'c8.csv', text: snapshot },
			{ dryRun: true }
		);
		expect(summary.rowsChanged).toBeGreaterThan(100_000);
		expect(summary.dryRun).toBe(true);
		expect(dumpContent(other)).toEqual(before);
		other.close();
	});
});

function nextDay(day: string): string {
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + 1);
	return d.toISOString().slice(0, 10);
}

describe('npm run ingest (the CLI)', () => {
	const cli = (...args: string[]) =>
		spawnSync(
			join(ROOT, 'node_modules', '.bin', 'tsx'),
			[join(ROOT, 'scripts', 'ingest.ts'), ...args],
			{
				cwd: ROOT,
				encoding: 'utf8'
			}
		);

	it('prints a JSON summary last, and refuses bad input naming file, line and field', () => {
		const dbPath = join(dir, 'cli.db');
		const ok = cli('oxcgrt-c8', '--file', C8_SNAPSHOT, '--db', dbPath);
		expect(ok.status).toBe(0);
		const summary = JSON.parse(ok.stdout.trim().split('\n').at(-1)!);
		expect(summary).toMatchObject({ feed: 'oxcgrt-c8', rowsRead: 187, rejected: 0 });
		expect(summary.seq).toBe(summary.rowsChanged);

		const bad = join(dir, 'short.csv');
		writeFileSync(
			bad,
			snapshot.replace(/\n"3","AGO","Angola",(.*)\n/, (_m, rest: string) => {
				return `\n"3","AGO","Angola",${rest.split(',').slice(1).join(',')}\n`;
			})
		);
		const refused = cli('oxcgrt-c8', '--file', bad, '--db', dbPath);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toContain(
			`${bad}:4: row: expected 1150 cells like the header, found 1149`
		);
		const last = JSON.parse(refused.stdout.trim().split('\n').at(-1)!);
		expect(last).toMatchObject({ rowsChanged: 0, rejected: 1, seq: summary.seq });

		const again = cli('oxcgrt-c8', '--file', C8_SNAPSHOT, '--db', dbPath);
		expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({
			rowsChanged: 0,
			seq: summary.seq
		});
	});

	it('explains its usage', () => {
		const unknown = cli('no-such-feed', '--file', C8_SNAPSHOT);
		expect(unknown.status).toBe(2);
		expect(unknown.stderr).toMatch(/unknown feed "no-such-feed"[\s\S]*feeds: oxcgrt-c8/);
		expect(cli('oxcgrt-c8').status).toBe(2);
	});
});

describe('ingest from a URL', () => {
	it('reads a feed served over HTTP and names the URL in problems', async () => {
		const { createServer } = await import('node:http');
		const { spawn } = await import('node:child_process');
		const files: Record<string, string> = {
			'/c8.csv': snapshot,
			'/bad.csv': snapshot.replace('"1","ABW","Aruba","0"', '"1","ABW","Aruba","NaN"')
		};
		const http = createServer((req, res) => {
			const body = files[req.url ?? ''];
			res.writeHead(body ? 200 : 404, { 'content-type': 'text/csv' }).end(body ?? 'not found');
		});
		await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
		const address = http.address() as { port: number };
		const base = `http://127.0.0.1:${address.port}`;
		// Run asynchronously: the CLI fetches from this very process's server.
		const cli = (...args: string[]) =>
			new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
				const child = spawn(
					join(ROOT, 'node_modules', '.bin', 'tsx'),
					[join(ROOT, 'scripts', 'ingest.ts'), ...args],
					{ cwd: ROOT }
				);
				let stdout = '';
				let stderr = '';
				child.stdout.on('data', (d: Buffer) => (stdout += d));
				child.stderr.on('data', (d: Buffer) => (stderr += d));
				child.on('close', (status) => resolve({ status, stdout, stderr }));
			});
		try {
			const dbPath = join(dir, 'url.db');
			const ok = await cli('oxcgrt-c8', '--url', `${base}/c8.csv`, '--db', dbPath);
			expect(ok.status, ok.stderr).toBe(0);
			expect(JSON.parse(ok.stdout.trim().split('\n').at(-1)!)).toMatchObject({
				source: `${base}/c8.csv`,
				rowsRead: 187
			});
			const bad = await cli('oxcgrt-c8', '--url', `${base}/bad.csv`, '--db', dbPath);
			expect(bad.status).toBe(1);
			expect(bad.stderr).toContain(`${base}/bad.csv:2: 01Jan2020: "NaN" is not a C8 level`);
			const missing = await cli('oxcgrt-c8', '--url', `${base}/gone.csv`, '--db', dbPath);
			expect(missing.status).toBe(2);
			expect(missing.stderr).toContain('HTTP 404');
		} finally {
			http.close();
		}
	});
});
