/**
 * A database seeded from the older, cut snapshots (C8 to 30Jun2021, WDI and GDP to 2019) is
 * brought up to the bundled full files when the server starts, through ordinary ingest runs
 * whose changes are logged; a second start with the same files writes nothing.
 *
 * The old vintage is rebuilt from the bundled files: every cell of the old cut equals the full
 * file's cell, so cutting the later columns (rows, for the long GDP file) reproduces it.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysBetween } from '../../src/lib/domain/date.ts';
import type { BorderStatusSeries } from '../../src/lib/domain/borderStatus.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { BUNDLED_SNAPSHOTS, ingestBundledSnapshots } from '../../src/lib/server/seed.ts';
import { liveClient, subscribe } from '../support/live.ts';
import { ROOT, startServer, tempDir } from '../support/server.ts';

const DATA = join(ROOT, 'data');
const C8 = 'oxcgrt/c8_internationaltravel.csv';
const BX = 'worldbank-wdi/API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv';
const BM = 'worldbank-wdi/API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv';
const GDP = 'datasets-gdp/gdp.csv';
/** The files the old vintage had as cuts; the others were the same then as now. */
const CUT = [C8, BX, BM, GDP];
const WHOLE = BUNDLED_SNAPSHOTS.map((s) => s.file).filter((f) => !CUT.includes(f));

/**
 * Drops every cell after the header cell `last` on each line of a wide file; `trailing`: the
 * lines end with an empty cell (the World Bank's trailing comma), which stays. The cells cut
 * are numbers, NA or empty, never a comma, so cutting at commas from the right is exact.
 */
function cutWide(text: string, last: string, trailing: boolean): string {
	const newline = text.includes('\r\n') ? '\r\n' : '\n';
	const lines = text.split(newline);
	const header = lines.findIndex((l) => l.includes(last));
	const cells = lines[header]!.split(',');
	const drop = cells.length - 1 - cells.indexOf(last) - (trailing ? 1 : 0);
	expect(drop).toBeGreaterThan(0);
	return lines
		.map((line, i) => {
			if (i < header || line === '') return line;
			const kept = line.split(',').slice(0, -drop - (trailing ? 1 : 0));
			return kept.join(',') + (trailing ? ',' : '');
		})
		.join(newline);
}

/** The bundled snapshots as they were before the full files: a data/ folder of their cuts. */
function oldVintage(dir: string): void {
	const write = (file: string, text: string) => {
		mkdirSync(dirname(join(dir, file)), { recursive: true });
		writeFileSync(join(dir, file), text);
	};
	const read = (file: string) => readFileSync(join(DATA, file), 'utf8');
	const c8 = cutWide(read(C8), '"30Jun2021"', false);
	expect(c8.split('\n')[0]!.endsWith(',"29Jun2021","30Jun2021"')).toBe(true);
	expect(c8).not.toMatch(/,NA[,\n]|2022/);
	write(C8, c8);
	write(BX, cutWide(read(BX), '"2019"', true));
	write(BM, cutWide(read(BM), '"2019"', true));
	const gdp = read(GDP)
		.split('\r\n')
		.filter((line) => !/,20[2-9]\d,[^,]*$/.test(line));
	write(GDP, gdp.join('\r\n') + '\r\n');
	// Files that were never cut (the workbook, COBAP's list, Banxico's, RPW's, the Passport
	// Index snapshots) are the same in both vintages.
	for (const file of WHOLE) {
		mkdirSync(dirname(join(dir, file)), { recursive: true });
		copyFileSync(join(DATA, file), join(dir, file));
	}
}

const count = (db: Db, sql: string, ...params: unknown[]) =>
	db
		.prepare(sql)
		.pluck()
		.get(...params) as number;

let dir: string;
let databasePath: string;
let oldSeq: number;
let oldRuns: number;
beforeAll(() => {
	dir = tempDir('crossings-upgrade-');
	const oldData = join(dir, 'data');
	oldVintage(oldData);
	databasePath = join(dir, 'crossings.db');
	const db = openDatabase(databasePath);
	const seeded = ingestBundledSnapshots(db, oldData);
	expect(seeded.map((s) => s.file)).toEqual(BUNDLED_SNAPSHOTS.map((s) => s.file));
	expect(db.prepare('SELECT max(day) FROM border_status_day').pluck().get()).toBe('2021-06-30');
	expect(count(db, 'SELECT max(year) FROM remittance')).toBe(2019);
	expect(count(db, 'SELECT max(year) FROM gdp')).toBe(2019);
	// A database from before bundled_snapshot (migration 6) existed: only its runs remember.
	db.exec('DROP TABLE bundled_snapshot; DELETE FROM schema_migration WHERE version = 6');
	oldSeq = count(db, 'SELECT max(seq) FROM change_log');
	oldRuns = count(db, 'SELECT count(*) FROM ingest_runs');
	db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const getJson = async <T>(url: string): Promise<T> => {
	const response = await fetch(url);
	expect(response.status, url).toBe(200);
	return (await response.json()) as T;
};

describe('a database seeded from the old cut snapshots', () => {
	let newSeq: number;

	it('is upgraded to the bundled full files at start, its changes logged after the old ones', async () => {
		const started = performance.now();
		const server = await startServer({ databasePath });
		const upTo = Math.round(performance.now() - started);
		try {
			// One line per file ingested: the four that changed, not the unchanged workbook, COBAP
			// list or Passport Index snapshots.
			const lines = server.output().match(/^seeded .*$/gm) ?? [];
			expect(lines.map((l) => /from data\/(\S+)/.exec(l)![1])).toEqual([C8, BX, BM, GDP]);
			const changed = lines.map((l) => Number(/: (\d+) values/.exec(l)![1]));
			const ms = lines.map((l) => Number(/in (\d+) ms$/.exec(l)![1]));
			console.log(
				`upgrade at start: ${changed.join(' + ')} changes in ${ms.join(' + ')} ms ` +
					`(${ms.reduce((a, b) => a + b)} ms); server listening ${upTo} ms after spawn`
			);

			const health = await getJson<{ seq: number; borderStatus: unknown }>(
				`${server.url}/api/health`
			);
			newSeq = health.seq;
			expect(newSeq).toBe(oldSeq + changed.reduce((a, b) => a + b));
			// Values end 2022-12-31 for 184 countries; China's go on to 2023-01-08. The file's
			// NA days after that (to 2023-02-20) add nothing.
			expect(health.borderStatus).toEqual({ first: '2020-01-01', last: '2023-01-08' });

			const { series } = await getJson<{ series: BorderStatusSeries }>(
				`${server.url}/api/border-status/series`
			);
			expect(series.last).toBe('2023-01-08');
			const index = (day: string) => daysBetween(series.first, day);
			expect(series.runs.FRA!.at(-1)![1]).toBe(index('2022-12-31'));
			expect(series.runs.CHN!.at(-1)).toEqual([index('2023-01-08'), index('2023-01-08'), 1]);
			// Real cells of the new part: New Zealand 4 on 01Jan2022, 0 on 31Dec2022; Grenada 3.
			const on = async (day: string) => {
				const body = await getJson<{ countries: { iso3: string; level: number | null }[] }>(
					`${server.url}/api/border-status?date=${day}`
				);
				return new Map(body.countries.map((c) => [c.iso3, c.level]));
			};
			const jan2022 = await on('2022-01-01');
			expect([jan2022.get('NZL'), jan2022.get('GRD'), jan2022.get('COM')]).toEqual([4, 3, null]);
			const dec2022 = await on('2022-12-31');
			expect([dec2022.get('NZL'), dec2022.get('XKX'), dec2022.get('CHN')]).toEqual([0, 0, 2]);

			// Remittances received now reach 2024 (partly filled), paid 2020.
			const korea = await getJson<{
				series: Record<string, { year: number; value: number }[]>;
			}>(`${server.url}/api/remittances/KOR`);
			expect(korea.series.received!.at(-1)).toEqual({ year: 2024, value: 7449400000 });
			expect(korea.series.paid!.at(-1)).toEqual({ year: 2020, value: 9218700000 });
			const latest = await getJson<{ year: number; countries: { iso3: string; value: unknown }[] }>(
				`${server.url}/api/remittances?measure=received&year=2024`
			);
			expect(latest.year).toBe(2024);
			expect(latest.countries.find((c) => c.iso3 === 'XKX')!.value).toBeNull();

			// Catch-up: the changes after the old last seq are the upgrade's, in order.
			const { changes } = await getJson<{
				changes: {
					seq: number;
					layer: string;
					iso3: string;
					period: string;
					old: unknown;
					new: unknown;
				}[];
			}>(`${server.url}/api/changes?after=${oldSeq}&limit=10000`);
			expect(changes[0]!.seq).toBe(oldSeq + 1);
			expect(changes.every((c, i) => c.seq === oldSeq + 1 + i)).toBe(true);
			expect(changes.every((c) => c.layer === 'border-status' && c.period > '2021-06-30')).toBe(
				true
			);
			expect(changes).toContainEqual(
				expect.objectContaining({ iso3: 'ABW', period: '2021-07-01', old: null, new: 2 })
			);
			const newest = await getJson<{ changes: { seq: number; layer: string; period: string }[] }>(
				`${server.url}/api/changes?latest=1`
			);
			expect(newest.changes).toEqual([
				expect.objectContaining({
					seq: newSeq,
					layer: 'gdp',
					period: expect.stringMatching(/^202[0-3]$/)
				})
			]);

			// A live client that last saw the old seq is told to refetch (too many to replay).
			const socket = liveClient(server.url);
			try {
				expect(await subscribe(socket, { layers: ['border-status'], after: oldSeq })).toEqual({
					ok: true,
					seq: newSeq
				});
				const [event] = await socket.waitForEvents(1);
				expect(event).toMatchObject({ seq: newSeq, after: oldSeq, reload: ['border-status'] });
			} finally {
				socket.close();
			}
		} finally {
			expect(await server.stop()).toBe(0);
		}

		const db = openDatabase(databasePath);
		try {
			// Four ingest runs, one per changed file; none touched the old days or years.
			expect(count(db, 'SELECT count(*) FROM ingest_runs')).toBe(oldRuns + 4);
			expect(
				count(
					db,
					"SELECT count(*) FROM change_log WHERE seq > ? AND layer = 'border-status' AND period <= '2021-06-30'",
					oldSeq
				)
			).toBe(0);
			expect(
				count(
					db,
					"SELECT count(*) FROM change_log WHERE seq > ? AND layer != 'border-status' AND period <= '2019'",
					oldSeq
				)
			).toBe(0);
			expect(db.prepare('SELECT file FROM bundled_snapshot ORDER BY file').pluck().all()).toEqual(
				BUNDLED_SNAPSHOTS.map((s) => s.file).sort()
			);
		} finally {
			db.close();
		}
	});

	it('is left alone by a second start with the same files', async () => {
		const db = openDatabase(databasePath);
		const runs = count(db, 'SELECT count(*) FROM ingest_runs');
		const before = db.prepare('SELECT * FROM bundled_snapshot ORDER BY file').all();
		db.close();
		const server = await startServer({ databasePath });
		try {
			expect(server.output()).not.toMatch(/seeded/);
			const health = await getJson<{ seq: number }>(`${server.url}/api/health`);
			expect(health.seq).toBe(newSeq);
			const { changes } = await getJson<{ changes: unknown[] }>(
				`${server.url}/api/changes?after=${newSeq}`
			);
			expect(changes).toEqual([]);
		} finally {
			expect(await server.stop()).toBe(0);
		}
		const after = openDatabase(databasePath);
		try {
			expect(count(after, 'SELECT count(*) FROM ingest_runs')).toBe(runs);
			expect(after.prepare('SELECT * FROM bundled_snapshot ORDER BY file').all()).toEqual(before);
		} finally {
			after.close();
		}
	});
});
