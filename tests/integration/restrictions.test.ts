import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { borderStatusOn, borderStatusRange } from '../../src/lib/server/db/borderStatus.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { oxcgrtC8Feed } from '../../src/lib/server/ingest/feeds/oxcgrtC8Feed.ts';
import { restrictionsFeed } from '../../src/lib/server/ingest/feeds/restrictions.ts';
import { IngestRefusedError, formatProblem } from '../../src/lib/server/ingest/problem.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { readGrid, writeGrid } from '../support/c8Variants.ts';
import { dumpContent } from '../support/db.ts';
import { C8_SNAPSHOT, ROOT, tempDir } from '../support/server.ts';

const snapshot = readFileSync(C8_SNAPSHOT, 'utf8');
const dir = tempDir();
let db: Db;
const levelOn = (day: string, iso3: string) => borderStatusOn(db, day).find((c) => c.iso3 === iso3);
const restrictions = (text: string, source = 'r.csv') =>
	runIngest(db, restrictionsFeed, { source, text });

beforeAll(() => {
	db = openDatabase(join(dir, 'restrictions.db'));
	runIngest(db, oxcgrtC8Feed, { source: 'c8.csv', text: snapshot });
});
afterAll(() => {
	db.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('the restrictions feed', () => {
	const CSV = [
		'iso3,effective_from,level,note,source_url',
		'NZL,2021-05-01,1,"Travel bubble with Australia, quarantine-free",https://example.org/nz',
		'RKS,2021-05-10,0,,',
		'NZL,2021-06-15,3,Bubble paused,'
	].join('\n');

	it('records CSV rows that override the feed from their day until the next one', () => {
		const before = levelOn('2021-04-30', 'NZL');
		const summary = restrictions(CSV);
		expect(summary).toMatchObject({ feed: 'restrictions', rowsRead: 3, rowsChanged: 3 });
		expect(levelOn('2021-04-30', 'NZL')).toEqual(before);
		expect(levelOn('2021-05-01', 'NZL')).toMatchObject({ level: 1, since: '2021-05-01' });
		expect(levelOn('2021-06-14', 'NZL')).toMatchObject({ level: 1, since: '2021-05-01' });
		expect(levelOn('2021-06-30', 'NZL')).toMatchObject({ level: 3, since: '2021-06-15' });
		expect(levelOn('2021-06-30', 'XKX')).toMatchObject({ level: 0, since: '2021-05-10' });
		// The last restriction holds on: the data now reaches today.
		expect(borderStatusRange(db, '2026-11-25')!.last).toBe('2026-11-25');
		const logged = db
			.prepare(
				'SELECT iso3, period, new, note, source_url FROM change_log WHERE run_id = ? ORDER BY seq'
			)
			.all(summary.runId);
		// Each period is as of its own write: applied in seq order they give the state above.
		expect(logged).toEqual([
			{
				iso3: 'NZL',
				period: '2021-05-01/..',
				new: 1,
				note: 'Travel bubble with Australia, quarantine-free',
				source_url: 'https://example.org/nz'
			},
			{ iso3: 'XKX', period: '2021-05-10/..', new: 0, note: null, source_url: null },
			{ iso3: 'NZL', period: '2021-06-15/..', new: 3, note: 'Bubble paused', source_url: null }
		]);
	});

	it('changes nothing when the same rows come again, as CSV or as JSON', () => {
		expect(restrictions(CSV).rowsChanged).toBe(0);
		const json = JSON.stringify([
			{
				iso3: 'NZL',
				effective_from: '2021-05-01',
				level: 1,
				note: 'Travel bubble with Australia, quarantine-free',
				source_url: 'https://example.org/nz'
			},
			{ iso3: 'XKX', effective_from: '2021-05-10', level: 0 },
			{ iso3: 'NZL', effective_from: '2021-06-15', level: 3, note: 'Bubble paused' }
		]);
		expect(restrictions(json, 'r.json').rowsChanged).toBe(0);
	});

	it('keeps curated days when the feed is revised under them', () => {
		const grid = readGrid(snapshot);
		const nzl = grid.find((r) => r[1] === 'NZL')!;
		nzl[grid[0]!.indexOf('20May2021')] = '0'; // curated: 1
		nzl[grid[0]!.indexOf('20Apr2021')] = '0'; // not curated
		const seqBefore = db.prepare('SELECT max(seq) FROM change_log').pluck().get() as number;
		const summary = runIngest(db, oxcgrtC8Feed, { source: 'rev.csv', text: writeGrid(grid) });
		// Both stored values changed, but readers see only the uncurated day change.
		expect(summary.rowsChanged).toBe(1);
		expect(db.prepare('SELECT iso3, period FROM change_log WHERE seq > ?').all(seqBefore)).toEqual([
			{ iso3: 'NZL', period: '2021-04-20' }
		]);
		expect(levelOn('2021-05-20', 'NZL')).toMatchObject({ level: 1 });
		expect(levelOn('2021-04-20', 'NZL')).toMatchObject({ level: 0 });
	});

	it('refuses bad rows naming file, line and field, and writes nothing', () => {
		const before = dumpContent(db);
		const bad = [
			'iso3,effective_from,level,note,source_url',
			'NZL,2021-05-01,7,,',
			'XYZ,2021-05-01,1,,',
			'FRA,2021-13-01,1,,',
			'FRA,2021-05-01,1,,ftp://example.org',
			'NZL,2021-06-15,3,,',
			'NZL,2021-06-15,2,,'
		].join('\n');
		try {
			restrictions(bad, 'bad.csv');
			expect.unreachable();
		} catch (err) {
			expect((err as IngestRefusedError).problems.map(formatProblem)).toEqual([
				'bad.csv:2: level: expected a level 0–4',
				'bad.csv:3: iso3: unknown country code "XYZ"',
				'bad.csv:4: effective_from: expected a calendar date as YYYY-MM-DD',
				'bad.csv:5: source_url: expected an http(s) URL',
				'bad.csv:7: effective_from: NZL 2021-06-15 already appears on line 6'
			]);
		}
		expect(() => restrictions('[{"iso3": "NZL"}', 'bad.json')).toThrow(IngestRefusedError);
		expect(() => restrictions('{"iso3": "NZL"}', 'bad.json')).toThrow(/expected an array/);
		expect(dumpContent(db)).toEqual(before);
	});

	it('runs from the CLI with the same rules', () => {
		const file = join(dir, 'r.json');
		writeFileSync(file, JSON.stringify([{ iso3: 'chl', effective_from: '2021-06-01', level: 2 }]));
		const cli = (f: string) =>
			spawnSync(
				join(ROOT, 'node_modules', '.bin', 'tsx'),
				[
					join(ROOT, 'scripts', 'ingest.ts'),
					'restrictions',
					'--file',
					f,
					'--db',
					join(dir, 'cli.db')
				],
				{ cwd: ROOT, encoding: 'utf8' }
			);
		const ok = cli(file);
		expect(ok.status, ok.stderr).toBe(0);
		expect(JSON.parse(ok.stdout.trim().split('\n').at(-1)!)).toMatchObject({
			feed: 'restrictions',
			rowsChanged: 1
		});
		writeFileSync(file, JSON.stringify([{ iso3: 'CHL', effective_from: '2021-06-01', level: -1 }]));
		const bad = cli(file);
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain(`${file}:1: level: expected a level 0–4`);
	});
});
