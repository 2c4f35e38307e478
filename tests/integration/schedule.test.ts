import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { FEEDS } from '../../src/lib/server/ingest/feeds/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { threadId } from 'node:worker_threads';
import { bilateralRemittancesFeed } from '../../src/lib/server/ingest/feeds/bilateralRemittancesFeed.ts';
import { oxcgrtC8Feed } from '../../src/lib/server/ingest/feeds/oxcgrtC8Feed.ts';
import { IngestRefusedError } from '../../src/lib/server/ingest/problem.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { IngestWorker } from '../../src/lib/server/ingest/worker.ts';
import { downloadFeed } from '../../src/lib/server/ingest/download.ts';
import {
	FeedPoller,
	FeedsConfigError,
	formatInterval,
	loadFeedsConfig,
	parseInterval,
	refusalLines,
	type PollResult
} from '../../src/lib/server/ingest/schedule.ts';
import { readGrid, writeGrid } from '../support/c8Variants.ts';
import { dumpContent } from '../support/db.ts';
import { liveClient, subscribe } from '../support/live.ts';
import { C8_SNAPSHOT, ROOT, startServer, tempDir } from '../support/server.ts';

const snapshot = readFileSync(C8_SNAPSHOT, 'utf8');

/** The snapshot with Italy's 15 April 2020 level changed: one value differs. */
function revisedSnapshot(): { text: string; old: number; next: number } {
	const grid = readGrid(snapshot);
	const italy = grid.findIndex((r) => r[1] === 'ITA');
	const col = grid[0]!.indexOf('15Apr2020');
	const old = Number(grid[italy]![col]);
	const next = (old + 1) % 5;
	grid[italy]![col] = String(next);
	return { text: writeGrid(grid), old, next };
}

/** The snapshot with every level shifted by one (4 → 0): a run that changes every value. */
function shiftedSnapshot(): string {
	const grid = readGrid(snapshot);
	for (const row of grid.slice(1)) {
		for (let i = 3; i < row.length; i++) {
			if (/^[0-4]$/.test(row[i]!)) row[i] = String((Number(row[i]) + 1) % 5);
		}
	}
	return writeGrid(grid);
}

const WORKBOOK = join(
	ROOT,
	'data',
	'worldbank-bilateral',
	'WB_Bilateral_Remittance_Estimates_2017.xlsx'
);

/** The snapshot with Afghanistan's first day at level 7: refused with one problem. */
const refusedSnapshot = () =>
	snapshot.replace('"2","AFG","Afghanistan","0"', '"2","AFG","Afghanistan","7"');

/** A feed publisher on port 0 whose body and validators the test changes as it goes. */
interface FeedServer {
	url: string;
	body: string;
	status: number;
	etag?: string;
	lastModified?: string;
	/** Request headers, in order. */
	requests: IncomingHttpHeaders[];
	/** When each request came (performance.now()), in order. */
	requestTimes: number[];
	close(): Promise<void>;
}

async function feedServer(init: Partial<FeedServer> = {}): Promise<FeedServer> {
	const state: FeedServer = {
		url: '',
		body: snapshot,
		status: 200,
		requests: [],
		requestTimes: [],
		close: async () => {},
		...init
	};
	const http = createServer((req, res) => {
		state.requests.push(req.headers);
		state.requestTimes.push(performance.now());
		if (state.status !== 200) return void res.writeHead(state.status).end('oops');
		const validators: Record<string, string> = {};
		if (state.etag) validators.etag = state.etag;
		if (state.lastModified) validators['last-modified'] = state.lastModified;
		const fresh =
			(state.etag !== undefined && req.headers['if-none-match'] === state.etag) ||
			(state.etag === undefined &&
				state.lastModified !== undefined &&
				req.headers['if-modified-since'] === state.lastModified);
		if (fresh) return void res.writeHead(304, validators).end();
		res.writeHead(200, { 'content-type': 'text/csv', ...validators }).end(state.body);
	});
	await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
	state.url = `http://127.0.0.1:${(http.address() as { port: number }).port}/c8.csv`;
	state.close = () => new Promise<void>((r) => http.close(() => r()));
	return state;
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

/** Collects what a poller logs instead of printing it. */
const recorder = () => {
	const lines = { out: [] as string[], err: [] as string[] };
	return {
		lines,
		log: { log: (l: string) => lines.out.push(l), error: (l: string) => lines.err.push(l) }
	};
};

let dir: string;
beforeAll(() => {
	dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = (db: Db, table: string) =>
	db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('parseInterval', () => {
	it('reads a whole number and a unit', () => {
		expect(parseInterval('1h')).toBe(3_600_000);
		expect(parseInterval('15m')).toBe(900_000);
		expect(parseInterval('30s')).toBe(30_000);
		expect(parseInterval('1d')).toBe(86_400_000);
		expect(parseInterval('1s')).toBe(1000);
		expect(parseInterval('1500ms')).toBe(1500);
		expect(parseInterval('500ms', { allowSubSecond: true })).toBe(500);
	});

	it('refuses nonsense, sub-second intervals outside tests, and what setTimeout cannot wait', () => {
		for (const bad of ['', 'h', '1', '1w', '1.5h', '-1h', '0s', '01h', '1 h', '1H', 'soon']) {
			expect(() => parseInterval(bad), bad).toThrow(/not an interval/);
		}
		expect(() => parseInterval('500ms')).toThrow(/too short: the shortest interval is 1s/);
		expect(() => parseInterval('999ms')).toThrow(/too short/);
		expect(() => parseInterval('25d')).toThrow(/too long/);
		expect(parseInterval('24d')).toBe(24 * 86_400_000);
	});

	it('formats back what it reads', () => {
		for (const text of ['1h', '15m', '30s', '1d', '500ms', '90s']) {
			expect(formatInterval(parseInterval(text, { allowSubSecond: true }))).toBe(text);
		}
	});
});

describe('downloadFeed with the previous validators', () => {
	it('sends the previous validators and reads 304 as unchanged', async () => {
		const feed = await feedServer({ etag: '"v1"', lastModified: 'Wed, 01 Jul 2020 00:00:00 GMT' });
		try {
			const first = await downloadFeed(feed.url);
			expect(first).toMatchObject({
				status: 'fetched',
				etag: '"v1"',
				lastModified: 'Wed, 01 Jul 2020 00:00:00 GMT'
			});
			if (first.status !== 'fetched') throw new Error('expected a body');
			// The exact bytes (text feeds are decoded by the runner) and their sha256.
			expect(Buffer.from(first.bytes).toString('utf8')).toBe(snapshot);
			expect(first.sha256).toBe(createHash('sha256').update(snapshot).digest('hex'));
			expect(feed.requests[0]!['if-none-match']).toBeUndefined();
			const second = await downloadFeed(feed.url, { previous: first });
			expect(second).toEqual({ status: 'unchanged' });
			expect(feed.requests[1]).toMatchObject({
				'if-none-match': '"v1"',
				'if-modified-since': 'Wed, 01 Jul 2020 00:00:00 GMT'
			});
		} finally {
			await feed.close();
		}
	});

	it('throws errors naming the URL: HTTP status, refused connection, timeout', async () => {
		const feed = await feedServer({ status: 503 });
		const silent = createServer(() => {});
		await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
		const silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}/c8.csv`;
		try {
			await expect(downloadFeed(feed.url)).rejects.toThrow(`${feed.url}: HTTP 503`);
			await feed.close();
			await expect(downloadFeed(feed.url)).rejects.toThrow(
				new RegExp(`^${feed.url}: .*ECONNREFUSED`)
			);
			await expect(downloadFeed(silentUrl, { timeoutMs: 200 })).rejects.toThrow(
				`${silentUrl}: no complete response within 200 ms`
			);
			await expect(downloadFeed('ftp://example.org/c8.csv')).rejects.toThrow('only http and https');
		} finally {
			silent.closeAllConnections();
			silent.close();
		}
	});
});

describe('FeedPoller', () => {
	it('ingests once, then gets 304s that change nothing, then exactly the revised value', async () => {
		const feed = await feedServer({ etag: '"v1"' });
		const db = openDatabase(join(dir, 'etag.db'));
		const results: PollResult[] = [];
		let commits = 0;
		const { log, lines } = recorder();
		const poller = new FeedPoller({
			db,
			feed: oxcgrtC8Feed,
			url: feed.url,
			intervalMs: parseInterval('100ms', { allowSubSecond: true }),
			onCommit: () => commits++,
			onResult: (r) => results.push(r),
			log
		});
		try {
			poller.start();
			await until('three polls', () => results.length >= 3);
			const [first, ...rest] = results;
			expect(first!.status).toBe('ingested');
			const summary = first!.status === 'ingested' ? first!.summary : null;
			expect(summary).toMatchObject({ feed: 'oxcgrt-c8', source: feed.url, rowsRead: 187 });
			expect(summary!.rowsChanged).toBeGreaterThan(100_000);
			expect(rest.map((r) => r.status)).toEqual(rest.map(() => 'not-modified'));
			const changeLog = count(db, 'change_log');
			expect(changeLog).toBe(summary!.rowsChanged);
			expect(count(db, 'ingest_runs')).toBe(1);
			expect(commits).toBe(1);
			expect(feed.requests.slice(1).map((h) => h['if-none-match'])).toEqual(
				feed.requests.slice(1).map(() => '"v1"')
			);
			// One JSON summary line per poll, the first one as the one-shot CLI prints it.
			expect(JSON.parse(lines.out[0]!)).toEqual(summary);
			expect(JSON.parse(lines.out[1]!)).toMatchObject({
				rowsChanged: 0,
				runId: null,
				seq: changeLog,
				skipped: 'not modified'
			});

			const revised = revisedSnapshot();
			feed.body = revised.text;
			feed.etag = '"v2"';
			const before = results.length;
			await until('the revision', () => results.slice(before).some((r) => r.status === 'ingested'));
			const at = results.findIndex((r, i) => i >= before && r.status === 'ingested');
			await until('two more polls', () => results.length >= at + 3);
			expect(results.slice(before, at).every((r) => r.status === 'not-modified')).toBe(true);
			expect(results[at]).toMatchObject({ summary: { rowsChanged: 1, seq: changeLog + 1 } });
			expect(results.slice(at + 1).map((r) => r.status)).toEqual(
				results.slice(at + 1).map(() => 'not-modified')
			);
			expect(count(db, 'change_log')).toBe(changeLog + 1);
			expect(db.prepare('SELECT * FROM change_log WHERE seq > ?').all(changeLog)).toMatchObject([
				{ iso3: 'ITA', period: '2020-04-15', old: revised.old, new: revised.next }
			]);
			expect(count(db, 'ingest_runs')).toBe(2);
			expect(commits).toBe(2);
			expect(feed.requests.at(-1)!['if-none-match']).toBe('"v2"');
			expect(lines.err).toEqual([]);
		} finally {
			await poller.stop();
			db.close();
			await feed.close();
		}
		// Stopped means stopped: no more requests.
		const requests = feed.requests.length;
		await new Promise((r) => setTimeout(r, 300));
		expect(feed.requests.length).toBe(requests);
	});

	it('skips a body it already ingested when the server sends no validators', async () => {
		const feed = await feedServer();
		const db = openDatabase(join(dir, 'sha.db'));
		const { log, lines } = recorder();
		const poller = new FeedPoller({
			db,
			feed: oxcgrtC8Feed,
			url: feed.url,
			intervalMs: 3_600_000,
			log
		});
		try {
			expect((await poller.poll()).status).toBe('ingested');
			const runs = count(db, 'ingest_runs');
			const changeLog = count(db, 'change_log');
			expect(await poller.poll()).toEqual({ status: 'same-content' });
			expect(feed.requests).toHaveLength(2);
			expect(feed.requests[1]!['if-none-match']).toBeUndefined();
			expect(feed.requests[1]!['if-modified-since']).toBeUndefined();
			expect(count(db, 'ingest_runs')).toBe(runs);
			expect(count(db, 'change_log')).toBe(changeLog);
			expect(JSON.parse(lines.out[1]!)).toMatchObject({ rowsChanged: 0, skipped: 'same content' });

			// Last-Modified alone is a validator too.
			feed.lastModified = 'Thu, 01 Jul 2021 00:00:00 GMT';
			expect((await poller.poll()).status).toBe('same-content');
			expect(await poller.poll()).toEqual({ status: 'not-modified' });
			expect(feed.requests[3]!['if-modified-since']).toBe('Thu, 01 Jul 2021 00:00:00 GMT');
			expect(count(db, 'ingest_runs')).toBe(runs);
		} finally {
			await poller.stop();
			db.close();
			await feed.close();
		}
	});

	it('logs refused inputs and fetch errors and keeps polling, the database untouched', async () => {
		const feed = await feedServer({ body: refusedSnapshot() });
		const db = openDatabase(join(dir, 'refused.db'));
		const results: PollResult[] = [];
		let commits = 0;
		const { log, lines } = recorder();
		const poller = new FeedPoller({
			db,
			feed: oxcgrtC8Feed,
			url: feed.url,
			intervalMs: parseInterval('50ms', { allowSubSecond: true }),
			onCommit: () => commits++,
			onResult: (r) => results.push(r),
			log
		});
		const before = dumpContent(db);
		try {
			poller.start();
			await until('two polls', () => results.length >= 2);
			expect(results[0]!.status).toBe('refused');
			// Reported once: the same refused body again is skipped.
			expect(results[1]!.status).toBe('same-content');
			expect(lines.err).toEqual([
				`${feed.url}:3: 01Jan2020: "7" is not a C8 level (0–4 or missing)`,
				`${feed.url}: refused, database unchanged`
			]);
			expect(JSON.parse(lines.out[0]!)).toMatchObject({ rowsChanged: 0, rejected: 1 });
			expect(dumpContent(db)).toEqual(before);

			feed.status = 500;
			let seen = results.length;
			await until('a failed poll', () => results.slice(seen).some((r) => r.status === 'failed'));
			expect(lines.err.at(-1)).toBe(
				`oxcgrt-c8: ${feed.url}: HTTP 500 Internal Server Error; next try in 50ms`
			);
			expect(JSON.parse(lines.out.at(-1)!)).toMatchObject({
				rowsChanged: 0,
				error: `${feed.url}: HTTP 500 Internal Server Error`
			});
			expect(dumpContent(db)).toEqual(before);
			expect(commits).toBe(0);

			feed.status = 200;
			feed.body = snapshot;
			seen = results.length;
			await until('an ingest', () => results.slice(seen).some((r) => r.status === 'ingested'));
			expect(count(db, 'change_log')).toBeGreaterThan(100_000);
			expect(commits).toBe(1);
		} finally {
			await poller.stop();
			db.close();
			await feed.close();
		}
	});
});

describe('IngestWorker', () => {
	const encode = (text: string) => new TextEncoder().encode(text);

	it('runs ingests in a worker thread on its own connection, refusals as runIngest throws them', async () => {
		const path = join(dir, 'worker.db');
		const db = openDatabase(path);
		const worker = new IngestWorker(path);
		try {
			expect(worker.threadId).toBeNull();
			const bytes = new Uint8Array(readFileSync(C8_SNAPSHOT));
			const summary = await worker.ingest(oxcgrtC8Feed, { source: 'c8.csv', bytes });
			expect(worker.threadId).not.toBe(threadId);
			// Transferred, not copied: this thread's array is detached.
			expect(bytes.byteLength).toBe(0);
			expect(summary).toMatchObject({ feed: 'oxcgrt-c8', source: 'c8.csv', rowsRead: 187 });
			expect(summary.rowsChanged).toBeGreaterThan(100_000);
			// Committed through the worker's connection, seen through this one.
			expect(count(db, 'change_log')).toBe(summary.rowsChanged);
			expect(summary.seq).toBe(summary.rowsChanged);

			// A refusal comes back as the IngestRefusedError this thread's runIngest throws.
			const before = dumpContent(db);
			const refused = await worker
				.ingest(oxcgrtC8Feed, { source: 'bad.csv', bytes: encode(refusedSnapshot()) })
				.catch((err: unknown) => err);
			expect(refused).toBeInstanceOf(IngestRefusedError);
			let local: unknown;
			try {
				runIngest(db, oxcgrtC8Feed, { source: 'bad.csv', text: refusedSnapshot() });
			} catch (err) {
				local = err;
			}
			expect(refusalLines(refused as IngestRefusedError, 'bad.csv')).toEqual(
				refusalLines(local as IngestRefusedError, 'bad.csv')
			);
			expect(refusalLines(refused as IngestRefusedError, 'bad.csv')).toEqual([
				'bad.csv:3: 01Jan2020: "7" is not a C8 level (0–4 or missing)',
				'bad.csv: refused, database unchanged'
			]);
			expect(dumpContent(db)).toEqual(before);

			// A workbook feed parses in a worker of its own (read-excel-file): nested, it works.
			const workbook = await worker.ingest(bilateralRemittancesFeed, {
				source: 'wb.xlsx',
				bytes: readFileSync(WORKBOOK)
			});
			expect(workbook).toMatchObject({ rowsRead: 214, rowsChanged: 11_900 });
			await expect(
				worker.ingest({ ...oxcgrtC8Feed }, { source: 'x.csv', bytes: encode('') })
			).rejects.toThrow('oxcgrt-c8: not a registered feed');
			expect(worker.started).toBe(1);
		} finally {
			await worker.close();
			db.close();
		}
	});

	it('starts again after its thread dies; a run in flight is rejected and writes nothing', async () => {
		const path = join(dir, 'worker-dies.db');
		const db = openDatabase(path);
		const worker = new IngestWorker(path);
		try {
			// Started and ready (a refused input writes nothing).
			await expect(
				worker.ingest(oxcgrtC8Feed, { source: 'bad.csv', bytes: encode(refusedSnapshot()) })
			).rejects.toBeInstanceOf(IngestRefusedError);
			const running = worker.ingest(oxcgrtC8Feed, { source: 'c8.csv', bytes: encode(snapshot) });
			await new Promise((r) => setTimeout(r, 100));
			await worker.terminate();
			await expect(running).rejects.toThrow(/^the ingest worker stopped \(exit code \d+\)$/);
			expect(worker.threadId).toBeNull();
			expect(count(db, 'ingest_runs')).toBe(0);
			expect(count(db, 'change_log')).toBe(0);

			const again = await worker.ingest(oxcgrtC8Feed, {
				source: 'c8.csv',
				bytes: encode(snapshot)
			});
			expect(worker.started).toBe(2);
			expect(again.rowsChanged).toBe(count(db, 'change_log'));

			// close() lets the run in flight finish, then nothing more is taken.
			const last = worker.ingest(oxcgrtC8Feed, {
				source: 'c8.csv',
				bytes: encode(revisedSnapshot().text)
			});
			await worker.close();
			expect((await last).rowsChanged).toBe(1);
			expect(worker.threadId).toBeNull();
			await expect(
				worker.ingest(oxcgrtC8Feed, { source: 'c8.csv', bytes: encode(snapshot) })
			).rejects.toThrow('the ingest worker is closed');
		} finally {
			await worker.close();
			db.close();
		}
	});

	it('is what a FeedPoller can ingest with: same results, same log lines', async () => {
		const feed = await feedServer({ body: refusedSnapshot() });
		const path = join(dir, 'poller-worker.db');
		const db = openDatabase(path);
		const worker = new IngestWorker(path);
		let commits = 0;
		const { log, lines } = recorder();
		const poller = new FeedPoller({
			db,
			feed: oxcgrtC8Feed,
			url: feed.url,
			intervalMs: 3_600_000,
			ingest: (f, input) => worker.ingest(f, input),
			onCommit: () => commits++,
			log
		});
		try {
			expect((await poller.poll()).status).toBe('refused');
			expect(lines.err).toEqual([
				`${feed.url}:3: 01Jan2020: "7" is not a C8 level (0–4 or missing)`,
				`${feed.url}: refused, database unchanged`
			]);
			expect(JSON.parse(lines.out[0]!)).toMatchObject({ rowsChanged: 0, rejected: 1, seq: 0 });
			feed.body = snapshot;
			const result = await poller.poll();
			expect(result.status).toBe('ingested');
			expect(JSON.parse(lines.out[1]!)).toMatchObject({
				feed: 'oxcgrt-c8',
				source: feed.url,
				rowsRead: 187,
				seq: count(db, 'change_log')
			});
			expect(commits).toBe(1);
		} finally {
			await poller.stop();
			await worker.close();
			db.close();
			await feed.close();
		}
	});
});

/** Runs a script with tsx, collecting its output; resolves with the child when it exits. */
function run(args: string[], env: Record<string, string> = {}) {
	// node with tsx's loader, not tsx's CLI: the CLI relays a signal to its child process and,
	// on a busy machine, can die of the SIGTERM itself (exit 143) before the child has exited.
	const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
		cwd: ROOT,
		env: { ...process.env, ...env }
	});
	const out = { stdout: '', stderr: '' };
	child.stdout.on('data', (d: Buffer) => (out.stdout += d));
	child.stderr.on('data', (d: Buffer) => (out.stderr += d));
	const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
	return { child, out, exited };
}

describe('npm run ingest -- <feed> --url U --every I', () => {
	it('polls until SIGTERM, printing a JSON summary per poll, and exits 0', async () => {
		const feed = await feedServer({ etag: '"v1"' });
		const dbPath = join(dir, 'every.db');
		const cli = run([
			join(ROOT, 'scripts', 'ingest.ts'),
			'oxcgrt-c8',
			'--url',
			feed.url,
			'--every',
			'1s',
			'--db',
			dbPath
		]);
		try {
			await until('the first summary line', () => cli.out.stdout.includes('\n'), 30_000);
			expect(JSON.parse(cli.out.stdout.split('\n')[0]!)).toMatchObject({
				feed: 'oxcgrt-c8',
				source: feed.url,
				rowsRead: 187,
				rejected: 0
			});
			await until('a second poll', () => cli.out.stdout.split('\n').length > 2, 10_000);
			expect(JSON.parse(cli.out.stdout.split('\n')[1]!)).toMatchObject({
				rowsChanged: 0,
				skipped: 'not modified'
			});
			cli.child.kill('SIGTERM');
			expect(await cli.exited, cli.out.stderr).toBe(0);
			expect(cli.out.stderr).toContain(`SIGTERM: stopped polling ${feed.url}`);
		} finally {
			cli.child.kill('SIGKILL');
			await feed.close();
		}
		const db = openDatabase(dbPath);
		expect(count(db, 'ingest_runs')).toBe(1);
		db.close();
	});

	it('explains its usage', async () => {
		const script = join(ROOT, 'scripts', 'ingest.ts');
		const noUrl = run([script, 'oxcgrt-c8', '--file', C8_SNAPSHOT, '--every', '1h']);
		expect(await noUrl.exited).toBe(2);
		expect(noUrl.out.stderr).toContain('--every polls a --url');
		const fast = run([script, 'oxcgrt-c8', '--url', 'http://127.0.0.1:1/', '--every', '100ms']);
		expect(await fast.exited).toBe(2);
		expect(fast.out.stderr).toContain('--every: "100ms" is too short');
		const ftp = run([script, 'oxcgrt-c8', '--url', 'ftp://example.org/c8.csv', '--every', '1h']);
		expect(await ftp.exited).toBe(2);
		expect(ftp.out.stderr).toContain('is not an http(s) URL');
	});
});

describe('FEEDS_CONFIG', () => {
	const config = (name: string, content: unknown) => {
		const path = join(dir, name);
		writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
		return path;
	};

	it('is validated entry by entry, naming the file and the index', () => {
		const good = config('good.json', [
			{ feed: 'oxcgrt-c8', url: 'https://example.org/c8.csv', every: '1h' },
			{ feed: 'restrictions', url: 'http://example.org/r.json', every: '15m' }
		]);
		expect(loadFeedsConfig(good)).toHaveLength(2);
		const bad = config('bad.json', [
			{ feed: 'oxcgrt-c8', url: 'https://example.org/c8.csv', every: '1h' },
			{ feed: 'nope', url: 'https://example.org/c8.csv', every: '1h' },
			{ feed: 'oxcgrt-c8', url: 'file:///etc/passwd', every: '1h' },
			{ feed: 'oxcgrt-c8', url: 'https://example.org/c8.csv', every: 'hourly' },
			{ feed: 'oxcgrt-c8', url: 'https://example.org/c8.csv', every: '10ms' },
			{ feed: 'oxcgrt-c8', url: 'https://example.org/c8.csv' }
		]);
		let message = '';
		try {
			loadFeedsConfig(bad);
		} catch (err) {
			expect(err).toBeInstanceOf(FeedsConfigError);
			message = (err as Error).message;
		}
		expect(message.split('\n')).toEqual([
			`FEEDS_CONFIG ${bad} is invalid:`,
			`${bad}: entry 1: feed: unknown feed "nope" (known: ${Object.keys(FEEDS).join(', ')})`,
			`${bad}: entry 2: url: expected an http(s) URL`,
			expect.stringMatching(`^${bad}: entry 3: every: "hourly" is not an interval`),
			`${bad}: entry 4: every: "10ms" is too short: the shortest interval is 1s`,
			expect.stringMatching(`^${bad}: entry 5: every: `)
		]);
		expect(() => loadFeedsConfig(config('object.json', { feed: 'oxcgrt-c8' }))).toThrow(
			/object\.json: .*expected array/
		);
		expect(() => loadFeedsConfig(config('broken.json', '[{'))).toThrow(
			/FEEDS_CONFIG .*broken\.json: .*JSON/
		);
		expect(() => loadFeedsConfig(join(dir, 'missing.json'))).toThrow(
			/FEEDS_CONFIG .*missing\.json: ENOENT/
		);
	});

	it('stops the server at start when invalid', async () => {
		const bad = config('server-bad.json', [
			{ feed: 'oxcgrt-c8', url: 'https://example.org/c8.csv', every: 'often' }
		]);
		const server = run([join(ROOT, 'server.ts')], {
			PORT: '0',
			HOST: '127.0.0.1',
			DATABASE_PATH: join(dir, 'server-bad.db'),
			FEEDS_CONFIG: bad
		});
		const code = await server.exited;
		expect(code).not.toBe(0);
		expect(server.out.stderr).toContain(`${bad}: entry 0: every: "often" is not an interval`);
		expect(server.out.stdout).not.toContain('listening');
	});

	it('polls its feeds in the server, which sends their commits to live clients', async () => {
		const feed = await feedServer({ etag: '"v1"' });
		const path = config('server.json', [{ feed: 'oxcgrt-c8', url: feed.url, every: '1s' }]);
		// nodeArgs: node runs server.ts itself, so SIGTERM reaches it without tsx's relay.
		const server = await startServer({ env: { FEEDS_CONFIG: path }, nodeArgs: [] });
		const client = liveClient(server.url);
		try {
			// The seeded database already holds the snapshot: the first poll changes nothing.
			await until('the first poll', () => /"rowsChanged":0/.test(server.output()));
			const ack = await subscribe(client, { layers: ['border-status'] });
			expect(ack.ok).toBe(true);
			const revised = revisedSnapshot();
			feed.body = revised.text;
			feed.etag = '"v2"';
			const [event] = await client.waitForEvents(1, 10_000);
			expect(event!.items).toMatchObject([
				{ iso3: 'ITA', period: '2020-04-15', old: revised.old, new: revised.next }
			]);
			expect(server.output()).toContain(`feed oxcgrt-c8: polling ${feed.url} every 1s`);
		} finally {
			client.close();
			expect(await server.stop()).toBe(0);
			await feed.close();
		}
	});

	it('ingests in a worker thread: the server keeps answering while a heavy run commits', async () => {
		const feed = await feedServer({ etag: '"v1"' });
		const path = config('server-heavy.json', [{ feed: 'oxcgrt-c8', url: feed.url, every: '1s' }]);
		// nodeArgs: node runs server.ts itself, so SIGTERM reaches it without tsx's relay.
		const server = await startServer({ env: { FEEDS_CONFIG: path }, nodeArgs: [] });
		const client = liveClient(server.url);
		const probes: { at: number; ms: number }[] = [];
		let probing = true;
		try {
			// The first poll parses and diffs the whole snapshot in the worker (nothing changes):
			// the worker has started and warmed up before the measured run.
			await until('the first poll', () => /"rowsChanged":0/.test(server.output()), 30_000);
			expect((await subscribe(client, { layers: ['border-status'] })).ok).toBe(true);
			const prober = (async () => {
				while (probing) {
					const at = performance.now();
					const res = await fetch(`${server.url}/api/health`);
					expect(res.status).toBe(200);
					await res.arrayBuffer();
					probes.push({ at, ms: performance.now() - at });
					await new Promise((r) => setTimeout(r, 20));
				}
			})();
			// Every level shifted by one: the run rewrites every value and every run of levels.
			feed.body = shiftedSnapshot();
			feed.etag = '"v2"';
			const requested = feed.requestTimes.length;
			const [event] = await client.waitForEvents(1, 30_000);
			const committedAt = performance.now();
			await new Promise((r) => setTimeout(r, 200));
			probing = false;
			await prober;

			const changedRun = () =>
				server
					.output()
					.split('\n')
					.filter((line) => line.startsWith('{'))
					.map((line) => JSON.parse(line) as { rowsChanged: number; seq: number })
					.find((s) => s.rowsChanged > 0);
			// The worker checkpoints the WAL after a large run before it reports: with the full C8
			// file (200,000 values) the live event can come well before the summary line.
			await until('the summary line of the run', () => changedRun() !== undefined, 30_000);
			const summary = changedRun();
			expect(summary!.rowsChanged).toBeGreaterThan(100_000);
			// A commit that large reaches live clients as one reload.
			expect(event).toMatchObject({ seq: summary!.seq, reload: ['border-status'] });
			expect(event!.seq - event!.after).toBe(summary!.rowsChanged);

			// The probes that overlapped the run: from the request that fetched the new body
			// to the live event of its commit.
			const startedAt = feed.requestTimes[requested]!;
			const during = probes.filter((p) => p.at + p.ms >= startedAt && p.at <= committedAt);
			const ms = during.map((p) => p.ms).sort((a, b) => a - b);
			const median = ms[Math.floor(ms.length / 2)]!;
			const max = ms.at(-1)!;
			console.log(
				`heavy ingest in the server: ${summary!.rowsChanged} changes, ` +
					`${Math.round(committedAt - startedAt)} ms from request to live event; ` +
					`${ms.length} /api/health probes meanwhile: median ${median.toFixed(1)} ms, ` +
					`max ${max.toFixed(1)} ms`
			);
			expect(ms.length).toBeGreaterThanOrEqual(10);
			expect(median).toBeLessThan(200);
			expect(max).toBeLessThan(1000);
		} finally {
			probing = false;
			client.close();
			expect(await server.stop()).toBe(0);
			await feed.close();
		}
	});
});
