/**
 * Read path: what the production server answers per second on its reads, beside a static file
 * served by the same process, and how long its event loop stalls while it works, beside the
 * same server idle. Everything is measured in one run on one machine.
 *
 * One production server (server.ts, a child process, on a private copy of build/ so that a
 * rebuild elsewhere cannot swap its route chunks mid-run) on a freshly seeded database, with
 * FEEDS_CONFIG pointing at a local node:http server that holds the server's first poll until
 * phase (b). In order:
 *
 * 1. idle: the event-loop delay of the server doing nothing (the baseline of part 2).
 * 2. (b) a scheduled full OxCGRT C8 ingest in the server's worker thread: the feed server
 *    answers the held poll with the bundled file with every level shifted by one (0→1 … 4→0:
 *    every value changes, the runs keep their shape); measured from the release until
 *    /api/health shows the commit, plus 200 ms.
 * 3. part 1: autocannon, 50 connections, a warm-up then READ_SECONDS per target, with
 *    `Accept-Encoding: br, gzip`: /favicon.svg (the baseline), /geo/countries-50m.json,
 *    /api/health, /api/border-status, /api/border-status/series, / (phase (c) is the delay
 *    during the / run), the three dynamic reads with If-None-Match (304s), and /favicon.svg
 *    again: ratios are to the mean of the two baseline runs.
 * 4. first render: an editor's commit, then one uncached GET of /series (or /), then cached
 *    GETs, several times.
 * 5. (a) 500 `subscribe` messages on one socket plus 100 sockets each replaying 100 commits.
 *
 * The event-loop delay comes from the server's /metrics (prom-client's monitorEventLoopDelay,
 * 10 ms resolution, so an idle server shows about 11 ms; reset at each scrape): one scrape
 * before a phase, one after. The output says how much of the machine other processes took
 * during the run (from /proc): the clients share the cores with the server, and any other
 * work shows in the tails. READ_CPU_PROF=DIR profiles the server (see PROFILE_DIR).
 *
 * Run alone with `npm run bench -- --only read` or `npx tsx bench/readPath.ts`.
 */
import { execFileSync } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import {
	Agent,
	createServer,
	request,
	type IncomingHttpHeaders,
	type ServerResponse
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { io as connect, type Socket } from 'socket.io-client';
import type {
	ChangesEvent,
	LiveClientToServer,
	LiveServerToClient,
	SubscribeAck
} from '../src/lib/domain/live.ts';
import { openDatabase } from '../src/lib/server/db/open.ts';
import { ingestBundledSnapshots } from '../src/lib/server/seed.ts';
import { readGrid, writeGrid } from '../tests/support/c8Variants.ts';
import {
	C8_SNAPSHOT,
	ROOT,
	startServer,
	tempDir,
	type RunningServer
} from '../tests/support/server.ts';

/** Overridable to explore: READ_SECONDS=10 READ_WARMUP_SECONDS=2 READ_CONNECTIONS=50. */
const SECONDS = Number(process.env.READ_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.READ_WARMUP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.READ_CONNECTIONS ?? 50);
const IDLE_SECONDS = 5;
/** Uncached renders timed per path (each after its own commit). */
const RENDERS = 5;
/** Phase (a): subscribes on one socket, and replaying sockets × commits each. */
const SUBSCRIBE_FLOOD = 500;
const REPLAY_SOCKETS = 100;
const REPLAY_COMMITS = 100;
/** The whole read benchmark is stopped (and the server killed) after this. */
const DEADLINE_MS = 240_000;
const TOKEN = 'bench-read-token-0123456789';
/**
 * READ_CPU_PROF=DIR: the server runs with --cpu-prof into DIR, and DIR/marks.json gets each
 * phase's start and end on the profile's clock (CLOCK_MONOTONIC, µs), to slice the profile.
 */
const PROFILE_DIR = process.env.READ_CPU_PROF ? resolve(process.env.READ_CPU_PROF) : null;
const FILE = fileURLToPath(import.meta.url);
const ACCEPT = { 'accept-encoding': 'br, gzip' };

/** Targets from the issue. */
const TARGET_PAGE_RATIO = 0.25;
const TARGET_API_RATIO = 0.5;
const TARGET_API_P99_MS = 100;
const TARGET_LOOP_P99_MS = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const marks: { label: string; us: number }[] = [];
const mark = (label: string) => marks.push({ label, us: Number(process.hrtime.bigint() / 1000n) });
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

// ---------------------------------------------------------------------------------------------
// The machine and the code measured.

function machine(): string[] {
	let model = 'unknown CPU';
	try {
		const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
		if (m) model = m[1]!.trim();
	} catch {
		// not Linux
	}
	const git = (...args: string[]) => {
		try {
			return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
		} catch {
			return null;
		}
	};
	const commit = git('rev-parse', '--short', 'HEAD') ?? 'no git';
	const dirty = git('status', '--porcelain');
	const load = loadavg().map((l) => l.toFixed(2));
	return [
		`machine: ${availableParallelism()} cores, ${model}; load average ${load.join(' ')} at the start`,
		`node ${process.version}; ${new Date().toISOString()}; commit ${commit}` +
			(dirty ? ' + uncommitted changes' : '')
	];
}

/**
 * CPU time (clock ticks) the whole machine spent busy, and this process and its descendants
 * (the server) spent, from /proc: the difference over the run is what other work took.
 */
function cpuTicks(): { busy: number; total: number; ours: number; steal: number } | null {
	try {
		const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
		const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
		const busy = user! + nice! + system! + irq! + softirq! + steal!;
		const stats = new Map<number, { ppid: number; ticks: number }>();
		for (const entry of readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			try {
				const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
				// Fields after the command name (which may hold spaces) in parentheses.
				const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
				// ppid is field 4; utime, stime, cutime, cstime are fields 14–17.
				const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(rest[i]), 0);
				stats.set(Number(entry), { ppid: Number(rest[1]), ticks });
			} catch {
				// gone meanwhile
			}
		}
		const ours = (pid: number): boolean => {
			for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
				if (p === process.pid) return true;
				p = stats.get(p)?.ppid ?? 0;
			}
			return false;
		};
		let mine = 0;
		for (const [pid, { ticks }] of stats) if (ours(pid)) mine += ticks;
		return { busy, total: busy + idle! + iowait!, ours: mine, steal: steal! };
	} catch {
		return null;
	}
}

function cpuShare(start: ReturnType<typeof cpuTicks>, end: ReturnType<typeof cpuTicks>): string {
	if (!start || !end) return 'CPU shares unknown (no /proc)';
	const total = end.total - start.total;
	const pct = (ticks: number) => `${((100 * ticks) / total).toFixed(0)}%`;
	const ours = end.ours - start.ours;
	const busy = end.busy - start.busy;
	return (
		`during the run the ${availableParallelism()} cores were ${pct(busy)} busy: this bench and its ` +
		`server ${pct(ours)}, other processes ${pct(Math.max(0, busy - ours))}; ` +
		`stolen by the hypervisor ${pct(end.steal - start.steal)}`
	);
}

// ---------------------------------------------------------------------------------------------
// Talking to the server.

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

interface Answer {
	status: number;
	headers: IncomingHttpHeaders;
	bytes: number;
	body: Buffer;
	ms: number;
}

/** One request on a kept-alive connection, timed to the last byte of the body. */
function get(
	base: string,
	path: string,
	options: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<Answer> {
	return new Promise((done, fail) => {
		const started = performance.now();
		const req = request(
			new URL(path, base),
			{ agent, method: options.method ?? 'GET', headers: options.headers },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('error', fail);
				res.on('end', () => {
					const body = Buffer.concat(chunks);
					done({
						status: res.statusCode ?? 0,
						headers: res.headers,
						bytes: body.length,
						body,
						ms: performance.now() - started
					});
				});
			}
		);
		req.on('error', fail);
		req.end(options.body);
	});
}

async function health(base: string): Promise<number> {
	const answer = await get(base, '/api/health');
	if (answer.status !== 200) throw new Error(`/api/health: ${answer.status}`);
	return (JSON.parse(answer.body.toString('utf8')) as { seq: number }).seq;
}

interface Scrape {
	/** Event-loop delay since the previous scrape, in ms. */
	p99: number;
	max: number;
	/** crossings_read_cache_total by result, cumulative. */
	cache: Record<string, number>;
	/** V8 heap used and resident set, in MB. */
	heapMb: number;
	rssMb: number;
}

/** Reads /metrics; prom-client resets its event-loop histogram on each scrape. */
async function scrape(base: string): Promise<Scrape> {
	const answer = await get(base, '/metrics');
	if (answer.status !== 200) throw new Error(`/metrics: ${answer.status}`);
	const text = answer.body.toString('utf8');
	const gauge = (name: string) => {
		const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
		if (!m) throw new Error(`/metrics has no ${name}`);
		return Number(m[1]);
	};
	const cache: Record<string, number> = {};
	for (const m of text.matchAll(/^crossings_read_cache_total\{result="([^"]+)"\} (\S+)$/gm)) {
		cache[m[1]!] = Number(m[2]);
	}
	return {
		p99: gauge('nodejs_eventloop_lag_p99_seconds') * 1000,
		max: gauge('nodejs_eventloop_lag_max_seconds') * 1000,
		cache,
		heapMb: gauge('nodejs_heap_size_used_bytes') / 2 ** 20,
		rssMb: gauge('process_resident_memory_bytes') / 2 ** 20
	};
}

const cacheDelta = (before: Scrape, after: Scrape) => {
	const out: Record<string, number> = {};
	for (const [k, v] of Object.entries(after.cache)) {
		const d = v - (before.cache[k] ?? 0);
		if (d > 0) out[k] = d;
	}
	return out;
};

let day = '2021-01-01';
let restrictions = 0;
const ISO3 = ['FRA', 'DEU', 'ITA', 'ESP', 'PRT', 'NLD', 'BEL', 'AUT', 'POL', 'SWE'];
/** An editor's write: a new restriction on a new day each time, so every one is a commit. */
async function commit(base: string): Promise<number> {
	const n = restrictions++;
	const iso3 = ISO3[n % ISO3.length]!;
	if (n % ISO3.length === 0) {
		const d = new Date(`${day}T00:00:00Z`);
		d.setUTCDate(d.getUTCDate() + 1);
		day = d.toISOString().slice(0, 10);
	}
	const answer = await get(base, '/api/restrictions', {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
		body: JSON.stringify({ iso3, effective_from: day, level: n % 5, note: 'read-path benchmark' })
	});
	if (answer.status !== 201) {
		throw new Error(`POST /api/restrictions: ${answer.status} ${answer.body.toString('utf8')}`);
	}
	return (JSON.parse(answer.body.toString('utf8')) as { seq: number }).seq;
}

// ---------------------------------------------------------------------------------------------
// Load.

interface Load {
	path: string;
	label: string;
	rps: number;
	p50: number;
	p99: number;
	requests: number;
	/** Responses by status, and errors/timeouts. */
	statuses: Record<string, number>;
	errors: number;
	timeouts: number;
	/** Mean bytes per response (headers included), as autocannon counts them. */
	bytesPerResponse: number;
	loop: { p99: number; max: number };
	cache: Record<string, number>;
	/** The server's heap used and RSS after the run, MB. */
	heapMb: number;
	rssMb: number;
}

async function cannon(
	base: string,
	path: string,
	headers: Record<string, string>,
	seconds: number
): Promise<autocannon.Result> {
	return autocannon({
		url: new URL(path, base).href,
		connections: CONNECTIONS,
		duration: seconds,
		headers
	});
}

async function load(
	base: string,
	path: string,
	label: string,
	headers: Record<string, string> = ACCEPT
): Promise<Load> {
	await cannon(base, path, headers, WARMUP_SECONDS);
	const before = await scrape(base);
	mark(`${path} ${label}: start`);
	const result = await cannon(base, path, headers, SECONDS);
	mark(`${path} ${label}: end`);
	const after = await scrape(base);
	const statuses: Record<string, number> = {};
	for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) {
		statuses[code] = Number(count ?? 0);
	}
	const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
	return {
		path,
		label,
		rps: requests / result.duration,
		p50: result.latency.p50,
		p99: result.latency.p99,
		requests,
		statuses,
		errors: result.errors,
		timeouts: result.timeouts,
		bytesPerResponse: requests ? result.throughput.total / requests : 0,
		loop: { p99: after.p99, max: after.max },
		cache: cacheDelta(before, after),
		heapMb: after.heapMb,
		rssMb: after.rssMb
	};
}

// ---------------------------------------------------------------------------------------------
// Phase (b): the feed server.

/** The bundled C8 file with every level shifted by one (0→1 … 4→0): every value changes. */
function shiftedC8(): string {
	const grid = readGrid(readFileSync(C8_SNAPSHOT, 'utf8'));
	let changed = 0;
	for (const row of grid.slice(1)) {
		for (let i = 3; i < row.length; i++) {
			if (/^[0-4]$/.test(row[i]!)) {
				row[i] = String((Number(row[i]) + 1) % 5);
				changed++;
			}
		}
	}
	if (changed < 100_000) throw new Error(`only ${changed} C8 values to shift`);
	return writeGrid(grid, { quoteAll: true });
}

interface FeedServer {
	url: string;
	/** Resolves when the server's first poll has arrived (and is being held). */
	polled: Promise<void>;
	/** Answers the held poll with the file. */
	release(): void;
	close(): Promise<void>;
}

async function feedServer(body: string): Promise<FeedServer> {
	let held: ServerResponse | null = null;
	let released = false;
	let onPolled!: () => void;
	const polled = new Promise<void>((r) => (onPolled = r));
	const answer = (res: ServerResponse) =>
		res.writeHead(200, { 'content-type': 'text/csv', etag: '"shifted-1"' }).end(body);
	const http = createServer((req, res) => {
		if (req.url !== '/c8.csv') return void res.writeHead(404).end();
		if (req.headers['if-none-match'] === '"shifted-1"') return void res.writeHead(304).end();
		if (released) return answer(res);
		held = res;
		onPolled();
	});
	await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
	const { port } = http.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/c8.csv`,
		polled,
		release() {
			released = true;
			if (held) answer(held);
		},
		close: () =>
			new Promise<void>((r) => {
				http.closeAllConnections();
				http.close(() => r());
			})
	};
}

// ---------------------------------------------------------------------------------------------
// Phase (a): sockets.

type LiveSocket = Socket<LiveServerToClient, LiveClientToServer>;

function openSocket(base: string): Promise<LiveSocket> {
	return new Promise((done, fail) => {
		const socket: LiveSocket = connect(`${base}/live`, {
			transports: ['websocket'],
			forceNew: true,
			reconnection: false,
			timeout: 30_000
		});
		socket.once('connect_error', fail);
		socket.once('connect', () => done(socket));
	});
}

interface SocketPhase {
	ms: number;
	floodAcks: Record<string, number>;
	replayed: number;
	replayExpected: number;
	replayAcksOk: number;
}

async function socketPhase(sockets: LiveSocket[], after: number, upTo: number) {
	const [flooder, ...replayers] = sockets;
	const started = performance.now();
	const floodAcks: Record<string, number> = {};
	const flood = Array.from(
		{ length: SUBSCRIBE_FLOOD },
		() =>
			new Promise<void>((done) => {
				flooder!.emit('subscribe', { layers: ['border-status'], after: 0 }, (ack: SubscribeAck) => {
					const kind = ack.ok
						? 'ok'
						: /in flight|still being served/.test(ack.error)
							? 'refused: in flight'
							: /too many/.test(ack.error)
								? 'refused: rate'
								: `refused: ${ack.error}`;
					floodAcks[kind] = (floodAcks[kind] ?? 0) + 1;
					done();
				});
			})
	);
	let replayed = 0;
	let replayAcksOk = 0;
	const replays = replayers.map(
		(socket) =>
			new Promise<void>((done) => {
				let got = 0;
				let acked = false;
				const check = () => {
					if (acked && got >= upTo - after) {
						socket.off('changes', onChanges);
						done();
					}
				};
				const onChanges = (event: ChangesEvent) => {
					if (event.seq > after && event.seq <= upTo) {
						got++;
						replayed++;
					}
					check();
				};
				socket.on('changes', onChanges);
				socket.emit('subscribe', { layers: ['border-status'], after }, (ack: SubscribeAck) => {
					acked = true;
					if (ack.ok) replayAcksOk++;
					else {
						socket.off('changes', onChanges);
						return done();
					}
					check();
				});
			})
	);
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 30_000)));
	const outcome = await Promise.race([Promise.all([...flood, ...replays]), timeout]);
	clearTimeout(timer);
	if (outcome === 'timeout') {
		console.log('read path (a): not every ack or replayed change arrived within 30 s');
	}
	return {
		ms: performance.now() - started,
		floodAcks,
		replayed,
		replayExpected: replayers.length * (upTo - after),
		replayAcksOk
	} satisfies SocketPhase;
}

// ---------------------------------------------------------------------------------------------
// The run.

interface Phase {
	name: string;
	p99: number;
	max: number;
	note: string;
}

const median = (values: number[]) => {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)]!;
};

export async function runReadPath(): Promise<void> {
	if (!existsSync(join(ROOT, 'build', 'handler.js'))) {
		console.log('\nread path: build/handler.js is missing: run `npm run build` first. Skipped.');
		process.exitCode = 1;
		return;
	}
	const header = machine();
	const cpuAtStart = cpuTicks();
	const dir = tempDir('crossings-readbench-');
	let server: RunningServer | undefined;
	let feeds: FeedServer | undefined;
	const sockets: LiveSocket[] = [];
	const deadline = setTimeout(() => {
		console.error(`read path: not done after ${DEADLINE_MS / 1000} s, stopping`);
		void server?.stop().finally(() => process.exit(1));
	}, DEADLINE_MS);
	deadline.unref();

	try {
		// A copy of the build, so that a rebuild by someone else during the run cannot swap the
		// server's route chunks under it (the routes are loaded on their first request). The
		// build is ES modules importing @sveltejs/kit …: a package.json and node_modules beside.
		const buildDir = join(dir, 'build');
		cpSync(join(ROOT, 'build'), buildDir, { recursive: true });
		if (!existsSync(join(buildDir, 'handler.js')))
			throw new Error('build/ changed while copied: retry');
		writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
		symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
		if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
		// A seeded database made here, so the server starts without seeding.
		const databasePath = join(dir, 'crossings.db');
		const db = openDatabase(databasePath);
		ingestBundledSnapshots(db, join(ROOT, 'data'));
		db.close();
		feeds = await feedServer(shiftedC8());
		const feedsConfig = join(dir, 'feeds.json');
		writeFileSync(
			feedsConfig,
			JSON.stringify([{ feed: 'oxcgrt-c8', url: feeds.url, every: '1h' }])
		);

		const options = {
			databasePath,
			env: {
				ADMIN_TOKEN: TOKEN,
				CROSSINGS_BUILD_DIR: buildDir,
				FEEDS_CONFIG: feedsConfig,
				LIVE_CONNECTIONS_PER_MINUTE: '1000000',
				LIVE_SUBSCRIBES_PER_MINUTE: '1000000'
			}
		};
		server = PROFILE_DIR
			? await startServer({
					...options,
					nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, '--cpu-prof-interval=500']
				})
			: await startServer(options);
		const base = server.url;
		await feeds.polled;
		const phases: Phase[] = [];

		// Idle: nothing but the held poll.
		await sleep(500);
		await scrape(base);
		mark('idle: start');
		await sleep(IDLE_SECONDS * 1000);
		mark('idle: end');
		const idle = await scrape(base);

		// (b) The scheduled ingest, from the release of the held poll to the commit.
		const seqBefore = await health(base);
		await scrape(base);
		const released = performance.now();
		mark('ingest: start');
		feeds.release();
		let seqAfter = seqBefore;
		let polls = 0;
		while (seqAfter === seqBefore && performance.now() - released < 60_000) {
			await sleep(50);
			seqAfter = await health(base);
			polls++;
		}
		const ingestMs = performance.now() - released;
		await sleep(200);
		mark('ingest: end');
		const ingest = await scrape(base);
		const summary = server
			.output()
			.split('\n')
			.reverse()
			.find((l) => l.includes('"feed":"oxcgrt-c8"') && l.includes('rowsChanged'));
		const changed = summary ? (JSON.parse(summary) as { rowsChanged: number }).rowsChanged : NaN;
		if (seqAfter === seqBefore)
			throw new Error(`the scheduled ingest did not commit:\n${server.output()}`);
		phases.push({
			name: '(b) scheduled full C8 ingest',
			p99: ingest.p99,
			max: ingest.max,
			note: `${changed} values changed, committed ${(ingestMs / 1000).toFixed(1)} s after the poll was answered (${polls} health polls meanwhile)`
		});

		// Part 1: the read path under load, after the ingest's worker has settled. The baseline
		// is measured first and again last; the ratios are to the mean of the two.
		await sleep(1000);
		const loads: Load[] = [];
		const targets: [string, string][] = [
			['/favicon.svg', 'static file (baseline)'],
			['/geo/countries-50m.json', 'static file, 745 KB (br 205 KB)'],
			['/api/health', 'uncached JSON'],
			['/api/border-status', 'cached JSON'],
			['/api/border-status/series', 'cached JSON'],
			['/', 'cached page']
		];
		const probes: string[] = [];
		for (const [path, label] of targets) {
			const probe = await get(base, path, { headers: ACCEPT });
			probes.push(
				`${path}: ${probe.status}, ${probe.headers['content-encoding'] ?? 'identity'}, ` +
					`${probe.bytes} bytes, etag ${probe.headers.etag ?? '—'}`
			);
			if (probe.status !== 200) {
				throw new Error(
					`${path}: ${probe.status} ${probe.body.toString('utf8').slice(0, 300)}\n` +
						server.output().slice(-3000)
				);
			}
			loads.push(await load(base, path, label));
		}
		const page = loads.find((l) => l.path === '/')!;
		phases.push({
			name: `(c) / under load (${CONNECTIONS} connections)`,
			p99: page.loop.p99,
			max: page.loop.max,
			note: `${page.rps.toFixed(0)} req/s`
		});
		for (const path of ['/api/border-status', '/api/border-status/series', '/']) {
			const probe = await get(base, path, { headers: ACCEPT });
			const etag = probe.headers.etag;
			if (!etag) throw new Error(`${path} has no ETag`);
			const check = await get(base, path, { headers: { ...ACCEPT, 'if-none-match': etag } });
			if (check.status !== 304) throw new Error(`${path} with If-None-Match: ${check.status}`);
			loads.push(
				await load(base, path, 'If-None-Match (304)', { ...ACCEPT, 'if-none-match': etag })
			);
		}
		loads.push(await load(base, '/favicon.svg', 'static file (baseline, again)'));

		// First render after a commit, against cached hits of the same version.
		const renders: Record<string, { miss: number[]; hit: number[] }> = {};
		const renderBefore = await scrape(base);
		mark('first renders: start');
		for (const path of ['/api/border-status/series', '/']) {
			const times = (renders[path] = { miss: [] as number[], hit: [] as number[] });
			for (let i = 0; i < RENDERS; i++) {
				await commit(base);
				const miss = await get(base, path, { headers: ACCEPT });
				if (miss.status !== 200) throw new Error(`${path} after a commit: ${miss.status}`);
				times.miss.push(miss.ms);
				for (let k = 0; k < 5; k++) times.hit.push((await get(base, path, { headers: ACCEPT })).ms);
			}
		}
		mark('first renders: end');
		const renderCache = cacheDelta(renderBefore, await scrape(base));

		// (a) Sockets: 100 commits to replay, 101 sockets, then the flood and the replays at once.
		const replayFrom = await health(base);
		for (let i = 0; i < REPLAY_COMMITS; i++) await commit(base);
		const replayTo = await health(base);
		for (let i = 0; i <= REPLAY_SOCKETS; i += 20) {
			const batch = Math.min(20, REPLAY_SOCKETS + 1 - i);
			sockets.push(...(await Promise.all(Array.from({ length: batch }, () => openSocket(base)))));
		}
		await sleep(500);
		await scrape(base);
		mark('sockets: start');
		const live = await socketPhase(sockets, replayFrom, replayTo);
		await sleep(100);
		mark('sockets: end');
		const socketsScrape = await scrape(base);
		const acks = Object.entries(live.floodAcks)
			.map(([k, v]) => `${v} ${k}`)
			.join(', ');
		phases.unshift({
			name: `(a) ${SUBSCRIBE_FLOOD} subscribes on 1 socket + ${REPLAY_SOCKETS} replays of ${replayTo - replayFrom} commits`,
			p99: socketsScrape.p99,
			max: socketsScrape.max,
			note:
				`${(live.ms / 1000).toFixed(2)} s; flood acks: ${acks}; replayed ${live.replayed}/` +
				`${live.replayExpected} changes, ${live.replayAcksOk}/${REPLAY_SOCKETS} replays acked ok`
		});

		header.push(cpuShare(cpuAtStart, cpuTicks()));
		print({ header, loads, phases, idle, renders, renderCache, probes });
		if (PROFILE_DIR) writeFileSync(join(PROFILE_DIR, 'marks.json'), JSON.stringify(marks, null, 1));
		const failures = server.output().match(/"level":(50|60)[^\n]*/g) ?? [];
		if (failures.length > 0) {
			console.log(`\nserver logged ${failures.length} errors, the first:\n${failures[0]}`);
		}
	} finally {
		clearTimeout(deadline);
		for (const socket of sockets) socket.close();
		await server?.stop();
		await feeds?.close();
		agent.destroy();
		rmSync(dir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// Output.

function print(run: {
	header: string[];
	loads: Load[];
	phases: Phase[];
	idle: Scrape;
	renders: Record<string, { miss: number[]; hit: number[] }>;
	renderCache: Record<string, number>;
	probes: string[];
}): void {
	const { loads, phases, idle } = run;
	const statics = loads.filter((l) => l.path === '/favicon.svg');
	const baseline = {
		path: '/favicon.svg',
		rps: statics.reduce((a, l) => a + l.rps, 0) / statics.length
	};
	const f = (v: number, d = 0) => v.toFixed(d);
	console.log(
		`\nread path: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per target after a ` +
			`${WARMUP_SECONDS} s warm-up, Accept-Encoding: br, gzip; ratios to the mean req/s of ` +
			`${baseline.path} (${baseline.rps.toFixed(0)}), measured first and last\n` +
			run.header.join('\n') +
			'\n'
	);
	for (const p of run.probes) console.log(`  ${p}`);
	console.log(
		`\n${'path'.padEnd(28)}${'kind'.padEnd(34)}${'req/s'.padStart(8)}${'ratio'.padStart(8)}` +
			`${'p50'.padStart(7)}${'p99'.padStart(7)}  ${'loop p99'.padStart(8)}${'max'.padStart(6)}` +
			`  statuses / cache`
	);
	for (const l of loads) {
		const statuses = Object.entries(l.statuses)
			.map(([k, v]) => `${v} × ${k}`)
			.join(', ');
		const cache = Object.entries(l.cache)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ');
		const errors = l.errors || l.timeouts ? `, ${l.errors} errors, ${l.timeouts} timeouts` : '';
		console.log(
			`${l.path.padEnd(28)}${l.label.padEnd(34)}${f(l.rps).padStart(8)}${`${(l.rps / baseline.rps).toFixed(2)}×`.padStart(8)}` +
				`${`${l.p50}`.padStart(7)}${`${l.p99}`.padStart(7)}  ${f(l.loop.p99, 1).padStart(8)}${f(l.loop.max).padStart(6)}` +
				`  ${statuses}${errors}${cache ? `; cache ${cache}` : ''}; ${f(l.bytesPerResponse)} B/response; ` +
				`heap ${f(l.heapMb)} MB, RSS ${f(l.rssMb)} MB after`
		);
	}
	console.log(
		"(latency p50/p99 and loop delay in ms; loop = the server's event-loop delay during that run)"
	);

	console.log(`\nfirst render after a commit (median of ${RENDERS}, time to the last byte, br):`);
	for (const [path, t] of Object.entries(run.renders)) {
		const miss = median(t.miss);
		const hit = median(t.hit);
		console.log(
			`  ${path.padEnd(28)} uncached ${f(miss, 1)} ms (max ${f(Math.max(...t.miss), 1)}), ` +
				`cached ${f(hit, 1)} ms: ${(miss / hit).toFixed(1)}× a hit`
		);
	}
	console.log(
		`  cache counters over these: ${Object.entries(run.renderCache)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}`
	);

	console.log(
		`\nevent-loop delay of the server (from /metrics; idle: p99 ${f(idle.p99, 1)} ms, max ${f(idle.max, 1)} ms over ${IDLE_SECONDS} s):`
	);
	for (const p of phases) {
		console.log(
			`  ${p.name.padEnd(58)} p99 ${f(p.p99, 1).padStart(6)} ms (${(p.p99 / idle.p99).toFixed(1)}× idle), ` +
				`max ${f(p.max, 1).padStart(6)} ms (${(p.max / idle.max).toFixed(1)}× idle)  ` +
				`${verdict(p.p99 < TARGET_LOOP_P99_MS)}\n      ${p.note}`
		);
	}

	console.log('\ntargets:');
	const by = (path: string) => loads.find((l) => l.path === path && !l.label.includes('304'))!;
	const page = by('/');
	console.log(
		`  /                         ≥ ${TARGET_PAGE_RATIO}× static: ${(page.rps / baseline.rps).toFixed(2)}×  ` +
			verdict(page.rps / baseline.rps >= TARGET_PAGE_RATIO)
	);
	for (const path of ['/api/border-status', '/api/border-status/series']) {
		const l = by(path);
		const ratio = l.rps / baseline.rps;
		console.log(
			`  ${path.padEnd(26)}≥ ${TARGET_API_RATIO}× static, p99 ≤ ${TARGET_API_P99_MS} ms: ` +
				`${ratio.toFixed(2)}×, p99 ${l.p99} ms  ${verdict(ratio >= TARGET_API_RATIO && l.p99 <= TARGET_API_P99_MS)}`
		);
	}
	for (const p of phases) {
		console.log(
			`  loop p99 < ${TARGET_LOOP_P99_MS} ms, ${p.name}: ${f(p.p99, 1)} ms  ${verdict(p.p99 < TARGET_LOOP_P99_MS)}`
		);
	}
}

if (process.argv[1] && resolve(process.argv[1]) === FILE) await runReadPath();
