/**
 * Scale: the live server against a bare Socket.IO server in the same run, on this machine.
 *
 * - fan-out: one editor's write (POST /api/restrictions) reaching N subscribed clients, p50/p95/
 *   p99 of receipt minus the moment before the POST, beside a bare Socket.IO server (a child
 *   process, websocket only, one room) emitting the JSON of a real `changes` event on an HTTP
 *   POST. (bench/fanout.ts compares the same write with a raw `ws` broadcast.)
 * - heap per idle connection: heapUsed after N idle subscribed sockets minus before, over N
 *   (the server's own `nodejs_heap_size_used_bytes`, the bare server's process.memoryUsage()),
 *   the least of a few samples after the sockets settle, on both sides.
 * - reconnect storm: N clients with the browser's back-off (RECONNECT_BACKOFF), the server
 *   stopped with SIGTERM and started again on the same port and file; the time from the
 *   SIGTERM, and from the new server's "listening", until every client has re-subscribed.
 *
 * Clients live in CLIENT_PROCS child processes (this file, forked). Run alone with
 * `npm run bench -- --only scale`; SCALE_SIZES=1000,5000,10000 SCALE_ROUNDS=10 to explore.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { RECONNECT_BACKOFF } from '../src/lib/domain/live.ts';
import {
	ROOT,
	freePort,
	startServer,
	tempDir,
	type RunningServer
} from '../tests/support/server.ts';

const SIZES = (process.env.SCALE_SIZES ?? '1000,5000').split(',').map(Number);
const ROUNDS = Number(process.env.SCALE_ROUNDS ?? 8);
const IDLE_CLIENTS = Number(process.env.SCALE_IDLE ?? 5000);
const STORM_CLIENTS = Number(process.env.SCALE_STORM ?? 5000);
const CLIENT_PROCS = 2;
const CONNECT_CONCURRENCY = 100;
const DELIVERY_TIMEOUT_MS = 10_000;
const TOKEN = 'bench-scale-token-0123456789';
const FILE = fileURLToPath(import.meta.url);
/** The targets from the issue. */
const TARGET_P99_RATIO = 1.2;
const TARGET_P99_10K_MS = 300;
const TARGET_HEAP_BYTES = 15 * 1024;
const TARGET_STORM_MS = 15_000;

type Kind = 'crossings' | 'bare';
type ToClients =
	| { type: 'connect'; kind: Kind; url: string; count: number; reconnect: boolean }
	| { type: 'collect'; kind: Kind; seq: number }
	| { type: 'storm' }
	| { type: 'close' };
type FromClients =
	| { type: 'connected'; n: number; failed: number }
	| { type: 'times'; times: number[] }
	| { type: 'resubscribed'; at: number };

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Client process.

function clientProcess(): void {
	const send = (m: FromClients) => process.send!(m);
	let sockets: Socket[] = [];
	const receipts = new Map<number, number[]>();
	const waiting = new Map<number, () => void>();
	let resubscribed = 0;
	let storming = false;

	function subscribeOn(socket: Socket, kind: Kind): Promise<boolean> {
		return new Promise((resolve) => {
			socket.emit('subscribe', { layers: ['border-status'] }, (ack: { ok: boolean }) => {
				resolve(ack.ok);
				if (ack.ok && storming && ++resubscribed === sockets.length) {
					storming = false;
					send({ type: 'resubscribed', at: now() });
				}
			});
			void kind;
		});
	}

	process.on('message', (m: ToClients) => {
		if (m.type === 'connect') {
			void (async () => {
				let failed = 0;
				let next = 0;
				const opened: Socket[] = [];
				const one = () =>
					new Promise<void>((resolve) => {
						const socket = connect(`${m.url}/live`, {
							transports: ['websocket'],
							forceNew: true,
							reconnection: m.reconnect,
							...RECONNECT_BACKOFF
						});
						socket.on('changes', (event: { seq: number }) => {
							const at = now();
							let times = receipts.get(event.seq);
							if (!times) receipts.set(event.seq, (times = []));
							times.push(at);
							if (times.length === sockets.length) waiting.get(event.seq)?.();
						});
						// Every (re)connect subscribes again, as the page does.
						socket.on('connect', () => {
							void subscribeOn(socket, m.kind).then((ok) => {
								if (!opened.includes(socket)) {
									if (ok) opened.push(socket);
									else failed++;
									resolve();
								}
							});
						});
						socket.on('connect_error', () => {
							if (!m.reconnect && !opened.includes(socket)) {
								failed++;
								resolve();
							}
						});
					});
				const worker = async () => {
					while (next < m.count) {
						next++;
						await one();
					}
				};
				await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
				sockets = opened;
				send({ type: 'connected', n: opened.length, failed });
			})();
		} else if (m.type === 'collect') {
			const done = () => {
				clearTimeout(timer);
				waiting.delete(m.seq);
				send({ type: 'times', times: receipts.get(m.seq) ?? [] });
				receipts.delete(m.seq);
			};
			const timer = setTimeout(done, DELIVERY_TIMEOUT_MS);
			if ((receipts.get(m.seq)?.length ?? 0) >= sockets.length) done();
			else waiting.set(m.seq, done);
		} else if (m.type === 'storm') {
			resubscribed = 0;
			storming = true;
		} else if (m.type === 'close') {
			for (const s of sockets) s.close();
			sockets = [];
			receipts.clear();
		}
	});
}

// ---------------------------------------------------------------------------------------------
// Bare Socket.IO server process: what Socket.IO alone costs for the same sockets and events.

function bareProcess(): void {
	const http = createServer((req, res) => {
		if (req.url === '/heap') return void res.end(String(process.memoryUsage().heapUsed));
		let body = '';
		req.on('data', (d: Buffer) => (body += d));
		req.on('end', () => {
			live.to('layers:border-status').emit('changes', JSON.parse(body));
			res.end('ok');
		});
	});
	const io = new Server(http, { transports: ['websocket'], serveClient: false });
	const live = io.of('/live');
	live.on('connection', (socket) => {
		socket.on('subscribe', (_request: unknown, ack: (a: object) => void) => {
			void socket.join('layers:border-status');
			ack({ ok: true, seq: 0 });
		});
	});
	http.listen(0, '127.0.0.1', () => process.send!({ port: (http.address() as AddressInfo).port }));
}

// ---------------------------------------------------------------------------------------------
// Orchestrator.

function quantile(sorted: number[], q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

class Clients {
	procs: ChildProcess[] = [];
	constructor() {
		for (let i = 0; i < CLIENT_PROCS; i++)
			this.procs.push(
				fork(FILE, [], {
					env: { ...process.env, SCALE_ROLE: 'clients' },
					execArgv: ['--import', 'tsx']
				})
			);
	}
	#all<T extends FromClients>(
		message: ToClients,
		type: T['type'],
		perProc?: (i: number) => ToClients
	) {
		return Promise.all(
			this.procs.map(
				(p, i) =>
					new Promise<T>((resolve) => {
						const on = (m: FromClients) => {
							if (m.type !== type) return;
							p.off('message', on);
							resolve(m as T);
						};
						p.on('message', on);
						p.send(perProc?.(i) ?? message);
					})
			)
		);
	}
	async connect(kind: Kind, url: string, count: number, reconnect = false): Promise<number> {
		const share = (i: number) =>
			Math.floor(count / CLIENT_PROCS) + (i < count % CLIENT_PROCS ? 1 : 0);
		const replies = await this.#all<Extract<FromClients, { type: 'connected' }>>(
			{ type: 'close' },
			'connected',
			(i) => ({ type: 'connect', kind, url, count: share(i), reconnect })
		);
		const failed = replies.reduce((a, r) => a + r.failed, 0);
		if (failed > 0) console.log(`  (${failed} of ${count} ${kind} clients failed to connect)`);
		return replies.reduce((a, r) => a + r.n, 0);
	}
	async collect(kind: Kind, seq: number): Promise<number[]> {
		const replies = await this.#all<Extract<FromClients, { type: 'times' }>>(
			{ type: 'collect', kind, seq },
			'times'
		);
		return replies.flatMap((r) => r.times);
	}
	/** Starts counting re-subscriptions: `done` resolves when the last client has re-subscribed. */
	storm(): { done: Promise<number> } {
		const replies = this.#all<Extract<FromClients, { type: 'resubscribed' }>>(
			{ type: 'storm' },
			'resubscribed'
		);
		return { done: replies.then((r) => Math.max(...r.map((x) => x.at))) };
	}
	close() {
		for (const p of this.procs) p.send({ type: 'close' } satisfies ToClients);
	}
	kill() {
		for (const p of this.procs) p.kill();
	}
}

async function startBare(): Promise<{ url: string; child: ChildProcess }> {
	const child = fork(FILE, [], {
		env: { ...process.env, SCALE_ROLE: 'bare' },
		execArgv: ['--import', 'tsx']
	});
	const port = await new Promise<number>((r) =>
		child.once('message', (m: { port: number }) => r(m.port))
	);
	return { url: `http://127.0.0.1:${port}`, child };
}

const ENV = {
	ADMIN_TOKEN: TOKEN,
	LIVE_CONNECTIONS_PER_MINUTE: '1000000',
	LIVE_SUBSCRIBES_PER_MINUTE: '1000000'
};

async function serverHeap(url: string): Promise<number> {
	const text = await (await fetch(`${url}/metrics`)).text();
	return Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)![1]);
}
async function bareHeap(url: string): Promise<number> {
	return Number(await (await fetch(`${url}/heap`)).text());
}
/** The least heap of a few samples once the sockets have settled: garbage not yet collected is not theirs. */
async function settledHeap(read: () => Promise<number>): Promise<number> {
	await sleep(2000);
	let least = Infinity;
	for (let i = 0; i < 6; i++) {
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

export async function runScale(): Promise<void> {
	const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT })
		.toString()
		.trim();
	console.log(
		`\nscale: ${new Date().toISOString().slice(0, 10)}, commit ${commit}, ${availableParallelism()} cores, load ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}`
	);
	const dir = tempDir('crossings-scale-');
	const databasePath = join(dir, 'crossings.db');
	const port = await freePort();
	let server: RunningServer | null = await startServer({
		databasePath,
		env: { ...ENV, PORT: String(port) }
	});
	const bare = await startBare();
	const clients = new Clients();
	let day = '2024-01-01';
	let level = 0;
	let bareSeq = 1_000_000;
	let sample = '';
	try {
		// Fan-out at each N.
		for (const n of SIZES) {
			const fanout: Record<Kind, number[]> = { crossings: [], bare: [] };
			for (const kind of ['crossings', 'bare'] as const) {
				const url = kind === 'crossings' ? server.url : bare.url;
				const connected = await clients.connect(kind, url, n);
				for (let round = -1; round < ROUNDS; round++) {
					let seq: number;
					const t0 = now();
					if (kind === 'crossings') {
						day = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
						level = (level + 1) % 5;
						const response = await fetch(`${url}/api/restrictions`, {
							method: 'POST',
							headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
							body: JSON.stringify({
								iso3: 'FRA',
								effective_from: day,
								level,
								note: 'scale benchmark'
							})
						});
						if (response.status !== 201)
							throw new Error(`POST: ${response.status} ${await response.text()}`);
						seq = ((await response.json()) as { seq: number }).seq;
					} else {
						seq = ++bareSeq;
						const event = sample
							? { ...JSON.parse(sample), seq, after: seq - 1 }
							: { seq, after: seq - 1, items: [] };
						await fetch(`${url}/emit`, { method: 'POST', body: JSON.stringify(event) });
					}
					const times = await clients.collect(kind, seq);
					if (kind === 'crossings' && !sample)
						sample = JSON.stringify({
							seq,
							after: seq - 1,
							items: [
								{
									seq,
									layer: 'border-status',
									iso3: 'FRA',
									period: day,
									old: null,
									new: { level, note: 'scale benchmark' }
								}
							]
						});
					if (round >= 0) fanout[kind].push(...times.map((t) => t - t0));
					if (times.length < connected)
						console.log(`  ${kind} N=${n}: ${connected - times.length} missed seq ${seq}`);
					await sleep(300);
				}
				clients.close();
				await sleep(1500);
			}
			const ours = fanout.crossings.sort((a, b) => a - b);
			const base = fanout.bare.sort((a, b) => a - b);
			for (const [label, q] of [
				['p50', 0.5],
				['p95', 0.95],
				['p99', 0.99]
			] as const) {
				const a = quantile(ours, q);
				const b = quantile(base, q);
				row(
					`fan-out ${n} clients ${label}`,
					`${a.toFixed(1)} ms`,
					'bare Socket.IO',
					`${b.toFixed(1)} ms`,
					a / b
				);
			}
			const ratio = quantile(ours, 0.99) / quantile(base, 0.99);
			console.log(
				`  target p99 ≤ ${TARGET_P99_RATIO}× bare Socket.IO${n >= 10_000 ? ` and ≤ ${TARGET_P99_10K_MS} ms` : ''}: ${ratio <= TARGET_P99_RATIO && (n < 10_000 || quantile(ours, 0.99) <= TARGET_P99_10K_MS) ? 'met' : 'MISSED'}`
			);
		}

		// Heap per idle connection.
		const heaps: Record<Kind, number> = { crossings: 0, bare: 0 };
		for (const kind of ['crossings', 'bare'] as const) {
			const read = kind === 'crossings' ? () => serverHeap(server!.url) : () => bareHeap(bare.url);
			const before = await settledHeap(read);
			const n = await clients.connect(
				kind,
				kind === 'crossings' ? server.url : bare.url,
				IDLE_CLIENTS
			);
			const after = await settledHeap(read);
			heaps[kind] = (after - before) / n;
			clients.close();
			await sleep(1500);
		}
		row(
			`heap per idle connection (${IDLE_CLIENTS})`,
			`${(heaps.crossings / 1024).toFixed(1)} KB`,
			'bare Socket.IO',
			`${(heaps.bare / 1024).toFixed(1)} KB`,
			heaps.crossings / heaps.bare
		);
		console.log(
			`  target ≤ ${TARGET_HEAP_BYTES / 1024} KB: ${heaps.crossings <= TARGET_HEAP_BYTES ? 'met' : 'MISSED'}`
		);

		// Reconnect storm.
		const n = await clients.connect('crossings', server.url, STORM_CLIENTS, true);
		const resubscribed = clients.storm().done;
		const stopped = now();
		await server.stop();
		server = await startServer({ databasePath, env: { ...ENV, PORT: String(port) } });
		const listening = now();
		const done = await Promise.race([resubscribed, sleep(120_000).then(() => NaN)]);
		console.log(
			`reconnect storm (${n} clients)         ${((done - stopped) / 1000).toFixed(1)} s from SIGTERM, ${((done - listening) / 1000).toFixed(1)} s from listening (restart ${((listening - stopped) / 1000).toFixed(1)} s)`
		);
		console.log(
			`  target ≤ ${TARGET_STORM_MS / 1000} s: ${done - stopped <= TARGET_STORM_MS ? 'met' : 'MISSED'}`
		);
		clients.close();
	} finally {
		clients.kill();
		bare.child.kill();
		await server?.stop();
		rmSync(dir, { recursive: true, force: true });
	}
}

if (process.env.SCALE_ROLE === 'clients') clientProcess();
else if (process.env.SCALE_ROLE === 'bare') bareProcess();
else if (process.argv[1] === FILE) {
	await runScale();
	process.exit();
}
