import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countryResolver } from '../../src/lib/server/db/countries.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { parseOxcgrtC8 } from '../../src/lib/server/ingest/feeds/oxcgrtC8.ts';
import { oxcgrtC8Feed } from '../../src/lib/server/ingest/feeds/oxcgrtC8Feed.ts';
import {
	dayTable,
	parseSpeed,
	replayDays,
	resetTable
} from '../../src/lib/server/ingest/replay.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { C8_SNAPSHOT, ROOT, tempDir } from '../support/server.ts';

const snapshot = readFileSync(C8_SNAPSHOT, 'utf8');

let dir: string;
beforeAll(() => {
	dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseSpeed', () => {
	it('reads days per time', () => {
		expect(parseSpeed('1d/s')).toEqual({ days: 1, tickMs: 1000 });
		expect(parseSpeed('2d/s')).toEqual({ days: 2, tickMs: 1000 });
		expect(parseSpeed('1d/500ms')).toEqual({ days: 1, tickMs: 500 });
		expect(parseSpeed('7d/s')).toEqual({ days: 7, tickMs: 1000 });
		expect(parseSpeed('1d/2s')).toEqual({ days: 1, tickMs: 2000 });
		expect(parseSpeed('30d/m')).toEqual({ days: 30, tickMs: 60_000 });
		expect(parseSpeed('1d/100ms', { allowFast: true })).toEqual({ days: 1, tickMs: 100 });
	});

	it('refuses nonsense and, outside tests, ticks under 500 ms', () => {
		for (const bad of ['', 'fast', '1d', 'd/s', '0d/s', '1.5d/s', '-1d/s', '1w/s', '1d/', '1d/x']) {
			expect(() => parseSpeed(bad), bad).toThrow(/is not a speed/);
		}
		expect(() => parseSpeed('1d/0s')).toThrow(/is not a speed/);
		expect(() => parseSpeed('1d/100ms')).toThrow(/too fast: a tick is at least 500ms/);
		expect(() => parseSpeed('1d/499ms')).toThrow(/too fast/);
	});
});

describe('replay tables', () => {
	const db = openDatabase(':memory:');
	const table = parseOxcgrtC8(snapshot, {
		file: 'c8.csv',
		resolveCountry: countryResolver(db)
	}).value;
	db.close();

	it('chooses the days from --from to --to, by default to the last day of the file', () => {
		expect(replayDays(table, '2020-03-10', '2020-03-12')).toEqual([
			'2020-03-10',
			'2020-03-11',
			'2020-03-12'
		]);
		// The file's last day is 20Feb2023 (its last weeks all NA).
		expect(replayDays(table, '2023-02-19')).toEqual(['2023-02-19', '2023-02-20']);
		expect(() => replayDays(table, '2019-12-31')).toThrow(/outside the file's days/);
		expect(() => replayDays(table, '2020-03-10', '2023-02-21')).toThrow(/--to: .* outside/);
		expect(() => replayDays(table, '2020-02-30')).toThrow(/not a day/);
		expect(() => replayDays(table, '2020-03-10', '2020-03-09')).toThrow(/before --from/);
	});

	it('cuts one day for a step and nulls every day from --from for the reset', () => {
		const day = dayTable(table, '2020-03-15');
		const col = table.days.indexOf('2020-03-15');
		expect(day.days).toEqual(['2020-03-15']);
		expect(day.rows.map((r) => [r.iso3, r.levels])).toEqual(
			table.rows.map((r) => [r.iso3, [r.levels[col]]])
		);
		const reset = resetTable(table, '2023-01-22'); // 22Jan … 20Feb2023
		expect(reset.days).toHaveLength(30);
		expect(reset.rows).toHaveLength(table.rows.length);
		expect(
			reset.rows.every((r) => r.levels.length === 30 && r.levels.every((l) => l === null))
		).toBe(true);
	});
});

function replay(args: string[]) {
	const child = spawn(
		join(ROOT, 'node_modules', '.bin', 'tsx'),
		[join(ROOT, 'scripts', 'replay.ts'), ...args],
		{ cwd: ROOT }
	);
	const out = { stdout: '', stderr: '' };
	child.stdout.on('data', (d: Buffer) => (out.stdout += d));
	child.stderr.on('data', (d: Buffer) => (out.stderr += d));
	const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
	return { child, out, exited };
}

const jsonLines = (text: string) =>
	text
		.trim()
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('npm run replay', () => {
	let dbPath: string;
	let original: Db;
	const days = ['2020-03-10', '2020-03-11', '2020-03-12', '2020-03-13', '2020-03-14'];
	const dayRows = (db: Db, from: string, to: string) =>
		db
			.prepare(
				'SELECT iso3, day, level FROM border_status_day WHERE day BETWEEN ? AND ? ORDER BY iso3, day'
			)
			.raw()
			.all(from, to);
	const allRows = (db: Db, table: 'border_status_day' | 'border_status_run') =>
		db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).raw().all();

	beforeAll(() => {
		dbPath = join(dir, 'replay.db');
		const db = openDatabase(dbPath);
		runIngest(db, oxcgrtC8Feed, { source: C8_SNAPSHOT, text: snapshot });
		db.close();
		// An untouched copy to compare with.
		original = openDatabase(join(dir, 'original.db'));
		runIngest(original, oxcgrtC8Feed, { source: C8_SNAPSHOT, text: snapshot });
	});
	afterAll(() => original.close());

	it('resets, then commits each day in order, ending where the snapshot is', async () => {
		const run = replay([
			'oxcgrt-c8',
			'--file',
			C8_SNAPSHOT,
			'--from',
			'2020-03-10',
			'--to',
			'2020-03-14',
			'--speed',
			'1d/100ms',
			'--allow-fast',
			'--reset',
			'--db',
			dbPath
		]);
		const started = Date.now();
		expect(await run.exited, run.out.stderr).toBe(0);
		// Five ticks after the reset, 100 ms apart.
		expect(Date.now() - started).toBeGreaterThan(500);
		const lines = jsonLines(run.out.stdout);
		expect(lines.map((l) => l.reset ?? l.day)).toEqual(['2020-03-10', ...days]);
		expect(lines[0]!.rowsChanged).toBeGreaterThan(80_000);
		for (const l of lines.slice(1)) expect(l.rowsChanged).toBeGreaterThan(150);

		const db = openDatabase(dbPath);
		try {
			const runs = db
				.prepare(
					'SELECT id, source, rows_changed, first_seq, last_seq FROM ingest_runs WHERE id > 1 ORDER BY id'
				)
				.all() as {
				id: number;
				source: string;
				rows_changed: number;
				first_seq: number;
				last_seq: number;
			}[];
			expect(runs.map((r) => r.source)).toEqual([
				`replay:${C8_SNAPSHOT}@reset:2020-03-10/..`,
				...days.map((d) => `replay:${C8_SNAPSHOT}@${d}`)
			]);
			// One commit each, in seq order, matching what was printed.
			runs.forEach((r, i) => {
				expect(r.rows_changed).toBe(lines[i]!.rowsChanged);
				expect(r.last_seq).toBe(lines[i]!.seq);
				if (i > 0) expect(r.first_seq).toBe(runs[i - 1]!.last_seq + 1);
			});
			const changes = (runId: number) =>
				db
					.prepare('SELECT iso3, period, old, new FROM change_log WHERE run_id = ? ORDER BY seq')
					.all(runId) as { iso3: string; period: string; old: number | null; new: number | null }[];
			const reset = changes(runs[0]!.id);
			expect(reset.every((c) => c.new === null && c.old !== null && c.period >= '2020-03-10')).toBe(
				true
			);
			runs.slice(1).forEach((r, i) => {
				const dayChanges = changes(r.id);
				expect(dayChanges.every((c) => c.period === days[i] && c.old === null)).toBe(true);
			});

			// Before --from nothing changed; the replayed days are the snapshot again; after --to
			// the reset left no values.
			expect(dayRows(db, '2020-01-01', '2020-03-09')).toEqual(
				dayRows(original, '2020-01-01', '2020-03-09')
			);
			expect(dayRows(db, '2020-03-10', '2020-03-14')).toEqual(
				dayRows(original, '2020-03-10', '2020-03-14')
			);
			expect(dayRows(db, '2020-03-15', '2021-12-31')).toEqual([]);

			// Ingesting the snapshot brings back exactly what the reset removed beyond --to,
			// and the derived runs equal the original's.
			const restored = runIngest(db, oxcgrtC8Feed, { source: C8_SNAPSHOT, text: snapshot });
			expect(restored.rowsChanged).toBe(
				reset.length - lines.slice(1).reduce((n, l) => n + (l.rowsChanged as number), 0)
			);
			expect(allRows(db, 'border_status_day')).toEqual(allRows(original, 'border_status_day'));
			expect(allRows(db, 'border_status_run')).toEqual(allRows(original, 'border_status_run'));
		} finally {
			db.close();
		}
	});

	it('stops cleanly between days on SIGTERM', async () => {
		const run = replay([
			'oxcgrt-c8',
			'--file',
			C8_SNAPSHOT,
			'--from',
			'2020-04-01',
			'--speed',
			'1d/s',
			'--db',
			dbPath
		]);
		const deadline = Date.now() + 30_000;
		while (!run.out.stdout.includes('\n') && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 20));
		}
		run.child.kill('SIGTERM');
		expect(await run.exited, run.out.stderr).toBe(0);
		const lines = jsonLines(run.out.stdout);
		expect(lines[0]).toMatchObject({ day: '2020-04-01', rowsChanged: 0 });
		expect(lines.length).toBeLessThan(5);
		expect(run.out.stderr).toMatch(/^SIGTERM: stopped after 2020-04-0\d$/m);
	});

	it('refuses a bad file like the ingest CLI, and explains its usage', async () => {
		const bad = join(dir, 'bad.csv');
		writeFileSync(
			bad,
			snapshot.replace('"2","AFG","Afghanistan","0"', '"2","AFG","Afghanistan","7"')
		);
		const refused = replay(['oxcgrt-c8', '--file', bad, '--from', '2020-03-01', '--db', dbPath]);
		expect(await refused.exited).toBe(1);
		expect(refused.out.stderr).toContain(
			`${bad}:3: 01Jan2020: "7" is not a C8 level (0–4 or missing)\n${bad}: refused, database unchanged`
		);
		const other = replay(['restrictions', '--file', bad, '--from', '2020-03-01', '--db', dbPath]);
		expect(await other.exited).toBe(2);
		expect(other.out.stderr).toContain('only the oxcgrt-c8 feed can be replayed');
		const outside = replay([
			'oxcgrt-c8',
			'--file',
			C8_SNAPSHOT,
			'--from',
			'2019-03-01',
			'--db',
			dbPath
		]);
		expect(await outside.exited).toBe(2);
		expect(outside.out.stderr).toContain("--from: 2019-03-01 is outside the file's days");
	});
});
