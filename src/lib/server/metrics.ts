/**
 * What operators see at /metrics (Prometheus text format). The production entry (tsx) and the
 * SvelteKit bundle each load their own copy of this module, so the registry and its metrics
 * live on globalThis: both halves count into the same series.
 */
import cluster from 'node:cluster';
import {
	AggregatorRegistry,
	Counter,
	Gauge,
	Histogram,
	Registry,
	collectDefaultMetrics
} from 'prom-client';

function createMetrics() {
	const registry = new Registry();
	// Includes the event loop's delay (nodejs_eventloop_lag_*), heap, RSS, open handles.
	collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
	const registers = [registry];
	// Under start:cluster the primary asks every worker for this registry over prom-client's
	// IPC; constructing an AggregatorRegistry is what installs a worker's answering listener.
	if (cluster.isWorker) {
		new AggregatorRegistry();
		AggregatorRegistry.setRegistries([registry]);
	}
	return {
		registry,
		httpDuration: new Histogram({
			name: 'crossings_http_request_duration_seconds',
			help: 'HTTP requests answered by the app, by route, method and status class',
			labelNames: ['route', 'method', 'status'] as const,
			buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
			registers
		}),
		readCache: new Counter({
			name: 'crossings_read_cache_total',
			help: 'Reads answered from the per-data-version cache (hit), rendered (miss) or 304',
			labelNames: ['result'] as const,
			registers
		}),
		openSockets: new Gauge({
			name: 'crossings_live_open_sockets',
			help: 'Open Socket.IO connections on /live',
			registers
		}),
		commitsBroadcast: new Counter({
			name: 'crossings_live_commits_total',
			help: 'Commits announced to live subscribers',
			registers
		}),
		deliveries: new Counter({
			name: 'crossings_live_deliveries_total',
			help: 'changes events sent to sockets (live broadcasts and replays)',
			labelNames: ['kind'] as const,
			registers
		}),
		replayCommits: new Histogram({
			name: 'crossings_live_replay_commits',
			help: 'Commits replayed per subscription that asked for a replay',
			buckets: [0, 1, 5, 25, 100, 500, 1000],
			registers
		}),
		slowConsumers: new Counter({
			name: 'crossings_live_slow_consumers_total',
			help: 'Sockets over LIVE_MAX_BUFFERED_BYTES: sent a reload instead of changes, or dropped',
			labelNames: ['action'] as const,
			registers
		}),
		refused: new Counter({
			name: 'crossings_live_refused_total',
			help: 'Connections, subscriptions and session messages refused, by reason',
			labelNames: ['reason'] as const,
			registers
		}),
		ingestRuns: new Counter({
			name: 'crossings_ingest_runs_total',
			help: 'Ingest runs in this process by feed and outcome (changed, unchanged, refused, failed)',
			labelNames: ['feed', 'outcome'] as const,
			registers
		})
	};
}

export type Metrics = ReturnType<typeof createMetrics>;

const KEY = Symbol.for('crossings.metrics');
type WithMetrics = typeof globalThis & { [KEY]?: Metrics };

export function metrics(): Metrics {
	const g = globalThis as WithMetrics;
	return (g[KEY] ??= createMetrics());
}

/** The message a worker sends its primary for the whole cluster's metrics, and the answer. */
export const CLUSTER_METRICS = 'crossings:cluster-metrics';
export interface ClusterMetricsMessage {
	type: typeof CLUSTER_METRICS;
	id: number;
	text?: string;
	error?: string;
}

let asked = 0;

/**
 * The metrics a scrape should see. A single server's are its own. Under start:cluster a
 * scrape lands on whichever worker node:cluster hands the connection to, so that worker asks
 * the primary, which sums every worker's registry (counters and histograms add up, as do
 * gauges such as open sockets): any worker answers for the whole cluster.
 */
export async function scrapeMetrics(): Promise<string> {
	const { registry } = metrics();
	if (!cluster.isWorker || !process.send) return registry.metrics();
	const id = ++asked;
	return new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => {
			process.off('message', onMessage);
			reject(new Error('the cluster primary did not answer for the metrics within 5 s'));
		}, 5000);
		const onMessage = (message: ClusterMetricsMessage) => {
			if (message?.type !== CLUSTER_METRICS || message.id !== id) return;
			clearTimeout(timer);
			process.off('message', onMessage);
			if (message.text !== undefined) resolve(message.text);
			else reject(new Error(message.error ?? 'no metrics from the cluster primary'));
		};
		process.on('message', onMessage);
		process.send!({ type: CLUSTER_METRICS, id } satisfies ClusterMetricsMessage);
	});
}
