/**
 * Scale: the live server against a bare Socket.IO server and a raw `ws` server in the same run,
 * on this machine; two server processes behind Redis; a replica's lag behind its primary.
 *
 * - fan-out: one editor's write (POST /api/restrictions) reaching N subscribed clients, p50/p95/
 *   p99 of receipt minus the moment before the POST, beside two baselines in child processes
 *   that emit the JSON of a real `changes` event on an HTTP POST: a bare Socket.IO server
 *   (websocket only, one room) and a bare `ws` WebSocketServer (encoded once, sent to each).
 *   Also per round, their medians printed: the first client's receipt (what a write costs
 *   before its first byte goes out) and when the POST was answered (after the send loop).
 * - two processes behind Redis: two Crossings servers on one SQLite file with REDIS_URL, half
 *   the clients on each, the editor's write to the first; beside the single process and bare
 *   Socket.IO of the same rounds. Each client must get each seq exactly once: lost (not within
 *   DELIVERY_TIMEOUT_MS) and duplicated deliveries are counted per client, for every server.
 * - The kinds of server are measured in one batch per N, their rounds interleaved (so load from
 *   elsewhere falls on all of them alike), as long as the client processes have descriptors for
 *   all their sockets at once; past that (10,000 clients) in two batches, each with its own
 *   Crossings and bare Socket.IO rounds to compare with.
 * - replica lag: a primary (REPLICATION_TOKEN) and a replica (ROLE=replica, own file) on a Redis
 *   of their own, one subscribed client on each; SCALE_REPLICA_WRITES editor writes on the
 *   primary, spaced; the replica client's receipt minus the moment before the POST, beside the
 *   primary client's, and the replica's receipt minus the primary's. Then, in this process on
 *   two copies of the file, what one write's stream entry costs to make and to apply.
 * - heap per idle connection: heapUsed after N idle subscribed sockets minus before, over N
 *   (the server's own `nodejs_heap_size_used_bytes`, the bare servers' process.memoryUsage()),
 *   each sample after a full GC (the server through its inspector, the baselines with
 *   --expose-gc), the least of a few once the sockets settle, on every side.
 * - reconnect storm: N clients with the browser's back-off (RECONNECT_BACKOFF), the server
 *   stopped with SIGTERM and started again on the same port and file; the time from the
 *   SIGTERM, and from the new server's "listening", until every client has re-subscribed.
 *
 * Clients live in CLIENT_PROCS child processes (this file, forked). Every process stamps with
 * `performance.timeOrigin + performance.now()` (one machine, one clock). Everything started here
 * (servers, redis-servers, children, the temp folder) is stopped and removed again, on failure
 * and on SIGINT/SIGTERM too. Run alone with `npm run bench -- --only scale` (after `npm run
 * build`); SCALE_SIZES=1000,5000,10000 SCALE_ROUNDS=40 SCALE_REPLICA_WRITES=60 to explore.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { WebSocket, WebSocketServer } from 'ws';
import { RECONNECT_BACKOFF } from '../src/lib/domain/live.ts';
import { lastSeq } from '../src/lib/server/db/changeLog.ts';
import { countryResolver } from '../src/lib/server/db/countries.ts';
import { openDatabase } from '../src/lib/server/db/open.ts';
import {
	restrictionsFeed,
	validateRestriction
} from '../src/lib/server/ingest/feeds/restrictions.ts';
import { commitRun } from '../src/lib/server/ingest/run.ts';
import { applyEntry, commitEntries } from '../src/lib/server/replication/entries.ts';
import { ingestBundledSnapshots } from '../src/lib/server/seed.ts';
import { startRedis, type RunningRedis } from '../tests/support/redis.ts';
import {
	ROOT,
	freePort,
	startServer,
	tempDir,
	type RunningServer
} from '../tests/support/server.ts';

const SIZES = (process.env.SCALE_SIZES ?? '1000,5000').split(',').map(Number);
const ROUNDS = Number(process.env.SCALE_ROUNDS ?? 20);
const IDLE_CLIENTS = Number(process.env.SCALE_IDLE ?? 5000);
const STORM_CLIENTS = Number(process.env.SCALE_STORM ?? 5000);
const REPLICA_WRITES = Number(process.env.SCALE_REPLICA_WRITES ?? 40);
/** SCALE_VERBOSE=1 prints every round: first, median and last receipt, and the POST's answer. */
const VERBOSE = Boolean(process.env.SCALE_VERBOSE);
const CLIENT_PROCS = 2;
const CONNECT_CONCURRENCY = 100;
const DELIVERY_TIMEOUT_MS = 10_000;
/** Between two rounds; the replica's writes also vary by up to SPACING_JITTER_MS. */
const SPACING_MS = 300;
const SPACING_JITTER_MS = 100;
/** A client process that does not answer within this is taken for dead: the bench stops. */
const REPLY_TIMEOUT_MS = 180_000;
const TOKEN = 'bench-scale-token-0123456789';
const REPLICATION_TOKEN = 'bench-scale-replication-0123456789';
const FILE = fileURLToPath(import.meta.url);
/** The targets from the issue. */
const TARGET_P99_RATIO = 1.2;
const TARGET_P99_10K_MS = 300;
const TARGET_HEAP_BYTES = 15 * 1024;
const TARGET_STORM_MS = 15_000;
const TARGET_REPLICA_P99_MS = 250;

/**
 * crossings: one server process; cluster: two on one file behind Redis; replica: a primary's
 * and a replica's client; bare: bare Socket.IO; ws: a bare `ws` server (no Socket.IO at all).
 */
type Kind = 'crossings' | 'bare' | 'ws' | 'cluster' | 'replica';
type FanoutKind = Exclude<Kind, 'replica'>;
const KIND_NAMES: Record<Kind, string> = {
	crossings: 'Crossings',
	bare: 'bare Socket.IO',
	ws: 'raw ws',
	cluster: '2 processes + Redis',
	replica: 'primary/replica'
};
interface Target {
	url: string;
	count: number;
}
type ToClients =
	| { type: 'connect'; kind: Kind; targets: Target[]; reconnect: boolean }
	| { type: 'collect'; kind: Kind; seq: number }
	| { type: 'tally' }
	| { type: 'storm' }
	| { type: 'close' };
type FromClients =
	| { type: 'connected'; kind: Kind; n: number; failed: number; error?: string }
	| {
			type: 'times';
			kind: Kind;
			seq: number;
			times: number[];
			/** The index in `targets` of the server each receipt came through. */
			targets: number[];
			sample?: string;
	  }
	| {
			type: 'tally';
			/** A seq a client had already received, again. */
			duplicates: Partial<Record<Kind, number>>;
			/** A seq received only after it had been reported (so counted lost). */
			late: Partial<Record<Kind, number>>;
	  }
	| { type: 'resubscribed'; at: number };

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Client process.

interface Receipt {
	/** Receipts per socket (by its index among the kind's sockets). */
	counts: Uint8Array;
	times: number[];
	targets: number[];
	reported: boolean;
	done?: () => void;
}

function clientProcess(): void {
	const send = (m: FromClients) => process.send!(m);
	const held: Record<Kind, { close(): void }[]> = {
		crossings: [],
		bare: [],
		ws: [],
		cluster: [],
		replica: []
	};
	const receipts = new Map<string, Receipt>();
	const duplicates: Partial<Record<Kind, number>> = {};
	const late: Partial<Record<Kind, number>> = {};
	let sample: string | undefined;
	let sampleSent = false;
	let resubscribed = 0;
	let storming = false;

	function receiptOf(kind: Kind, seq: number): Receipt {
		const key = `${kind}:${seq}`;
		let r = receipts.get(key);
		if (!r) {
			r = { counts: new Uint8Array(held[kind].length), times: [], targets: [], reported: false };
			receipts.set(key, r);
		}
		return r;
	}

	function received(kind: Kind, index: number, target: number, seq: number) {
		const at = now();
		if (index < 0) return;
		const r = receiptOf(kind, seq);
		if (r.counts[index]!++ > 0) {
			duplicates[kind] = (duplicates[kind] ?? 0) + 1;
			return;
		}
		if (r.reported) {
			late[kind] = (late[kind] ?? 0) + 1;
			return;
		}
		r.times.push(at);
		r.targets.push(target);
		if (r.times.length === held[kind].length) r.done?.();
	}

	/** A socket.io client on /live that subscribes on every (re)connect, as the page does. */
	function openLive(
		kind: Kind,
		url: string,
		target: number,
		reconnect: boolean
	): Promise<string | null> {
		return new Promise((resolve) => {
			let index = -1;
			const socket: Socket = connect(`${url}/live`, {
				transports: ['websocket'],
				forceNew: true,
				reconnection: reconnect,
				...RECONNECT_BACKOFF
			});
			socket.on('changes', (event: { seq: number }) => {
				if (kind === 'crossings' && !sample) sample = JSON.stringify(event);
				received(kind, index, target, event.seq);
			});
			socket.on('connect', () => {
				socket.emit('subscribe', { layers: ['border-status'] }, (ack: { ok: boolean }) => {
					if (index >= 0) {
						if (ack.ok && storming && ++resubscribed === held[kind].length) {
							storming = false;
							send({ type: 'resubscribed', at: now() });
						}
						return;
					}
					if (!ack.ok) {
						socket.close();
						return resolve('subscribe refused');
					}
					index = held[kind].push(socket) - 1;
					resolve(null);
				});
			});
			socket.on('connect_error', (err) => {
				if (!reconnect && index < 0) resolve(err.message);
			});
		});
	}

	function openWs(url: string, target: number): Promise<string | null> {
		return new Promise((resolve) => {
			let index = -1;
			const socket = new WebSocket(url.replace(/^http/, 'ws'));
			socket.on('message', (data) => {
				received('ws', index, target, (JSON.parse(String(data)) as { seq: number }).seq);
			});
			socket.once('error', (err) => {
				if (index < 0) resolve(err.message);
			});
			socket.once('open', () => {
				index = held.ws.push(socket) - 1;
				resolve(null);
			});
		});
	}

	async function open(m: Extract<ToClients, { type: 'connect' }>) {
		let failed = 0;
		let error: string | undefined;
		const queue = m.targets.flatMap((t, target) =>
			Array.from({ length: t.count }, () => ({ url: t.url, target }))
		);
		let next = 0;
		const worker = async () => {
			while (next < queue.length) {
				const { url, target } = queue[next++]!;
				const problem = await (m.kind === 'ws'
					? openWs(url, target)
					: openLive(m.kind, url, target, m.reconnect));
				if (problem !== null) {
					failed++;
					error ??= problem;
				}
			}
		};
		await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
		send({ type: 'connected', kind: m.kind, n: held[m.kind].length, failed, error });
	}

	process.on('message', (m: ToClients) => {
		if (m.type === 'connect') void open(m);
		else if (m.type === 'collect') {
			const r = receiptOf(m.kind, m.seq);
			const done = () => {
				clearTimeout(timer);
				r.done = undefined;
				r.reported = true;
				const reply: FromClients = {
					type: 'times',
					kind: m.kind,
					seq: m.seq,
					times: r.times,
					targets: r.targets
				};
				if (sample && !sampleSent) {
					reply.sample = sample;
					sampleSent = true;
				}
				send(reply);
				r.times = [];
				r.targets = [];
			};
			const timer = setTimeout(done, DELIVERY_TIMEOUT_MS);
			if (r.times.length >= held[m.kind].length) done();
			else r.done = done;
		} else if (m.type === 'tally') {
			send({ type: 'tally', duplicates: { ...duplicates }, late: { ...late } });
		} else if (m.type === 'storm') {
			resubscribed = 0;
			storming = true;
		} else if (m.type === 'close') {
			for (const kind of Object.keys(held) as Kind[]) {
				for (const s of held[kind]) s.close();
				held[kind] = [];
			}
			receipts.clear();
			for (const kind of Object.keys(duplicates) as Kind[]) delete duplicates[kind];
			for (const kind of Object.keys(late) as Kind[]) delete late[kind];
		}
	});
	// The orchestrator is gone: so is the reason to hold sockets.
	process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// Baseline processes: what Socket.IO alone, and `ws` alone, cost for the same sockets and events.

/** GET /heap answers heapUsed; a POST sends its body to every client with `broadcast`. */
function baselineHttp(broadcast: (body: string) => void) {
	return createServer((req, res) => {
		if (req.url === '/heap') {
			// Forked with --expose-gc: what the sockets hold, not garbage not yet collected.
			(globalThis as { gc?: () => void }).gc?.();
			return void res.end(String(process.memoryUsage().heapUsed));
		}
		let body = '';
		req.on('data', (d: Buffer) => (body += d));
		req.on('end', () => {
			broadcast(body);
			res.end('ok');
		});
	});
}

function listenAndReport(http: ReturnType<typeof createServer>) {
	http.listen(0, '127.0.0.1', () => process.send!({ port: (http.address() as AddressInfo).port }));
	process.on('disconnect', () => process.exit(0));
}

function bareProcess(): void {
	const http = baselineHttp((body) =>
		live.to('layers:border-status').emit('changes', JSON.parse(body))
	);
	const io = new Server(http, { transports: ['websocket'], serveClient: false });
	const live = io.of('/live');
	live.on('connection', (socket) => {
		socket.on('subscribe', (_request: unknown, ack: (a: object) => void) => {
			void socket.join('layers:border-status');
			ack({ ok: true, seq: 0 });
		});
	});
	listenAndReport(http);
}

function wsProcess(): void {
	// Encoded once, framed per client: the usual ws broadcast loop.
	const http = baselineHttp((body) => {
		const payload = Buffer.from(body);
		for (const client of wss.clients)
			if (client.readyState === WebSocket.OPEN) client.send(payload, { binary: false });
	});
	const wss = new WebSocketServer({ server: http });
	listenAndReport(http);
}

// ---------------------------------------------------------------------------------------------
// Orchestrator.

function quantile(sorted: number[], q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
const QUANTILES = [
	['p50', 0.5],
	['p95', 0.95],
	['p99', 0.99]
] as const;

/** `total` split in `parts`, the remainder to the first ones: part `i`. */
const share = (total: number, parts: number, i: number) =>
	Math.floor(total / parts) + (i < total % parts ? 1 : 0);

class Clients {
	procs: ChildProcess[] = [];
	#exited: Promise<never>;
	constructor() {
		const exits: Promise<never>[] = [];
		for (let i = 0; i < CLIENT_PROCS; i++) {
			const child = fork(FILE, [], {
				env: { ...process.env, SCALE_ROLE: 'clients' },
				execArgv: ['--import', 'tsx']
			});
			this.procs.push(child);
			exits.push(
				new Promise((_, reject) =>
					child.once('exit', (code, signal) =>
						reject(new Error(`client process exited (${signal ?? code})`))
					)
				)
			);
		}
		this.#exited = Promise.race(exits);
		this.#exited.catch(() => {});
	}
	#all<T extends FromClients>(type: T['type'], perProc: (i: number) => ToClients) {
		const replies = this.procs.map(
			(p, i) =>
				new Promise<T>((resolve) => {
					const on = (m: FromClients) => {
						if (m.type !== type) return;
						p.off('message', on);
						resolve(m as T);
					};
					p.on('message', on);
					p.send(perProc(i));
				})
		);
		let timer: NodeJS.Timeout | undefined;
		return Promise.race([
			Promise.all(replies).finally(() => clearTimeout(timer)),
			this.#exited,
			new Promise<never>((_, reject) => {
				timer = setTimeout(
					() => reject(new Error(`no ${type} from the client processes`)),
					REPLY_TIMEOUT_MS
				);
			})
		]);
	}
	/**
	 * Opens `count` clients of `kind`, spread evenly over `urls` and over the processes (so
	 * each process holds about as many of each server's); returns how many subscribed.
	 */
	async connect(kind: Kind, urls: string[], count: number, reconnect = false): Promise<number> {
		const perUrl = urls.map((_, u) => share(count, urls.length, u));
		const replies = await this.#all<Extract<FromClients, { type: 'connected' }>>(
			'connected',
			(i) => ({
				type: 'connect',
				kind,
				targets: urls.map((url, u) => ({
					url,
					count: share(perUrl[u]!, CLIENT_PROCS, (i + u) % CLIENT_PROCS)
				})),
				reconnect
			})
		);
		const failed = replies.reduce((a, r) => a + r.failed, 0);
		if (failed > 0)
			console.log(
				`  (${failed} of ${count} ${KIND_NAMES[kind]} clients failed to connect: ${replies.find((r) => r.error)?.error})`
			);
		return replies.reduce((a, r) => a + r.n, 0);
	}
	/** Every receipt of `seq` once each process has it for all its clients or timed out. */
	async collect(kind: Kind, seq: number) {
		const replies = await this.#all<Extract<FromClients, { type: 'times' }>>('times', () => ({
			type: 'collect',
			kind,
			seq
		}));
		return {
			times: replies.flatMap((r) => r.times),
			targets: replies.flatMap((r) => r.targets),
			sample: replies.find((r) => r.sample)?.sample
		};
	}
	async tally(): Promise<{ duplicates: Record<Kind, number>; late: Record<Kind, number> }> {
		const replies = await this.#all<Extract<FromClients, { type: 'tally' }>>('tally', () => ({
			type: 'tally'
		}));
		const sum = (pick: (r: (typeof replies)[number]) => Partial<Record<Kind, number>>) => {
			const out = { crossings: 0, bare: 0, ws: 0, cluster: 0, replica: 0 };
			for (const r of replies)
				for (const [k, v] of Object.entries(pick(r))) out[k as Kind] += v ?? 0;
			return out;
		};
		return { duplicates: sum((r) => r.duplicates), late: sum((r) => r.late) };
	}
	/** Starts counting re-subscriptions: `done` resolves when the last client has re-subscribed. */
	storm(): { done: Promise<number> } {
		const replies = this.#all<Extract<FromClients, { type: 'resubscribed' }>>(
			'resubscribed',
			() => ({ type: 'storm' })
		);
		return { done: replies.then((r) => Math.max(...r.map((x) => x.at))) };
	}
	close() {
		for (const p of this.procs) if (p.connected) p.send({ type: 'close' } satisfies ToClients);
	}
	kill() {
		for (const p of this.procs) p.kill();
	}
}

/** A baseline server (bare Socket.IO or ws) in a child process. */
async function startBaseline(role: 'bare' | 'ws'): Promise<{ url: string; child: ChildProcess }> {
	const child = fork(FILE, [], {
		env: { ...process.env, SCALE_ROLE: role },
		execArgv: ['--expose-gc', '--import', 'tsx']
	});
	const port = await new Promise<number>((resolve, reject) => {
		child.once('message', (m: { port: number }) => resolve(m.port));
		child.once('exit', (code) => reject(new Error(`${role} server exited with ${code}`)));
	});
	return { url: `http://127.0.0.1:${port}`, child };
}

const ENV = {
	ADMIN_TOKEN: TOKEN,
	LIVE_CONNECTIONS_PER_MINUTE: '1000000',
	LIVE_SUBSCRIBES_PER_MINUTE: '1000000'
};

/** The server runs with --inspect (INSPECT): a full GC through the inspector protocol. */
async function collectGarbage(server: RunningServer): Promise<void> {
	const address = /Debugger listening on (ws:\/\/\S+)/.exec(server.output())?.[1];
	if (!address) throw new Error('the server has no inspector to collect garbage with');
	const socket = new WebSocket(address);
	await new Promise((resolve, reject) => {
		socket.once('error', reject);
		socket.once('open', () => {
			socket.on('message', (data) => {
				if ((JSON.parse(String(data)) as { id?: number }).id === 1) resolve(null);
			});
			socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
		});
	});
	socket.close();
}
const INSPECT = ['--inspect=127.0.0.1:0'];
async function serverHeap(server: RunningServer): Promise<number> {
	await collectGarbage(server);
	const text = await (await fetch(`${server.url}/metrics`)).text();
	return Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)![1]);
}
async function baselineHeap(url: string): Promise<number> {
	return Number(await (await fetch(`${url}/heap`)).text());
}
/** The least heap after a full GC, of a few samples once the sockets have settled. */
async function settledHeap(read: () => Promise<number>): Promise<number> {
	await sleep(2000);
	let least = Infinity;
	for (let i = 0; i < 4; i++) {
		least = Math.min(least, await read());
		await sleep(300);
	}
	return least;
}

function row(name: string, value: string, baselineName: string, baseline: string, ratio: number) {
	console.log(
		`${name.padEnd(34)} ${value.padStart(12)}   ${baselineName.padEnd(28)} ${baseline.padStart(12)}   ratio ${ratio.toFixed(2)}×`
	);
}

const ms = (v: number) => (Number.isNaN(v) ? '—' : `${v.toFixed(1)} ms`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** Editors' writes: a new day each time, so every one is a change. */
let day = '2024-01-01';
let level = 0;
async function write(url: string): Promise<{ seq: number; t0: number; answered: number }> {
	day = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
	level = (level + 1) % 5;
	const body = JSON.stringify({ iso3: 'FRA', effective_from: day, level, note: 'scale benchmark' });
	const t0 = now();
	const response = await fetch(`${url}/api/restrictions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
		body
	});
	const answered = now() - t0;
	if (response.status !== 201) throw new Error(`POST: ${response.status} ${await response.text()}`);
	return { seq: ((await response.json()) as { seq: number }).seq, t0, answered };
}

/** The kinds measured together at N: all at once if the client processes have the descriptors. */
function batchesFor(n: number, fdLimit: number): FanoutKind[][] {
	const perKind = Math.ceil(n / CLIENT_PROCS);
	const fit = Math.floor((fdLimit - 512) / perKind);
	const others: FanoutKind[] = ['ws', 'cluster'];
	if (fit >= 2 + others.length) return [['crossings', 'bare', ...others]];
	if (fit >= 3) return others.map((k) => ['crossings', 'bare', k]);
	return [['crossings'], ['bare'], ...others.map((k) => [k])];
}

function openFileLimit(): number {
	const out = execFileSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
	return out === 'unlimited' ? Infinity : Number(out);
}

interface Batch {
	kinds: FanoutKind[];
	latencies: Partial<Record<Kind, number[]>>;
	/** For the cluster: latencies of the clients on the process written to, and on the other. */
	byTarget: number[][];
	/** Per round: the first client's receipt, and the POST's answer, ms from before the POST. */
	first: Partial<Record<Kind, number[]>>;
	answered: Partial<Record<Kind, number[]>>;
	connected: Partial<Record<Kind, number>>;
	lost: Partial<Record<Kind, number>>;
	duplicates: Record<Kind, number>;
	late: Record<Kind, number>;
}

export async function runScale(): Promise<void> {
	if (!existsSync(join(ROOT, 'build', 'handler.js'))) {
		console.log('\nscale: build/handler.js is missing: run `npm run build` first. Skipped.');
		process.exitCode = 1;
		return;
	}
	const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT })
		.toString()
		.trim();
	const fdLimit = openFileLimit();
	console.log(
		`\nscale: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}, ${availableParallelism()} cores, load ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}, ulimit -n ${fdLimit}, ${CLIENT_PROCS} client processes`
	);

	// Everything started is stopped again in reverse order, whatever happens.
	const cleanups: (() => unknown)[] = [];
	let cleaning: Promise<void> | null = null;
	const cleanup = () =>
		(cleaning ??= (async () => {
			for (const fn of cleanups.reverse()) {
				try {
					await fn();
				} catch (err) {
					console.error(`scale: cleanup: ${(err as Error).message}`);
				}
			}
		})());
	const interrupted = (signal: NodeJS.Signals) => {
		console.error(`scale: ${signal}, stopping everything`);
		void cleanup().finally(() => process.exit(130));
	};
	process.once('SIGINT', interrupted);
	process.once('SIGTERM', interrupted);

	const dir = tempDir('crossings-scale-');
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	try {
		// One seeded file, copied for each server: none of them spends its start seeding.
		const template = join(dir, 'template.db');
		const seeding = openDatabase(template);
		ingestBundledSnapshots(seeding, join(ROOT, 'data'));
		seeding.close();
		const copy = (name: string) => {
			copyFileSync(template, join(dir, name));
			return join(dir, name);
		};

		const databasePath = copy('crossings.db');
		const clusterPath = copy('cluster.db');
		const port = await freePort();
		let server: RunningServer | null = null;
		cleanups.push(() => server?.stop());
		server = await startServer({
			databasePath,
			env: { ...ENV, PORT: String(port) },
			nodeArgs: INSPECT
		});
		const redis = await startRedis();
		cleanups.push(() => redis.stop());
		const cluster: RunningServer[] = [];
		cleanups.push(() => Promise.all(cluster.map((s) => s.stop())));
		for (let i = 0; i < 2; i++)
			cluster.push(
				await startServer({ databasePath: clusterPath, env: { ...ENV, REDIS_URL: redis.url } })
			);
		const bare = await startBaseline('bare');
		cleanups.push(() => bare.child.kill());
		const ws = await startBaseline('ws');
		cleanups.push(() => ws.child.kill());
		const clients = new Clients();
		cleanups.push(() => clients.kill());

		const urls: Record<FanoutKind, string[]> = {
			crossings: [server.url],
			bare: [bare.url],
			ws: [ws.url],
			cluster: cluster.map((s) => s.url)
		};
		let baselineSeq = 1_000_000;
		let sample = '';
		/** One round of `kind`: a write (or a baseline's emit), and every client's receipt. */
		async function round(kind: FanoutKind) {
			let seq: number;
			let t0: number;
			let answered: number;
			if (kind === 'crossings' || kind === 'cluster') {
				({ seq, t0, answered } = await write(urls[kind][0]!));
			} else {
				if (!sample) throw new Error('no `changes` event reached a Crossings client to copy');
				seq = ++baselineSeq;
				const body = JSON.stringify({ ...JSON.parse(sample), seq, after: seq - 1 });
				t0 = now();
				await fetch(`${urls[kind][0]}/emit`, { method: 'POST', body });
				answered = now() - t0;
			}
			const got = await clients.collect(kind, seq);
			if (got.sample && !sample) sample = got.sample;
			return { seq, answered, latencies: got.times.map((t) => t - t0), targets: got.targets };
		}

		for (const n of SIZES) {
			const batches: Batch[] = [];
			for (const kinds of batchesFor(n, fdLimit)) {
				const batch: Batch = {
					kinds,
					latencies: {},
					byTarget: [[], []],
					first: {},
					answered: {},
					connected: {},
					lost: {},
					duplicates: { crossings: 0, bare: 0, ws: 0, cluster: 0, replica: 0 },
					late: { crossings: 0, bare: 0, ws: 0, cluster: 0, replica: 0 }
				};
				for (const kind of kinds) {
					const started = now();
					batch.connected[kind] = await clients.connect(kind, urls[kind], n);
					batch.latencies[kind] = [];
					batch.first[kind] = [];
					batch.answered[kind] = [];
					batch.lost[kind] = 0;
					console.log(
						`  N=${n}: ${batch.connected[kind]} ${KIND_NAMES[kind]} clients subscribed in ${((now() - started) / 1000).toFixed(1)} s`
					);
				}
				// Round -1 warms every path up (and gives the baselines a real event, Crossings first);
				// the order rotates so that no kind always follows the same one.
				for (let r = -1; r < ROUNDS; r++) {
					const order = kinds.map((_, i) => kinds[(i + r + 1) % kinds.length]!);
					for (const kind of order) {
						const { seq, answered, latencies, targets } = await round(kind);
						const missing = batch.connected[kind]! - latencies.length;
						if (VERBOSE) {
							const sorted = [...latencies].sort((a, b) => a - b);
							console.log(
								`  round ${r} ${KIND_NAMES[kind]} seq ${seq}: first ${ms(sorted[0]!)}, p50 ${ms(quantile(sorted, 0.5))}, last ${ms(sorted.at(-1)!)}, answered ${ms(answered)}`
							);
						}
						if (missing > 0)
							console.log(`  ${KIND_NAMES[kind]} N=${n}: ${missing} missed seq ${seq}`);
						if (r >= 0) {
							batch.latencies[kind]!.push(...latencies);
							batch.first[kind]!.push(Math.min(...latencies));
							batch.answered[kind]!.push(answered);
							batch.lost[kind]! += missing;
							if (kind === 'cluster')
								latencies.forEach((l, i) => batch.byTarget[targets[i]!]!.push(l));
						}
						await sleep(SPACING_MS);
					}
				}
				await sleep(500);
				Object.assign(batch, await clients.tally());
				clients.close();
				await sleep(1500);
				batches.push(batch);
			}
			printFanout(n, batches);
		}
		await Promise.all(cluster.splice(0).map((s) => s.stop()));
		await redis.stop();

		await replicaLag(dir, template, clients, cleanups);

		// Heap per idle connection.
		const heaps: Record<'crossings' | 'bare' | 'ws', number> = { crossings: 0, bare: 0, ws: 0 };
		for (const kind of ['crossings', 'bare', 'ws'] as const) {
			const read =
				kind === 'crossings' ? () => serverHeap(server!) : () => baselineHeap(urls[kind][0]!);
			const before = await settledHeap(read);
			const n = await clients.connect(kind, urls[kind], IDLE_CLIENTS);
			const after = await settledHeap(read);
			heaps[kind] = (after - before) / n;
			clients.close();
			await sleep(1500);
		}
		const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
		row(
			`heap per idle connection (${IDLE_CLIENTS})`,
			kb(heaps.crossings),
			'bare Socket.IO',
			kb(heaps.bare),
			heaps.crossings / heaps.bare
		);
		row('', '', 'raw ws', kb(heaps.ws), heaps.crossings / heaps.ws);
		console.log(
			`  target ≤ ${TARGET_HEAP_BYTES / 1024} KB: ${verdict(heaps.crossings <= TARGET_HEAP_BYTES)}`
		);

		// Reconnect storm.
		const n = await clients.connect('crossings', urls.crossings, STORM_CLIENTS, true);
		const resubscribed = clients.storm().done;
		const stopped = now();
		const code = await server.stop();
		const exited = now();
		server = await startServer({ databasePath, env: { ...ENV, PORT: String(port) } });
		const listening = now();
		const done = await Promise.race([resubscribed, sleep(120_000).then(() => NaN)]);
		const s = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
		console.log(
			`reconnect storm (${n} clients)         ${s(stopped, done)} from SIGTERM, ${s(listening, done)} from listening (restart ${s(stopped, listening)}: exit ${code} after ${s(stopped, exited)}, start ${s(exited, listening)})`
		);
		console.log(
			`  target ≤ ${TARGET_STORM_MS / 1000} s: ${verdict(done - stopped <= TARGET_STORM_MS)}`
		);
		clients.close();
		console.log(
			`scale: done, load ${loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')}`
		);
	} finally {
		process.off('SIGINT', interrupted);
		process.off('SIGTERM', interrupted);
		await cleanup();
	}
}

/**
 * The fan-out tables at N: raw ws and the two processes each beside the Crossings and bare
 * Socket.IO rounds of their own batch (of the first batch that has them, when run apart).
 */
function printFanout(n: number, batches: Batch[]): void {
	const sorted = (b: Batch, k: Kind) =>
		[...(b.latencies[k] ?? batches.find((o) => o.latencies[k])?.latencies[k] ?? [])].sort(
			(x, y) => x - y
		);
	const withWs = batches.find((b) => b.kinds.includes('ws'))!;
	const withCluster = batches.find((b) => b.kinds.includes('cluster'))!;
	const split = batches.length > 1 ? ` (${batches.length} batches)` : '';
	console.log(
		`\nfan-out, ${n} clients${split}: one write per round, ${ROUNDS} rounds after a warm-up, ms from before the POST`
	);
	const head = (cols: string[]) => console.log(`  ${cols.map((c) => c.padStart(12)).join(' ')}`);
	head(['', 'Crossings', 'bare S.IO', 'ratio', 'raw ws', 'ratio']);
	{
		const [c, b, w] = (['crossings', 'bare', 'ws'] as const).map((k) => sorted(withWs, k));
		for (const [label, q] of QUANTILES) {
			const [x, y, z] = [quantile(c!, q), quantile(b!, q), quantile(w!, q)];
			head([label, ms(x), ms(y), ratio(x, y), ms(z), ratio(x, z)]);
		}
		const p99 = quantile(c!, 0.99);
		const r = p99 / quantile(b!, 0.99);
		console.log(
			`  target p99 ≤ ${TARGET_P99_RATIO}× bare Socket.IO${n >= 10_000 ? ` and ≤ ${TARGET_P99_10K_MS} ms` : ''}: ${verdict(r <= TARGET_P99_RATIO && (n < 10_000 || p99 <= TARGET_P99_10K_MS))}`
		);
	}
	head(['', '2 procs', '1 process', 'ratio', 'bare S.IO', 'ratio']);
	{
		const [r2, c, b] = (['cluster', 'crossings', 'bare'] as const).map((k) =>
			sorted(withCluster, k)
		);
		for (const [label, q] of QUANTILES) {
			const [x, y, z] = [quantile(r2!, q), quantile(c!, q), quantile(b!, q)];
			head([label, ms(x), ms(y), ratio(x, y), ms(z), ratio(x, z)]);
		}
		const [a, o] = withCluster.byTarget.map((t) => [...t].sort((x, y) => x - y));
		console.log(
			`  2 procs: clients of the process written to p50 ${ms(quantile(a!, 0.5))}, p99 ${ms(quantile(a!, 0.99))}; of the other p50 ${ms(quantile(o!, 0.5))}, p99 ${ms(quantile(o!, 0.99))}`
		);
		const p99 = quantile(r2!, 0.99);
		const ratioBare = p99 / quantile(b!, 0.99);
		console.log(
			`  target p99 ≤ ${TARGET_P99_RATIO}× bare Socket.IO${n >= 10_000 ? ` and ≤ ${TARGET_P99_10K_MS} ms` : ''} (2 processes): ${verdict(ratioBare <= TARGET_P99_RATIO && (n < 10_000 || p99 <= TARGET_P99_10K_MS))}`
		);
	}
	const median = (xs: number[] | undefined) =>
		quantile(
			[...(xs ?? [])].sort((x, y) => x - y),
			0.5
		);
	for (const b of batches) {
		const each = (pick: (b: Batch) => Partial<Record<Kind, number[]>>) =>
			b.kinds.map((k) => `${KIND_NAMES[k]} ${ms(median(pick(b)[k]))}`).join(', ');
		console.log(`  medians of the rounds: first receipt ${each((b) => b.first)}`);
		console.log(`    POST answered ${each((b) => b.answered)}`);
		console.log(
			`  delivered: ${b.kinds
				.map((k) => {
					const lost = b.lost[k] ?? 0;
					const dup = b.duplicates[k] ?? 0;
					const late = b.late[k] ?? 0;
					return `${KIND_NAMES[k]} ${(b.latencies[k] ?? []).length}/${(b.connected[k] ?? 0) * ROUNDS} (lost ${lost}${late ? ` of which ${late} late` : ''}, duplicated ${dup})`;
				})
				.join('; ')}`
		);
	}
	const clusterBatch = withCluster;
	const lostOrDup = (clusterBatch.lost.cluster ?? 0) + (clusterBatch.duplicates.cluster ?? 0) > 0;
	console.log(`  target none lost or duplicated (2 processes): ${verdict(!lostOrDup)}`);
}

/**
 * A primary and a replica on a Redis of their own, one subscribed client on each: the lag of
 * the replica's client behind the moment of the write, beside the primary's client.
 */
async function replicaLag(
	dir: string,
	template: string,
	clients: Clients,
	cleanups: (() => unknown)[]
): Promise<void> {
	const redis: RunningRedis = await startRedis();
	cleanups.push(() => redis.stop());
	const primaryPath = join(dir, 'primary.db');
	copyFileSync(template, primaryPath);
	let primary: RunningServer | null = null;
	let replica: RunningServer | null = null;
	cleanups.push(() => primary?.stop());
	cleanups.push(() => replica?.stop());
	try {
		primary = await startServer({
			databasePath: primaryPath,
			env: { ...ENV, REDIS_URL: redis.url, REPLICATION_TOKEN }
		});
		replica = await startServer({
			databasePath: join(dir, 'replica.db'),
			env: {
				...ENV,
				ROLE: 'replica',
				REDIS_URL: redis.url,
				PRIMARY_URL: primary.url,
				REPLICATION_TOKEN
			}
		});
		const connected = await clients.connect('replica', [primary.url, replica.url], 2);
		if (connected !== 2) throw new Error(`replica lag: ${connected} of 2 clients subscribed`);
		const onPrimary: number[] = [];
		const onReplica: number[] = [];
		const behind: number[] = [];
		let lost = 0;
		for (let i = -1; i < REPLICA_WRITES; i++) {
			const { seq, t0 } = await write(primary.url);
			const got = await clients.collect('replica', seq);
			const at = (target: number) => got.times.find((_, j) => got.targets[j] === target);
			const [p, r] = [at(0), at(1)];
			lost += (p === undefined ? 1 : 0) + (r === undefined ? 1 : 0);
			if (i >= 0) {
				if (p !== undefined) onPrimary.push(p - t0);
				if (r !== undefined) onReplica.push(r - t0);
				if (p !== undefined && r !== undefined) behind.push(r - p);
			}
			await sleep(SPACING_MS + Math.random() * SPACING_JITTER_MS);
		}
		await sleep(500);
		const { duplicates } = await clients.tally();
		clients.close();
		for (const a of [onPrimary, onReplica, behind]) a.sort((x, y) => x - y);
		console.log(
			`\nreplica lag: ${REPLICA_WRITES} writes on the primary after a warm-up, ${SPACING_MS}–${SPACING_MS + SPACING_JITTER_MS} ms apart, one client on each`
		);
		for (const [label, q] of QUANTILES) {
			row(
				`replica client ${label}`,
				ms(quantile(onReplica, q)),
				'primary client',
				ms(quantile(onPrimary, q)),
				quantile(onReplica, q) / quantile(onPrimary, q)
			);
		}
		console.log(
			`  replica receipt − primary receipt: p50 ${ms(quantile(behind, 0.5))}, p95 ${ms(quantile(behind, 0.95))}, p99 ${ms(quantile(behind, 0.99))}; lost ${lost}, duplicated ${duplicates.replica}`
		);
		const cost = replicationCost(dir, template);
		console.log(
			`  of which, measured in this process on two copies of the file (${cost.writes} writes): the primary's entry ${ms(cost.entry)} (${(cost.bytes / 1024).toFixed(0)} KB of JSON: ${cost.rows}), the replica's applyEntry p50 ${ms(cost.apply[0]!)}, max ${ms(cost.apply[1]!)}`
		);
		const p99 = quantile(onReplica, 0.99);
		console.log(
			`  target replica lag p99 ≤ ${TARGET_REPLICA_P99_MS} ms: ${verdict(p99 <= TARGET_REPLICA_P99_MS)}`
		);
	} finally {
		clients.close();
		await replica?.stop();
		await primary?.stop();
		await redis.stop();
	}
}

/**
 * What replicating one editor's write costs, without the servers: the write committed into one
 * copy of the file, its stream entry made there (commitEntries, median ms), and applied to
 * another copy (applyEntry, p50 and max ms), as the primary's publisher and the replica's
 * follower do.
 */
function replicationCost(dir: string, template: string) {
	const [primary, replica] = ['cost-primary.db', 'cost-replica.db'].map((name) => {
		copyFileSync(template, join(dir, name));
		return openDatabase(join(dir, name));
	});
	const writes = 12;
	const entry: number[] = [];
	const apply: number[] = [];
	let bytes = 0;
	let rows = '';
	try {
		const resolve = countryResolver(primary!);
		let costDay = '2025-06-01';
		for (let i = 0; i < writes; i++) {
			costDay = new Date(Date.parse(costDay) + 86_400_000).toISOString().slice(0, 10);
			const raw = { iso3: 'FRA', effective_from: costDay, level: i % 5, note: 'scale benchmark' };
			const result = validateRestriction(raw, resolve);
			if ('problems' in result) throw new Error(JSON.stringify(result.problems));
			const after = lastSeq(replica!);
			const { seq } = commitRun(primary!, restrictionsFeed, [result.value], {
				source: 'bench',
				sha256: createHash('sha256').update(JSON.stringify(raw)).digest('hex'),
				rowsRead: 1
			});
			let t = now();
			const [made] = commitEntries(primary!, after, seq);
			entry.push(now() - t);
			const json = JSON.stringify(made);
			bytes = json.length;
			rows = (made!.tables ?? []).map((x) => `${x.rows.length} ${x.table}`).join(', ');
			const shipped = JSON.parse(json) as typeof made & object;
			t = now();
			applyEntry(replica!, shipped);
			apply.push(now() - t);
		}
	} finally {
		primary!.close();
		replica!.close();
	}
	entry.sort((a, b) => a - b);
	apply.sort((a, b) => a - b);
	return {
		writes,
		entry: quantile(entry, 0.5),
		apply: [quantile(apply, 0.5), apply.at(-1)],
		bytes,
		rows
	};
}

if (process.env.SCALE_ROLE === 'clients') clientProcess();
else if (process.env.SCALE_ROLE === 'bare') bareProcess();
else if (process.env.SCALE_ROLE === 'ws') wsProcess();
else if (process.argv[1] === FILE) {
	await runScale();
	process.exit();
}
