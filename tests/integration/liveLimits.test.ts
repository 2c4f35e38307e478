/**
 * The /live namespace under pressure, in process: a real HTTP server on port 0 with
 * attachLive and small limits, a real SQLite file, real socket.io clients.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesEvent } from '../../src/lib/domain/live.ts';
import { loadConfig } from '../../src/lib/server/config.ts';
import type { ServerContext } from '../../src/lib/server/context.ts';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import { restrictionsFeed } from '../../src/lib/server/ingest/feeds/restrictions.ts';
import { commitRun } from '../../src/lib/server/ingest/run.ts';
import { attachLive, originAllowed, type Live } from '../../src/lib/server/live/socket.ts';
import { liveClient, subscribe, type LiveClient } from '../support/live.ts';
import { tempDir } from '../support/server.ts';

const LIMITS = {
	connectionsPerMinute: 40,
	subscribesPerMinute: 1000,
	subscribesPerSocketPerMinute: 4,
	replayMaxCommits: 30,
	replayMaxItems: 60,
	replayPageItems: 2
};

let http: HttpServer;
let live: Live;
let ctx: ServerContext;
let url: string;
let day = 0;

/** One editor's commit of one change, as the API makes it (and pokes the watcher). */
function commit(iso3 = 'NZL'): number {
	day++;
	const effectiveFrom = `2021-${String(1 + Math.floor(day / 28)).padStart(2, '0')}-${String(1 + (day % 28)).padStart(2, '0')}`;
	const summary = commitRun(
		ctx.db,
		restrictionsFeed,
		[{ iso3, effectiveFrom, level: (day % 5) as 0, note: null, sourceUrl: null }],
		{ source: 'test', sha256: String(day), rowsRead: 1 }
	);
	ctx.live?.poke();
	return summary.seq;
}

const seqNow = () => live.watcher.seq;
const tick = () => new Promise((r) => setImmediate(r));
const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));
const opened: LiveClient[] = [];
function client(): LiveClient {
	const c = liveClient(url);
	opened.push(c);
	return c;
}

beforeAll(async () => {
	const db = openDatabase(join(tempDir(), 'limits.db'));
	ctx = { config: loadConfig({ ORIGIN: 'https://crossings.example' }), db };
	http = createServer();
	live = attachLive(http, ctx, { limits: LIMITS });
	await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
	url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
});
afterAll(async () => {
	for (const c of opened) c.close();
	await live.close();
	ctx.db.close();
});

describe('replay', () => {
	it('pages through a catch-up while commits keep coming, with no gap, repeat or reorder', async () => {
		const from = seqNow();
		for (let i = 0; i < 20; i++) commit();
		await settle(50);
		const c = client();
		const acked = subscribe(c, { layers: ['border-status'], after: from });
		// Commit between the replay's pages: each page yields to the event loop.
		for (let i = 0; i < 8; i++) {
			await tick();
			commit('AUS');
		}
		const ack = await acked;
		expect(ack.ok).toBe(true);
		await c.waitForEvents(28);
		await settle();
		const seqs = c.events.map((e) => e.seq);
		expect(seqs).toHaveLength(28);
		expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
		// Each event names the one before it: the chain from `from` is unbroken.
		expect(c.events.map((e) => e.after)).toEqual([from, ...seqs.slice(0, -1)]);
		expect(c.events.every((e) => e.items?.length === 1)).toBe(true);
	});

	it('sends a subscriber too many commits behind a reload instead of a replay', async () => {
		const from = seqNow();
		for (let i = 0; i < LIMITS.replayMaxCommits + 1; i++) commit();
		await settle(50);
		const c = client();
		const ack = await subscribe(c, { layers: ['border-status', 'remittances'], after: from });
		expect(ack).toEqual({ ok: true, seq: seqNow() });
		await settle();
		expect(c.events).toEqual([
			{ seq: seqNow(), after: from, reload: ['border-status', 'remittances'] }
		] satisfies ChangesEvent[]);
		// Then it is live like everyone else.
		const next = commit();
		await c.waitForEvents(2);
		expect(c.events[1]).toMatchObject({ seq: next, after: seqNow() - 1 });
	});

	it('sends a subscriber too many changes behind a reload, even in few commits', async () => {
		const from = seqNow();
		// One commit of more changes than the replay budget (but fewer than a live reload).
		const rows = Array.from({ length: LIMITS.replayMaxItems + 5 }, (_, i) => ({
			iso3: 'DEU',
			effectiveFrom: `2020-0${1 + Math.floor(i / 28)}-${String(1 + (i % 28)).padStart(2, '0')}`,
			level: (i % 5) as 0,
			note: null,
			sourceUrl: null
		}));
		commitRun(ctx.db, restrictionsFeed, rows, {
			source: 'test',
			sha256: 'big',
			rowsRead: rows.length
		});
		ctx.live?.poke();
		await settle(50);
		const c = client();
		await subscribe(c, { layers: ['border-status'], after: from });
		await c.waitForEvents(1);
		expect(c.events).toEqual([{ seq: seqNow(), after: from, reload: ['border-status'] }]);
	});
});

describe('subscriptions', () => {
	it('serves one subscription at a time per socket', async () => {
		const c = client();
		const from = seqNow() - 10;
		const [first, second] = await Promise.all([
			subscribe(c, { layers: ['border-status'], after: from }),
			subscribe(c, { layers: ['border-status'], after: from })
		]);
		expect(first.ok).toBe(true);
		expect(second).toMatchObject({ ok: false, error: expect.stringMatching(/still being served/) });
	});

	it('refuses a socket that subscribes too often, saying when to come back', async () => {
		const c = client();
		const acks = [];
		for (let i = 0; i < LIMITS.subscribesPerSocketPerMinute + 1; i++) {
			acks.push(await subscribe(c, { layers: ['border-status'] }));
		}
		expect(acks.slice(0, -1).every((a) => a.ok)).toBe(true);
		const refused = acks.at(-1)!;
		expect(refused.ok).toBe(false);
		if (!refused.ok) {
			expect(refused.error).toMatch(/too many subscriptions/);
			expect(refused.retryAfterMs).toBeGreaterThan(0);
		}
	});
});

describe('connections', () => {
	const attempt = (headers: Record<string, string> = {}) =>
		new Promise<'connected' | string>((resolve) => {
			const socket = connect(`${url}/live`, {
				transports: ['websocket'],
				forceNew: true,
				reconnection: false,
				extraHeaders: headers
			});
			socket.on('connect', () => {
				socket.close();
				resolve('connected');
			});
			socket.on('connect_error', (err) => {
				socket.close();
				resolve(err.message);
			});
		});

	it('admits pages of this app and clients without an Origin, and no other site', async () => {
		expect(await attempt()).toBe('connected');
		expect(await attempt({ origin: 'https://crossings.example' })).toBe('connected');
		expect(await attempt({ origin: url })).toBe('connected');
		expect(await attempt({ origin: 'https://evil.example' })).not.toBe('connected');
		expect(await attempt({ origin: 'null' })).not.toBe('connected');
	});

	it('limits new connections per address', async () => {
		const results: string[] = [];
		// The earlier tests used some of this minute's connections already.
		for (let i = 0; i < LIMITS.connectionsPerMinute + 1; i++) results.push(await attempt());
		expect(results.at(-1)).not.toBe('connected');
		expect(results.filter((r) => r === 'connected').length).toBeLessThan(
			LIMITS.connectionsPerMinute
		);
	});
});

describe('originAllowed', () => {
	it('reads the Origin header as a URL and compares origins, not prefixes', () => {
		expect(originAllowed(undefined, 'a.example', null)).toBe(true);
		expect(originAllowed('https://a.example', 'a.example', null)).toBe(true);
		expect(originAllowed('http://a.example:3000', 'a.example:3000', null)).toBe(true);
		expect(originAllowed('https://a.example.evil.com', 'a.example', null)).toBe(false);
		expect(originAllowed('https://b.example', 'a.example', 'https://b.example/')).toBe(true);
		expect(originAllowed('https://c.example', 'a.example', 'https://b.example')).toBe(false);
		expect(originAllowed('null', 'a.example', null)).toBe(false);
		expect(originAllowed('file://', 'a.example', null)).toBe(false);
		expect(originAllowed('not a url', 'a.example', null)).toBe(false);
	});
});
