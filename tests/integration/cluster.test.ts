/**
 * Several server processes on one SQLite file behind one real redis-server: every commit
 * reaches every subscriber exactly once whichever process wrote it, presenter views cross
 * processes through the Redis adapter exactly once, a client of a killed process resumes on
 * another without loss or duplicates, and the connection limit is one budget for all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesEvent } from '../../src/lib/domain/live.ts';
import type { CreatedSession, SessionViewEvent } from '../../src/lib/domain/session.ts';
import {
	follow,
	lead,
	liveClient,
	SAMPLE_VIEW,
	subscribe,
	type LiveClient
} from '../support/live.ts';
import { startRedis, type RunningRedis } from '../support/redis.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'cluster-token-0123456789';
const CONNECTIONS_PER_MINUTE = 5;
const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));

let redis: RunningRedis;
const opened: LiveClient[] = [];

// Each client comes from an address of its own (ADDRESS_HEADER), so only the rate-limit test
// spends one address's connection budget.
let addresses = 0;
function client(url: string, address = `10.0.0.${++addresses}`, transports = ['websocket']) {
	const socket = liveClient(url, transports, { 'x-real-ip': address });
	opened.push(socket);
	return socket;
}

function serverEnv(): Record<string, string> {
	return {
		REDIS_URL: redis.url,
		ADMIN_TOKEN: TOKEN,
		ADDRESS_HEADER: 'x-real-ip',
		LIVE_CONNECTIONS_PER_MINUTE: String(CONNECTIONS_PER_MINUTE),
		SESSIONS_PER_HOUR: '1000'
	};
}

/** Every second write sets France from 1 March 2021 to 4, every other to 0: always a change. */
let writes = 0;
async function write(url: string): Promise<number> {
	const response = await fetch(`${url}/api/restrictions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
		body: JSON.stringify({ iso3: 'FRA', effective_from: '2021-03-01', level: writes++ % 2 ? 0 : 4 })
	});
	expect(response.status).toBe(201);
	return ((await response.json()) as { seq: number }).seq;
}

async function subscribed(url: string): Promise<LiveClient> {
	const socket = client(url);
	const ack = await subscribe(socket, { layers: ['border-status'] });
	expect(ack.ok).toBe(true);
	return socket;
}

const seqs = (events: ChangesEvent[]) => events.map((e) => e.seq);
const health = async (url: string) =>
	((await (await fetch(`${url}/api/health`)).json()) as { seq: number }).seq;

beforeAll(async () => {
	redis = await startRedis();
});
afterAll(async () => {
	for (const c of opened) c.close();
	await redis?.stop();
});

describe('two server processes on one database and one Redis', () => {
	let a: RunningServer;
	let b: RunningServer;

	beforeAll(async () => {
		const databasePath = seededDatabaseCopy();
		// A runs as `node --import tsx server.ts` (nodeArgs): its pid is the server's own, for
		// the kill -9 below.
		[a, b] = await Promise.all([
			startServer({ databasePath, env: serverEnv(), nodeArgs: [] }),
			startServer({ databasePath, env: serverEnv() })
		]);
	});
	afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop()]);
	});

	it('delivers a write to either process to the clients of both, exactly once', async () => {
		const onA = await subscribed(a.url);
		const onB = await subscribed(b.url);
		const first = await write(a.url);
		await Promise.all([onA.waitForEvents(1), onB.waitForEvents(1)]);
		const second = await write(b.url);
		await Promise.all([onA.waitForEvents(2), onB.waitForEvents(2)]);
		// Time for a duplicate (through the adapter, or from the other process) to show up.
		await settle();
		expect(seqs(onA.events)).toEqual([first, second]);
		expect(seqs(onB.events)).toEqual([first, second]);
		expect(onA.events[1]!.after).toBe(first);
		expect(onB.events[0]!.items!.length).toBeGreaterThan(0);
	});

	it("brings a presenter's views on A to followers on B (and on A) once each, in order", async () => {
		const created = await fetch(`${a.url}/api/sessions`, { method: 'POST' });
		expect(created.status).toBe(201);
		const { id, presenterKey } = (await created.json()) as CreatedSession;
		const presenter = client(a.url);
		const followers = [client(b.url), client(b.url), client(a.url)];
		const heard = followers.map(() => [] as SessionViewEvent[]);
		followers.forEach((f, i) => f.on('session:view', (event) => heard[i]!.push(event)));
		for (const f of followers) expect((await follow(f, id)).ok).toBe(true);

		const versions: number[] = [];
		for (let step = 1; step <= 5; step++) {
			const ack = await lead(presenter, {
				id,
				key: presenterKey,
				view: { ...SAMPLE_VIEW, story: { id: 'spring-2020', step } }
			});
			expect(ack.ok).toBe(true);
			if (ack.ok) versions.push(ack.version);
		}
		await settle();
		for (const views of heard) {
			expect(views.map((v) => v.version)).toEqual(versions);
			expect(views.map((v) => v.view.story?.step)).toEqual([1, 2, 3, 4, 5]);
		}
	});

	it('holds the connection limit for both processes together', async () => {
		const address = '10.9.9.9';
		const outcome = (socket: LiveClient) =>
			new Promise<'connected' | 'refused'>((resolve) => {
				socket.once('connect', () => resolve('connected'));
				socket.once('connect_error', () => resolve('refused'));
			});
		const results: string[] = [];
		// Alternating between the processes: each alone would allow all of them.
		for (let i = 0; i < CONNECTIONS_PER_MINUTE + 2; i++) {
			results.push(await outcome(client(i % 2 ? b.url : a.url, address)));
		}
		expect(results).toEqual([
			...Array<string>(CONNECTIONS_PER_MINUTE).fill('connected'),
			'refused',
			'refused'
		]);
	});

	it('lets a client of a killed process resume on the other without loss or duplicates', async () => {
		const onA = await subscribed(a.url);
		const before = await write(a.url);
		await onA.waitForEvents(1);
		const last = onA.events.at(-1)!.seq;
		expect(last).toBe(before);

		process.kill(a.pid, 'SIGKILL');
		// Commits made while the client has no server.
		const missed = [await write(b.url), await write(b.url)];

		const resumed = client(b.url);
		const ack = await subscribe(resumed, { layers: ['border-status'], after: last });
		expect(ack.ok).toBe(true);
		await resumed.waitForEvents(2);
		const live = await write(b.url);
		await resumed.waitForEvents(3);
		await settle();
		expect(seqs(resumed.events)).toEqual([...missed, live]);
		expect(resumed.events[0]!.after).toBe(last);
	});
});

describe('npm run start:cluster', () => {
	let cluster: RunningServer;

	beforeAll(async () => {
		cluster = await startServer({
			script: 'scripts/cluster.ts',
			databasePath: seededDatabaseCopy(),
			env: { ...serverEnv(), WORKERS: '2' },
			nodeArgs: []
		});
	});
	afterAll(async () => {
		// SIGTERM to the primary drains both workers; it exits 0 once they have.
		expect(await cluster?.stop()).toBe(0);
	});

	it('serves the app from two workers on one port', async () => {
		expect(cluster.output()).toMatch(/\(2 workers\)/);
		expect(cluster.output().match(/worker \d \(pid \d+\) ready/g)).toHaveLength(2);
		const response = await fetch(`${cluster.url}/api/health`);
		expect(response.status).toBe(200);
		expect(((await response.json()) as { ok: boolean }).ok).toBe(true);
	});

	it('delivers a change to every client exactly once, whichever worker holds it', async () => {
		// Connections go round-robin to the workers: four clients land on both.
		const clients = await Promise.all(Array.from({ length: 4 }, () => subscribed(cluster.url)));
		const seq = await write(cluster.url);
		await Promise.all(clients.map((c) => c.waitForEvents(1)));
		await settle();
		for (const c of clients) expect(seqs(c.events)).toEqual([seq]);
	});

	it('answers /metrics for the whole cluster, whichever worker takes the scrape', async () => {
		const openSockets = async () => {
			const response = await fetch(`${cluster.url}/metrics`);
			expect(response.status).toBe(200);
			const text = await response.text();
			return Number(/^crossings_live_open_sockets (\S+)$/m.exec(text)![1]);
		};
		const before = await openSockets();
		// Round-robin puts some on each worker; each scrape (new connections, also round-robin)
		// must count them all.
		const clients = await Promise.all(Array.from({ length: 5 }, () => subscribed(cluster.url)));
		for (let scrape = 0; scrape < 4; scrape++) expect(await openSockets()).toBe(before + 5);
		for (const c of clients) c.close();
	});

	it('replaces a killed worker; its readers resume on the same URL with nothing lost', async () => {
		const pidOf = (n: number) =>
			Number(new RegExp(`worker ${n} \\(pid (\\d+)\\) ready`).exec(cluster.output())![1]);
		const last = await health(cluster.url);
		process.kill(pidOf(1), 'SIGKILL');
		const until = async (done: () => boolean) => {
			const deadline = Date.now() + 20_000;
			while (!done() && Date.now() < deadline) await settle(50);
		};
		await until(() => cluster.output().includes('worker 1 exited (SIGKILL)'));
		// The other worker serves reads and writes until the replacement is up.
		const missed = [await write(cluster.url), await write(cluster.url)];
		await until(() => cluster.output().match(/worker 1 \(pid/g)!.length === 2);
		expect(cluster.output().match(/worker 1 \(pid/g)).toHaveLength(2);

		// Whichever worker it lands on, a reader that lost its socket resumes from its seq.
		const resumed = client(cluster.url);
		expect((await subscribe(resumed, { layers: ['border-status'], after: last })).ok).toBe(true);
		await resumed.waitForEvents(2);
		await settle();
		expect(seqs(resumed.events)).toEqual(missed);
	});

	it('refuses long-polling, which node:cluster cannot keep on one worker', async () => {
		const polling = client(cluster.url, undefined, ['polling']);
		const error = await new Promise<Error>((resolve) => polling.once('connect_error', resolve));
		expect(error).toBeInstanceOf(Error);
	});
});

describe('a server whose Redis goes away', () => {
	let ownRedis: RunningRedis;
	let server: RunningServer;

	beforeAll(async () => {
		ownRedis = await startRedis();
		server = await startServer({
			databasePath: seededDatabaseCopy(),
			env: { ...serverEnv(), REDIS_URL: ownRedis.url }
		});
	});
	afterAll(async () => {
		await server?.stop();
		await ownRedis?.stop();
	});

	it('keeps serving: limits fall back to memory, commits still reach its clients', async () => {
		await ownRedis.stop();
		const deadline = Date.now() + 5000;
		while (!server.output().includes('Redis unreachable') && Date.now() < deadline)
			await settle(50);
		expect(server.output()).toContain('Redis unreachable');

		// Connecting and subscribing consult the (unreachable) shared limiters.
		const socket = await subscribed(server.url);
		const seq = await write(server.url);
		await socket.waitForEvents(1);
		expect(seqs(socket.events)).toEqual([seq]);
		const created = await fetch(`${server.url}/api/sessions`, { method: 'POST' });
		expect(created.status).toBe(201);
		// A presenter's followers on this process still hear it.
		const { id, presenterKey } = (await created.json()) as CreatedSession;
		const follower = client(server.url);
		const heard: SessionViewEvent[] = [];
		follower.on('session:view', (event) => heard.push(event));
		expect((await follow(follower, id)).ok).toBe(true);
		const ack = await lead(client(server.url), { id, key: presenterKey, view: SAMPLE_VIEW });
		expect(ack.ok).toBe(true);
		await settle(200);
		expect(heard).toHaveLength(1);
	});
});
