/**
 * npm run start:cluster: WORKERS server processes (default: one per CPU, at most 8) on one
 * port. node:cluster hands each new connection to a worker; every worker runs server.ts
 * as `npm start` does, on the same SQLite file, and detects every commit itself. REDIS_URL is
 * required: presenter views and rate limits must be shared between workers.
 *
 * Long-polling needs every request of a connection on one process, which node:cluster does
 * not promise, so workers accept the WebSocket transport only (the page tries it first).
 */
import cluster, { type Worker } from 'node:cluster';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AggregatorRegistry } from 'prom-client';
import { loadConfig, workerCount } from '../src/lib/server/config.ts';
import { openDatabase, DatabaseOpenError } from '../src/lib/server/db/open.ts';
import { CLUSTER_METRICS, type ClusterMetricsMessage } from '../src/lib/server/metrics.ts';
import { ingestBundledSnapshots } from '../src/lib/server/seed.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function fail(message: string): never {
	console.error(message);
	process.exit(1);
}

let workers: number;
let config: ReturnType<typeof loadConfig>;
try {
	workers = workerCount();
	config = loadConfig();
} catch (err) {
	fail((err as Error).message);
}
if (!config.redisUrl) {
	fail('start:cluster needs REDIS_URL: the workers share presenter views and rate limits there');
}
if (config.role === 'replica') {
	// Every worker would follow the stream into the one file and apply each commit side by side.
	fail('start:cluster runs a primary only: start a replica (ROLE=replica) with `npm start`');
}
const buildDir = process.env.CROSSINGS_BUILD_DIR || join(root, 'build');
if (!existsSync(join(buildDir, 'handler.js'))) {
	fail('No build found: run `npm run build` first (or `npm start` once).');
}

// Migrations and the bundled snapshots, once, before any worker opens the file: the workers
// then find both done (the snapshots' hashes match) instead of ingesting them side by side.
try {
	const db = openDatabase(config.databasePath);
	for (const run of ingestBundledSnapshots(db, join(root, 'data'))) {
		console.log(`seeded ${run.feed}: ${run.rowsChanged} values from data/${run.file}`);
	}
	db.close();
} catch (err) {
	fail(err instanceof DatabaseOpenError ? err.message : `cannot start: ${(err as Error).message}`);
}

cluster.setupPrimary({ exec: join(root, 'server.ts') });

/** Which slot each worker fills, so a replacement takes over its predecessor's duties. */
const slots = new Map<Worker, number>();
const listening = new Set<Worker>();
let closing = false;
let announced = false;

function fork(slot: number): void {
	// Configured feeds are polled by one worker only: N pollers would fetch every feed N times.
	const worker = cluster.fork({
		FEEDS_CONFIG: slot === 0 ? (process.env.FEEDS_CONFIG ?? '') : '',
		CROSSINGS_WORKER: String(slot + 1)
	});
	slots.set(worker, slot);
}

cluster.on('listening', (worker, address) => {
	listening.add(worker);
	if (announced || listening.size < workers) return;
	announced = true;
	const host = config.host.includes(':') ? `[${config.host}]` : config.host;
	console.log(`Crossings listening on http://${host}:${address.port} (${workers} workers)`);
});

cluster.on('exit', (worker, code, signal) => {
	const slot = slots.get(worker) ?? 0;
	slots.delete(worker);
	listening.delete(worker);
	if (closing) {
		if (slots.size === 0) process.exit(0);
		return;
	}
	// A worker that died is replaced; the pause keeps a worker that cannot start from spinning.
	console.error(`worker ${slot + 1} exited (${signal ?? code}); starting a new one in 1 s`);
	setTimeout(() => fork(slot), 1000).unref();
});

/** Stops taking connections and lets every worker close as a single server would. */
function drain(signal: string): void {
	if (closing) return;
	closing = true;
	console.log(`${signal}: closing ${slots.size} workers`);
	if (slots.size === 0) process.exit(0);
	for (const worker of slots.keys()) worker.process.kill('SIGTERM');
	// Past a worker's own 10 s deadline, whatever is left is stopped.
	setTimeout(() => {
		for (const worker of slots.keys()) worker.process.kill('SIGKILL');
		process.exit(1);
	}, 15_000).unref();
}
// A scrape of /metrics lands on one worker, which asks here for every worker's metrics summed.
const aggregator = new AggregatorRegistry();
cluster.on('message', (worker, message: ClusterMetricsMessage) => {
	if (message?.type !== CLUSTER_METRICS) return;
	const answer = (reply: Omit<ClusterMetricsMessage, 'type' | 'id'>) => {
		if (worker.isConnected()) worker.send({ type: CLUSTER_METRICS, id: message.id, ...reply });
	};
	aggregator.clusterMetrics().then(
		(text) => answer({ text }),
		(err: Error) => answer({ error: err.message })
	);
});

process.on('SIGTERM', () => drain('SIGTERM'));
process.on('SIGINT', () => drain('SIGINT'));

for (let slot = 0; slot < workers; slot++) fork(slot);
