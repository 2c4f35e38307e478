/**
 * The World Bank API answers in pages. A run of `wb-indicator` against an API URL (the CLI's
 * `--url`, a scheduled poll) reads every page and ingests the whole answer; a page that cannot
 * be fetched fails the run, naming the URL and the page, and nothing is written; one page of
 * several is never taken for the whole. The API is played by a node:http server on port 0
 * answering real values of the bundled BX file.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastSeq } from '../../src/lib/server/db/changeLog.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { downloadFeed } from '../../src/lib/server/ingest/download.ts';
import { FEEDS } from '../../src/lib/server/ingest/feeds/index.ts';
import { IngestRefusedError } from '../../src/lib/server/ingest/problem.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { FeedPoller, type PollResult } from '../../src/lib/server/ingest/schedule.ts';
import { readSource } from '../../src/lib/server/ingest/source.ts';
import { downloadWorldBankApi, pageUrl } from '../../src/lib/server/ingest/worldBankPages.ts';
import { dumpContent } from '../support/db.ts';
import { ROOT, tempDir } from '../support/server.ts';
import { apiMeta, apiRow } from '../support/worldBankApi.ts';

const wb = FEEDS['wb-indicator']!;

// Real BX values (received, current US$) of eleven economies and the world, 2015–2019, read
// from the bundled file independently of the app's parser: 60 rows, 3 pages of 25.
const CODES = ['MEX', 'IND', 'PHL', 'GTM', 'SLV', 'HND', 'NGA', 'EGY', 'XKX', 'KOR', 'WLD', 'CHN'];
const YEARS = ['2019', '2018', '2017', '2016', '2015'];
const ROWS = (() => {
	const text = readFileSync(
		join(ROOT, 'data', 'worldbank-wdi', 'API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv'),
		'utf8'
	);
	const records = parse(text, { bom: true, relax_column_count: true, from_line: 5 }) as string[][];
	const header = records[0]!;
	const rows: ReturnType<typeof apiRow>[] = [];
	for (const code of CODES) {
		const record = records.find((r) => r[1] === code)!;
		for (const year of YEARS) {
			const cell = record[header.indexOf(year)]!;
			rows.push(apiRow(code, record[0]!, year, cell === '' ? null : Number(cell)));
		}
	}
	return rows;
})();
const PER_PAGE = 25;
const PAGES = Math.ceil(ROWS.length / PER_PAGE);

interface Api {
	url: string;
	/** Pages asked for, in order. */
	asked: number[];
	/** A page that answers this status instead of its rows. */
	failing: { page: number; status: number } | null;
	/** Page 2 onward describe an answer of this many rows (the data changed meanwhile). */
	totalAfterFirst: number | null;
	close(): Promise<void>;
}

async function worldBankApi(): Promise<Api> {
	const state: Api = {
		url: '',
		asked: [],
		failing: null,
		totalAfterFirst: null,
		close: async () => {}
	};
	const server = createServer((req, res) => {
		const url = new URL(req.url!, 'http://x');
		const page = Number(url.searchParams.get('page') ?? '1');
		state.asked.push(page);
		if (state.failing?.page === page) {
			return void res.writeHead(state.failing.status).end('Service Unavailable');
		}
		const total = page > 1 && state.totalAfterFirst !== null ? state.totalAfterFirst : ROWS.length;
		const rows = ROWS.slice((page - 1) * PER_PAGE, page * PER_PAGE);
		const body = JSON.stringify([apiMeta(page, PAGES, PER_PAGE, total), rows]);
		res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(body);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as { port: number };
	state.url = `http://127.0.0.1:${port}/v2/country/all/indicator/BX.TRF.PWKR.CD.DT?format=json&date=2015:2019&per_page=${PER_PAGE}`;
	state.close = () => new Promise<void>((r) => server.close(() => r()));
	return state;
}

let dir: string;
let api: Api;
let n = 0;
const fresh = (): Db => openDatabase(join(dir, `paging-${++n}.db`));
const received = (db: Db) =>
	db
		.prepare(
			"SELECT iso3, year, value FROM remittance WHERE measure = 'received' ORDER BY iso3, year"
		)
		.all() as { iso3: string; year: number; value: number }[];
/** What the database must hold after the whole answer: every economy's non-empty value. */
const expected = ROWS.filter((r) => r.countryiso3code !== 'WLD' && r.value !== null)
	.map((r) => ({ iso3: r.countryiso3code, year: Number(r.date), value: r.value }))
	.sort((a, b) => a.iso3.localeCompare(b.iso3) || a.year - b.year);

beforeAll(async () => {
	dir = tempDir();
	api = await worldBankApi();
	expect(PAGES).toBe(3);
});
afterAll(async () => {
	await api?.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('a World Bank API answer in pages', () => {
	it('is read to its last page by a scheduled poll and ingested whole', async () => {
		api.asked = [];
		api.failing = null;
		const db = fresh();
		const lines: string[] = [];
		const poller = new FeedPoller({
			db,
			feed: wb,
			url: api.url,
			intervalMs: 3_600_000,
			log: { log: (l) => lines.push(l), error: (l) => lines.push(l) }
		});
		const result = await poller.poll();
		expect(result.status).toBe('ingested');
		const summary = (result as Extract<PollResult, { status: 'ingested' }>).summary;
		expect(summary).toMatchObject({ feed: 'wb-indicator', rowsRead: ROWS.length, rejected: 0 });
		expect(api.asked).toEqual([1, 2, 3]);
		expect(received(db)).toEqual(expected);
		// The world's values are kept apart, from all pages too.
		const world = db
			.prepare("SELECT count(*) FROM aggregate_value WHERE code = 'WLD'")
			.pluck()
			.get();
		expect(world).toBe(5);
		// The same answer again: read again (no validators for a paged answer), same content.
		expect(await poller.poll()).toEqual({ status: 'same-content' });
		await poller.stop();
		db.close();
	});

	it('is read whole by the CLI path (readSource with the feed’s download)', async () => {
		const db = fresh();
		const input = await readSource({ url: api.url }, { download: wb.download });
		expect(runIngest(db, wb, input).rowsRead).toBe(ROWS.length);
		expect(received(db)).toEqual(expected);
		db.close();
	});

	it('never takes page 1 alone for the whole answer', async () => {
		const db = fresh();
		const one = await downloadFeed(api.url);
		expect(one.status).toBe('fetched');
		const bytes = (one as { bytes: Uint8Array }).bytes;
		expect(() => runIngest(db, wb, { source: api.url, bytes })).toThrow(IngestRefusedError);
		expect(() => runIngest(db, wb, { source: api.url, bytes })).toThrow(
			`${api.url}:0: json: the input holds page 1 of the answer's 3`
		);
		expect(lastSeq(db)).toBe(0);
		db.close();
	});

	it('fails when its second page cannot be fetched, naming the URL and the page, writing nothing', async () => {
		api.asked = [];
		api.failing = { page: 2, status: 503 };
		const db = fresh();
		const before = dumpContent(db);
		const errors: string[] = [];
		const poller = new FeedPoller({
			db,
			feed: wb,
			url: api.url,
			intervalMs: 3_600_000,
			log: { log: () => {}, error: (l) => errors.push(l) }
		});
		const result = await poller.poll();
		expect(result.status).toBe('failed');
		const message = (result as { error: Error }).error.message;
		expect(message).toBe(
			`${api.url}: page 2 of 3 (${pageUrl(api.url, 2)}): HTTP 503 Service Unavailable`
		);
		expect(errors.join('\n')).toContain('page 2 of 3');
		expect(api.asked).toEqual([1, 2]);
		expect(dumpContent(db)).toEqual(before);
		await poller.stop();
		db.close();
		api.failing = null;
	});

	it('fails when the answer changes between its pages', async () => {
		api.totalAfterFirst = ROWS.length + 1;
		try {
			await expect(downloadWorldBankApi(api.url)).rejects.toThrow(
				`${api.url}: page 2 of 3 (${pageUrl(api.url, 2)}): it says page 2 of 3 (61 rows, 25 a page) where page 1 said 3 pages (60 rows, 25 a page): the answer changed while it was read`
			);
		} finally {
			api.totalAfterFirst = null;
		}
	});

	it('fails the CLI run with the URL and the page on stderr, leaving the database as it was', async () => {
		api.failing = { page: 3, status: 500 };
		const path = join(dir, 'cli.db');
		openDatabase(path).close();
		const child = spawn(
			process.execPath,
			['--import', 'tsx', 'scripts/ingest.ts', 'wb-indicator', '--url', api.url, '--db', path],
			{ cwd: ROOT }
		);
		let stderr = '';
		child.stderr.on('data', (d: Buffer) => (stderr += d));
		const code = await new Promise<number | null>((r) => child.on('close', r));
		api.failing = null;
		expect(code).not.toBe(0);
		expect(stderr).toContain(`${api.url}: page 3 of 3 (${pageUrl(api.url, 3)}): HTTP 500`);
		const db = openDatabase(path);
		expect(lastSeq(db)).toBe(0);
		expect(db.prepare('SELECT count(*) FROM ingest_runs').pluck().get()).toBe(0);
		db.close();
	});
});
