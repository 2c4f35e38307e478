/**
 * A reader that stops reading must not grow the server's memory: the production server (a
 * child process) with a small LIVE_MAX_BUFFERED_BYTES, one socket.io client whose TCP socket
 * is paused after it subscribed, one that reads, and large commits written straight into the
 * SQLite file (the server notices them by polling, as it does an ingest CLI's).
 */
import { readFileSync } from 'node:fs';
import type { Socket as NetSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/lib/domain/date.ts';
import type { ChangesEvent } from '../../src/lib/domain/live.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { restrictionsFeed } from '../../src/lib/server/ingest/feeds/restrictions.ts';
import { commitRun } from '../../src/lib/server/ingest/run.ts';
import { liveClient, subscribe, type LiveClient } from '../support/live.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const LIMIT_BYTES = 256 * 1024;
/** Rows per commit: under the watcher's 500 items, so each commit is sent as items. */
const ROWS = 100;
const COMMITS = 60;
/** A long note makes every item about 11 KB: one commit is about 1 MB of JSON per reader. */
const NOTE = 'Quarantine on arrival for all travellers; see the ministry notice. '.repeat(80);

let server: RunningServer;
let db: Db;
const opened: LiveClient[] = [];
let sampler: NodeJS.Timeout | undefined;

/** The server's own node process: startServer's pid is tsx's CLI, which runs it as a child. */
function serverNodePid(): number {
	const children = readFileSync(`/proc/${server.pid}/task/${server.pid}/children`, 'utf8')
		.trim()
		.split(/\s+/)
		.map(Number);
	return children[0] ?? server.pid;
}

function rssBytes(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}

/** One large editor-like commit: ROWS consecutive days of one country, all changed. */
function bigCommit(round: number): number {
	const rows = Array.from({ length: ROWS }, (_, k) => ({
		iso3: 'NZL',
		effectiveFrom: addDays('2021-01-01', k),
		level: ((round + k) % 5) as 0,
		note: `${round}: ${NOTE}`,
		sourceUrl: null
	}));
	return commitRun(db, restrictionsFeed, rows, {
		source: 'test',
		sha256: `big-${round}`,
		rowsRead: ROWS
	}).seq;
}

beforeAll(async () => {
	server = await startServer({ env: { LIVE_MAX_BUFFERED_BYTES: String(LIMIT_BYTES) } });
	db = openDatabase(server.databasePath);
});
afterAll(async () => {
	clearInterval(sampler);
	for (const c of opened) c.close();
	db?.close();
	await server?.stop();
});

describe('a reader that stops reading', () => {
	it('is sent a reload, then dropped, while the server stays small and others get everything', async () => {
		const reader = liveClient(server.url);
		const stalled = liveClient(server.url);
		opened.push(reader, stalled);
		expect((await subscribe(reader, { layers: ['border-status'] })).ok).toBe(true);
		expect((await subscribe(stalled, { layers: ['border-status'] })).ok).toBe(true);
		const stalledDisconnect = new Promise<string>((r) => stalled.on('disconnect', r));
		// Stop reading: the kernel's buffers fill, then the server's would, without a limit.
		const tcp = (stalled.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws
			._socket;
		tcp.pause();

		const pid = serverNodePid();
		const rssBefore = rssBytes(pid);
		let rssPeak = rssBefore;
		sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(pid))), 20);
		let bytesToReader = 0;
		reader.on('changes', (event) => (bytesToReader += JSON.stringify(event).length));

		let lastSeq = 0;
		for (let round = 0; round < COMMITS; round++) {
			lastSeq = bigCommit(round);
			// Let the watcher's poll see most commits one by one, as separate events.
			if (round % 4 === 3) await new Promise((r) => setTimeout(r, 60));
		}
		const lastEvent = (events: ChangesEvent[]) => events.at(-1)?.seq ?? 0;
		const deadline = Date.now() + 30_000;
		while (lastEvent(reader.events) < lastSeq && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 50));
		clearInterval(sampler);

		// The reader that keeps up got every commit, in order, each as its items.
		expect(lastEvent(reader.events)).toBe(lastSeq);
		for (let i = 1; i < reader.events.length; i++)
			expect(reader.events[i]!.after).toBe(reader.events[i - 1]!.seq);
		expect(reader.events.every((e) => e.items?.length === ROWS)).toBe(true);

		// The server counted one reload and one drop.
		const metrics = await (await fetch(`${server.url}/metrics`)).text();
		expect(metrics).toMatch(/crossings_live_slow_consumers_total\{action="reload"\} 1\b/);
		expect(metrics).toMatch(/crossings_live_slow_consumers_total\{action="disconnect"\} 1\b/);

		// Reading again, the stalled client finds what the kernel held, a reload, then the end.
		tcp.resume();
		expect(await stalledDisconnect).toBe('io server disconnect');
		expect(stalled.events.some((e) => e.reload?.includes('border-status'))).toBe(true);
		expect(stalled.events.length).toBeLessThan(reader.events.length);

		// Unbounded, the server would have held about what the reader was sent (~35 MB) for the
		// stalled socket; bounded, it grows by the limit plus the kernel's share and its own churn.
		const growth = rssPeak - rssBefore;
		console.log(
			`sent to the reader ${(bytesToReader / 2 ** 20).toFixed(1)} MiB; server RSS ${(rssBefore / 2 ** 20).toFixed(0)} → peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB`
		);
		expect(bytesToReader).toBeGreaterThan(25 * 2 ** 20);
		expect(growth).toBeLessThan(bytesToReader / 2);
	}, 90_000);
});
