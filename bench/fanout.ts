/**
 * Fan-out: how long ONE committed change takes to reach N connected `/live` clients, beside a
 * raw `ws` broadcast of the same JSON to the same number of clients, measured in the same run.
 *
 * - Crossings: the production entry (server.ts on build/) as a child process. N socket.io
 *   clients (websocket only) subscribe to `border-status`; the change is (a) an editor's
 *   POST /api/restrictions (the server's own write, announced by `poke()`) or (b) the same
 *   restriction committed by this process straight into the SQLite file with commitRun, which
 *   the server notices by polling `PRAGMA data_version`.
 * - Baseline: a bare `ws` WebSocketServer in a child process; an HTTP POST makes it send the
 *   JSON of a real `changes` event (taken from the Crossings clients) to every client.
 *
 * The clients live in a few child processes (CLIENT_PROCS), each holding its share of both kinds
 * of socket, so one event loop does not have to read all N sockets. Every process stamps with
 * `performance.timeOrigin + performance.now()` (one machine, one clock); latency is receipt time
 * minus the moment just before the POST or commit was issued. Each N gets one warm-up change per
 * trigger, then ROUNDS measured changes per trigger, interleaved, spaced by about SPACING_MS.
 *
 * The spacing varies by up to one watcher interval (50 ms): the server's setInterval re-phases
 * after each long broadcast, and a fixed 300 ms gap would land every file commit just after a
 * poll, measuring the worst-case wait every time instead of a spread of waits.
 *
 * Run alone with `npm run bench -- --only fanout` or `npx tsx bench/fanout.ts`.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import { WebSocket, WebSocketServer } from 'ws';
import { addDays } from '../src/lib/domain/date.ts';
import type {
	ChangesEvent,
	LiveClientToServer,
	LiveServerToClient,
	SubscribeAck
} from '../src/lib/domain/live.ts';
import { countryResolver } from '../src/lib/server/db/countries.ts';
import { openDatabase, type Db } from '../src/lib/server/db/open.ts';
import {
	restrictionsFeed,
	validateRestriction
} from '../src/lib/server/ingest/feeds/restrictions.ts';
import { commitRun } from '../src/lib/server/ingest/run.ts';
import { ROOT, startServer, type RunningServer } from '../tests/support/server.ts';

/** Overridable to explore: FANOUT_SIZES=1000,5000 FANOUT_ROUNDS=10 FANOUT_CLIENT_PROCS=3. */
const SIZES = (process.env.FANOUT_SIZES ?? '1000,5000').split(',').map(Number);
const ROUNDS = Number(process.env.FANOUT_ROUNDS ?? 10);
const CLIENT_PROCS = Number(process.env.FANOUT_CLIENT_PROCS ?? 3);
const SPACING_MS = 300;
const WATCH_INTERVAL_MS = 50;
/** Evenly spread, reproducible offsets within one watcher interval (golden-ratio sequence). */
let gaps = 0;
const gap = () => SPACING_MS + ((++gaps * 0.618034) % 1) * WATCH_INTERVAL_MS;
/** FANOUT_VERBOSE=1 prints every change: first, median and last receipt, the ws send loop. */
const VERBOSE = Boolean(process.env.FANOUT_VERBOSE);
/** How long one change may take to reach everyone before the stragglers count as missed. */
const DELIVERY_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 60_000;
/** The whole fan-out benchmark is stopped (and every child killed) after this. */
const DEADLINE_MS = 150_000;
/** Sockets each client process opens at once while connecting. */
const CONNECT_CONCURRENCY = 64;
const TOKEN = 'bench-fanout-token-0123456789';
const FILE = fileURLToPath(import.meta.url);
/** The target from the issue: p99 at 5,000 clients, absolute and against raw ws. */
const TARGET_CLIENTS = 5000;
const TARGET_P99_MS = 150;
const TARGET_RATIO = 1.5;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Kind = 'crossings' | 'ws';
type LiveSocket = Socket<LiveServerToClient, LiveClientToServer>;

/** Orchestrator → client process. */
type ToClients =
	| { type: 'connect'; kind: Kind; url: string; count: number; after: number }
	| { type: 'flush'; kind: Kind; seq: number }
	| { type: 'close' };

/** Client process → orchestrator. */
type FromClients =
	| { type: 'connected'; kind: Kind; total: number; failed: number; error?: string }
	| { type: 'times'; kind: Kind; seq: number; times: number[] }
	| { type: 'sample'; json: string };

// ---------------------------------------------------------------------------------------------
// Client process: holds its share of both kinds of socket and reports receipt times.

function clientProcess(): void {
	const send = (message: FromClients) => process.send!(message);
	const sockets: Record<Kind, { close(): void }[]> = { crossings: [], ws: [] };
	/** Receipt times per kind and seq, until reported. */
	const receipts = new Map<string, number[]>();
	const reported = new Set<string>();
	let sampled = false;

	function report(kind: Kind, seq: number) {
		const key = `${kind}:${seq}`;
		if (reported.has(key)) return;
		reported.add(key);
		send({ type: 'times', kind, seq, times: receipts.get(key) ?? [] });
		receipts.delete(key);
	}

	function received(kind: Kind, seq: number, at: number) {
		const key = `${kind}:${seq}`;
		if (reported.has(key)) return;
		let times = receipts.get(key);
		if (!times) receipts.set(key, (times = []));
		times.push(at);
		if (times.length === sockets[kind].length) report(kind, seq);
	}

	function openCrossings(url: string, after: number): Promise<void> {
		return new Promise((resolve, reject) => {
			const socket: LiveSocket = connect(`${url}/live`, {
				transports: ['websocket'],
				forceNew: true,
				reconnection: false,
				timeout: CONNECT_TIMEOUT_MS
			});
			socket.on('changes', (event) => {
				const at = now();
				received('crossings', event.seq, at);
				if (!sampled) {
					sampled = true;
					send({ type: 'sample', json: JSON.stringify(event) });
				}
			});
			socket.once('connect_error', (err) => reject(err));
			socket.once('connect', () => {
				socket.emit('subscribe', { layers: ['border-status'], after }, (ack: SubscribeAck) => {
					if (!ack.ok) return reject(new Error(`subscribe refused: ${ack.error}`));
					sockets.crossings.push(socket);
					resolve();
				});
			});
		});
	}

	function openWs(url: string): Promise<void> {
		return new Promise((resolve, reject) => {
			const socket = new WebSocket(url);
			socket.on('message', (data) => {
				const at = now();
				received('ws', (JSON.parse(String(data)) as ChangesEvent).seq, at);
			});
			socket.once('error', reject);
			socket.once('open', () => {
				sockets.ws.push(socket);
				resolve();
			});
		});
	}

	async function open(message: Extract<ToClients, { type: 'connect' }>) {
		let next = 0;
		let failed = 0;
		let error: string | undefined;
		const opener = async () => {
			while (next < message.count) {
				next++;
				try {
					await (message.kind === 'crossings'
						? openCrossings(message.url, message.after)
						: openWs(message.url));
				} catch (err) {
					failed++;
					error ??= (err as Error).message;
				}
			}
		};
		await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, opener));
		const total = sockets[message.kind].length;
		send({ type: 'connected', kind: message.kind, total, failed, error });
	}

	process.on('message', (message: ToClients) => {
		if (message.type === 'connect') void open(message);
		else if (message.type === 'flush') report(message.kind, message.seq);
		else if (message.type === 'close') {
			for (const socket of [...sockets.crossings, ...sockets.ws]) socket.close();
			setTimeout(() => process.exit(0), 200);
		}
	});
	// The orchestrator is gone: so is the reason to hold sockets.
	process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// Baseline process: a bare ws server; POST /broadcast sends the body to every open client.

function wsServerProcess(): void {
	const http = createServer((req: IncomingMessage, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			if (req.method !== 'POST' || req.url !== '/broadcast') {
				res.writeHead(404).end();
				return;
			}
			// Encoded once, framed per client: the usual ws broadcast loop.
			const payload = Buffer.concat(chunks);
			let sent = 0;
			const t = now();
			for (const client of wss.clients) {
				if (client.readyState !== WebSocket.OPEN) continue;
				client.send(payload, { binary: false });
				sent++;
			}
			if (VERBOSE) {
				console.log(`  ws send loop from ${t.toFixed(1)}: ${(now() - t).toFixed(1)} ms`);
			}
			res.writeHead(200, { 'content-type': 'text/plain' }).end(String(sent));
		});
	});
	const wss = new WebSocketServer({ server: http });
	http.listen(0, '127.0.0.1', () => {
		process.send!({ type: 'listening', port: (http.address() as AddressInfo).port });
	});
	process.on('disconnect', () => process.exit(0));
	process.on('SIGTERM', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// Orchestrator.

interface Stats {
	p50: number;
	p95: number;
	p99: number;
	max: number;
	delivered: number;
	expected: number;
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function stats(latencies: number[], expected: number): Stats {
	const s = [...latencies].sort((a, b) => a - b);
	return {
		p50: percentile(s, 50),
		p95: percentile(s, 95),
		p99: percentile(s, 99),
		max: s.at(-1) ?? NaN,
		delivered: s.length,
		expected
	};
}

/** Forks this file in a role; the child runs TypeScript through tsx like the rest of the bench. */
function forkRole(role: string): ChildProcess {
	return fork(FILE, [role], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: 'inherit' });
}

function waitFor<T>(child: ChildProcess, match: (m: T) => boolean, ms: number, what: string) {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.off('message', listener);
			reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
		}, ms);
		const listener = (message: T) => {
			if (!match(message)) return;
			clearTimeout(timer);
			child.off('message', listener);
			resolve(message);
		};
		child.on('message', listener);
	});
}

async function stopChild(child: ChildProcess, message?: ToClients): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	if (message && child.connected) child.send(message);
	else child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
	await exited;
	clearTimeout(timer);
}

/** Collects the receipt times each client process reports, per kind and seq. */
class Receipts {
	#parts = new Map<string, number[][]>();
	#waiters = new Map<string, () => void>();
	constructor(private readonly procs: ChildProcess[]) {
		for (const proc of procs) {
			proc.on('message', (m: FromClients) => {
				if (m.type !== 'times') return;
				const key = `${m.kind}:${m.seq}`;
				const parts = this.#parts.get(key) ?? [];
				parts.push(m.times);
				this.#parts.set(key, parts);
				if (parts.length === this.procs.length) this.#waiters.get(key)?.();
			});
		}
	}

	/**
	 * Every receipt of `seq`, once each process has reported. After `timeoutMs` the processes
	 * still waiting for stragglers are asked for what they have; a process that does not answer
	 * within a second more is counted as having received nothing.
	 */
	async collect(kind: Kind, seq: number, timeoutMs: number): Promise<number[]> {
		const key = `${kind}:${seq}`;
		if ((this.#parts.get(key)?.length ?? 0) < this.procs.length) {
			const timers: NodeJS.Timeout[] = [];
			await new Promise<void>((resolve) => {
				this.#waiters.set(key, resolve);
				const flush = () => {
					for (const proc of this.procs) {
						if (proc.connected) proc.send({ type: 'flush', kind, seq } satisfies ToClients);
					}
				};
				timers.push(setTimeout(flush, timeoutMs), setTimeout(resolve, timeoutMs + 1000));
			});
			timers.forEach(clearTimeout);
			this.#waiters.delete(key);
		}
		const times = (this.#parts.get(key) ?? []).flat();
		this.#parts.delete(key);
		return times;
	}
}

/** The soft limit on open files for processes started from here. */
function openFileLimit(): number {
	const out = execFileSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
	return out === 'unlimited' ? Infinity : Number(out);
}

/** Descriptors the busiest process needs: a server holds N, a client process 2N/procs. */
const fdsNeeded = (n: number) => Math.max(n, Math.ceil((2 * n) / CLIENT_PROCS)) + 512;

/**
 * Runs the fan-out benchmark with enough file descriptors: when the soft limit is too low for
 * the largest N, it re-runs itself under `bash -c 'ulimit -n …'` (allowed for root or up to
 * the hard limit); when that fails too, it says so and measures only the sizes that fit.
 */
export async function runFanout(): Promise<void> {
	if (!existsSync(resolve(ROOT, 'build', 'handler.js'))) {
		console.log('\nfan-out: build/handler.js is missing: run `npm run build` first. Skipped.');
		process.exitCode = 1;
		return;
	}
	const limit = openFileLimit();
	const want = fdsNeeded(Math.max(...SIZES));
	if (limit >= want) return measure(SIZES);
	if (!process.env.CROSSINGS_FANOUT_RAISED) {
		console.log(
			`\nfan-out: ulimit -n is ${limit}, ${want} needed: re-running with ulimit -n 65536`
		);
		const child = spawn(
			'bash',
			[
				'-c',
				'ulimit -n 65536 || exit 97; exec "$@"',
				'bash',
				process.execPath,
				'--import',
				'tsx',
				FILE
			],
			{ cwd: ROOT, stdio: 'inherit', env: { ...process.env, CROSSINGS_FANOUT_RAISED: '1' } }
		);
		const code = await new Promise<number | null>((r) => child.once('exit', r));
		if (code === 0) return;
		if (code !== 97) throw new Error(`fan-out benchmark failed (exit ${code})`);
	}
	const fits = SIZES.filter((n) => fdsNeeded(n) <= limit);
	console.log(
		`\nfan-out: ulimit -n is ${limit} and could not be raised; ${want} are needed for ` +
			`${Math.max(...SIZES)} clients. Run \`ulimit -n 65536\` first. ` +
			(fits.length ? `Measuring only N = ${fits.join(', ')}.` : 'Skipping the fan-out benchmark.')
	);
	if (fits.length) await measure(fits);
}

interface Row {
	n: number;
	api: Stats;
	external: Stats;
	ws: Stats;
	connectMs: { crossings: number; ws: number };
}

async function measure(sizes: number[]): Promise<void> {
	// Whatever else runs on the machine shows in the tails: say how busy it was.
	const load = loadavg()[0]!;
	let server: RunningServer | undefined;
	let wsProc: ChildProcess | undefined;
	const procs: ChildProcess[] = [];
	let db: Db | undefined;
	const deadline = setTimeout(() => {
		console.error(`fan-out: not done after ${DEADLINE_MS / 1000} s, stopping`);
		for (const child of [...procs, wsProc]) child?.kill('SIGKILL');
		void server?.stop().finally(() => process.exit(1));
	}, DEADLINE_MS);
	deadline.unref();

	try {
		server = await startServer({ env: { ADMIN_TOKEN: TOKEN } });
		const url = server.url;
		wsProc = forkRole('ws-server');
		const { port } = await waitFor<{ type: string; port: number }>(
			wsProc,
			(m) => m.type === 'listening',
			30_000,
			'the ws server'
		);
		const wsUrl = `ws://127.0.0.1:${port}`;
		for (let i = 0; i < CLIENT_PROCS; i++) procs.push(forkRole('clients'));
		const receipts = new Receipts(procs);
		let sample: string | undefined;
		for (const proc of procs) {
			proc.on('message', (m: FromClients) => {
				if (m.type === 'sample') sample ??= m.json;
			});
		}
		db = openDatabase(server.databasePath);
		const resolveCountry = countryResolver(db);

		const health = async () =>
			((await (await fetch(`${url}/api/health`)).json()) as { seq: number }).seq;

		const connected = new Map(procs.map((p) => [p, { crossings: 0, ws: 0 }]));
		/** Opens sockets until each process holds its share of `n`; returns the time taken. */
		async function grow(kind: Kind, n: number, target: string): Promise<number> {
			const started = now();
			const after = kind === 'crossings' ? await health() : 0;
			const replies = procs.map(async (proc, i) => {
				const share = Math.floor(n / CLIENT_PROCS) + (i < n % CLIENT_PROCS ? 1 : 0);
				const have = connected.get(proc)![kind];
				const reply = waitFor<FromClients>(
					proc,
					(m) => m.type === 'connected' && m.kind === kind,
					CONNECT_TIMEOUT_MS,
					`${share} ${kind} clients`
				);
				proc.send({
					type: 'connect',
					kind,
					url: target,
					count: share - have,
					after
				} satisfies ToClients);
				const m = (await reply) as Extract<FromClients, { type: 'connected' }>;
				if (m.failed > 0) throw new Error(`${m.failed} ${kind} clients failed: ${m.error}`);
				connected.get(proc)![kind] = m.total;
			});
			await Promise.all(replies);
			return now() - started;
		}

		let day = '2031-01-01';
		let level = 0;
		/** The next restriction: a new day each time, so every one is a change. */
		const nextRestriction = (iso3: string) => {
			day = addDays(day, 1);
			level = (level + 1) % 5;
			return { iso3, effective_from: day, level, note: 'fan-out benchmark' };
		};

		/** (a) An editor's API write; the server pokes its own watcher. */
		async function viaApi(n: number): Promise<number[]> {
			const body = JSON.stringify(nextRestriction('FRA'));
			const t0 = now();
			const response = await fetch(`${url}/api/restrictions`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
				body
			});
			if (response.status !== 201) {
				throw new Error(
					`POST /api/restrictions: ${response.status} ${await response.text()}\n${server!.output()}`
				);
			}
			const { seq } = (await response.json()) as { seq: number };
			return latencies(await receipts.collect('crossings', seq, DELIVERY_TIMEOUT_MS), t0, n);
		}

		/** (b) Another process (this one) commits into the file; the server polls data_version. */
		async function viaFile(n: number): Promise<number[]> {
			const raw = nextRestriction('DEU');
			const text = JSON.stringify(raw);
			const t0 = now();
			const result = validateRestriction(raw, resolveCountry);
			if ('problems' in result) throw new Error(JSON.stringify(result.problems));
			const { seq } = commitRun(db!, restrictionsFeed, [result.value], {
				source: 'bench',
				sha256: createHash('sha256').update(text).digest('hex'),
				rowsRead: 1
			});
			if (VERBOSE) console.log(`  commit in this process: ${(now() - t0).toFixed(1)} ms`);
			return latencies(await receipts.collect('crossings', seq, DELIVERY_TIMEOUT_MS), t0, n);
		}

		let wsSeq = 1_000_000;
		/** The baseline: the same JSON sent by a bare ws server. */
		async function viaWs(n: number): Promise<number[]> {
			if (!sample) throw new Error('no `changes` event reached any client to copy');
			const event = JSON.parse(sample) as ChangesEvent;
			const seq = ++wsSeq;
			const body = JSON.stringify({ ...event, seq, after: seq - 1 });
			const t0 = now();
			const response = await fetch(`http://127.0.0.1:${port}/broadcast`, { method: 'POST', body });
			const sent = Number(await response.text());
			if (sent !== n) throw new Error(`ws server sent to ${sent} clients, expected ${n}`);
			return latencies(await receipts.collect('ws', seq, DELIVERY_TIMEOUT_MS), t0, n);
		}

		const rows: Row[] = [];
		for (const n of sizes) {
			const connectMs = {
				crossings: await grow('crossings', n, url),
				ws: await grow('ws', n, wsUrl)
			};
			const all = { api: [] as number[], external: [] as number[], ws: [] as number[] };
			// Round 0 warms up each path (and gives the real payload for the baseline).
			for (let round = 0; round <= ROUNDS; round++) {
				const api = await viaApi(n);
				await sleep(gap());
				const external = await viaFile(n);
				await sleep(gap());
				const ws = await viaWs(n);
				await sleep(gap());
				if (round === 0) continue;
				all.api.push(...api);
				all.external.push(...external);
				all.ws.push(...ws);
			}
			const expected = n * ROUNDS;
			rows.push({
				n,
				api: stats(all.api, expected),
				external: stats(all.external, expected),
				ws: stats(all.ws, expected),
				connectMs
			});
		}
		print(rows, Buffer.byteLength(sample!), load);
	} finally {
		clearTimeout(deadline);
		db?.close();
		await Promise.all([
			...procs.map((p) => stopChild(p, { type: 'close' })),
			wsProc && stopChild(wsProc)
		]);
		await server?.stop();
	}
}

function latencies(times: number[], t0: number, n: number): number[] {
	if (times.length > n) throw new Error(`${times.length} receipts for ${n} clients`);
	const out = times.map((t) => t - t0);
	if (VERBOSE) {
		const s = [...out].sort((a, b) => a - b);
		const f = (v: number | undefined) => v?.toFixed(1) ?? '—';
		console.log(
			`  change at ${t0.toFixed(1)}: ${s.length} received, first ${f(s[0])} ms, ` +
				`p50 ${f(percentile(s, 50))} ms, last ${f(s.at(-1))} ms`
		);
	}
	return out;
}

function print(rows: Row[], payloadBytes: number, load: number): void {
	const ms = (v: number) => (Number.isNaN(v) ? '—' : v.toFixed(1)).padStart(7);
	const cols = (s: Stats) =>
		`${ms(s.p50)}${ms(s.p95)}${ms(s.p99)}${ms(s.max)}  ${`${s.delivered}/${s.expected}`.padStart(11)}`;
	console.log(
		`\nfan-out: one committed change to N /live clients (websocket) against a raw ws broadcast of` +
			` the same ${payloadBytes}-byte JSON;\n${ROUNDS} changes per trigger after a warm-up, ` +
			`${CLIENT_PROCS} client processes, latencies in ms from just before the write; ` +
			`${availableParallelism()} cores, load average ${load.toFixed(2)} at the start\n`
	);
	console.log(
		`${'N'.padStart(5)}  ${'trigger'.padEnd(22)}${'p50'.padStart(7)}${'p95'.padStart(7)}` +
			`${'p99'.padStart(7)}${'max'.padStart(7)}  ${'delivered'.padStart(11)}   ` +
			`${'ws p50'.padStart(7)}${'p95'.padStart(7)}${'p99'.padStart(7)}${'max'.padStart(7)}  ` +
			`${'delivered'.padStart(11)}   p99 ratio`
	);
	for (const row of rows) {
		for (const [name, s] of [
			['API POST (poke)', row.api],
			['other process (poll)', row.external]
		] as const) {
			console.log(
				`${String(row.n).padStart(5)}  ${name.padEnd(22)}${cols(s)}   ${cols(row.ws)}   ` +
					`${(s.p99 / row.ws.p99).toFixed(2)}×`
			);
		}
	}
	for (const row of rows) {
		console.log(
			`connecting ${row.n} clients: Crossings ${(row.connectMs.crossings / 1000).toFixed(1)} s ` +
				`(subscribed), raw ws ${(row.connectMs.ws / 1000).toFixed(1)} s`
		);
	}
	const largest = rows.find((r) => r.n === TARGET_CLIENTS);
	if (largest) {
		const verdict = (name: string, p99: number) => {
			const ratio = p99 / largest.ws.p99;
			const ok = p99 <= TARGET_P99_MS && ratio <= TARGET_RATIO;
			return `${name} ${ok ? 'met' : 'MISSED'} (p99 ${p99.toFixed(1)} ms, ${ratio.toFixed(2)}×)`;
		};
		console.log(
			`target at ${largest.n} clients, p99 ≤ ${TARGET_P99_MS} ms and ≤ ${TARGET_RATIO}× raw ws: ` +
				`${verdict('API POST', largest.api.p99)}; ${verdict('other process', largest.external.p99)}`
		);
	}
}

const role = process.argv[2];
if (role === 'clients') clientProcess();
else if (role === 'ws-server') wsServerProcess();
else if (process.argv[1] && resolve(process.argv[1]) === FILE) await runFanout();
