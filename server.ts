/**
 * Production entry: one HTTP server for the SvelteKit app (adapter-node's handler) and
 * Socket.IO. adapter-node's own PORT/HOST/shutdown handling is bypassed by a custom
 * server, so it is done here.
 */
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closeServerContext, serverContext, type ServerContext } from './src/lib/server/context.ts';
import { databaseFileProblem, DatabaseOpenError } from './src/lib/server/db/open.ts';
import { staticFiles } from './src/lib/server/http/staticFiles.ts';
import {
	loadFeedsConfig,
	startConfiguredFeeds,
	type FeedConfigEntry
} from './src/lib/server/ingest/schedule.ts';
import { attachLive } from './src/lib/server/live/socket.ts';
import { log } from './src/lib/server/log.ts';
import { sharedRedis } from './src/lib/server/redis.ts';
import {
	bootstrapFromPrimary,
	serveSnapshot,
	SNAPSHOT_PATH,
	startFollower,
	startPublisher
} from './src/lib/server/replication/stream.ts';
import { lastSeq } from './src/lib/server/db/changeLog.ts';
import { ingestBundledSnapshots } from './src/lib/server/seed.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => unknown;

const root = fileURLToPath(new URL('.', import.meta.url));
// CROSSINGS_BUILD_DIR: a build kept elsewhere (tests run a copy they can break).
const buildDir = process.env.CROSSINGS_BUILD_DIR || `${root}build`;
const handlerPath = `${buildDir}/handler.js`;
if (!existsSync(handlerPath)) {
	console.error('No build found: run `npm run build` (or `npm start`, which builds if needed).');
	process.exit(1);
}
const { handler } = (await import(pathToFileURL(handlerPath).href)) as { handler: Handler };

let ctx: ServerContext;
try {
	ctx = serverContext();
} catch (err) {
	// A read-only, missing or foreign database file is the operator's to fix: say so in one line.
	console.error(
		err instanceof DatabaseOpenError ? err.message : `cannot start: ${(err as Error).message}`
	);
	process.exit(1);
}
// Feeds polled in this process (FEEDS_CONFIG): an invalid file stops the start before anything.
let feedEntries: FeedConfigEntry[] = [];
try {
	feedEntries = ctx.config.feedsConfig ? loadFeedsConfig(ctx.config.feedsConfig) : [];
} catch (err) {
	console.error((err as Error).message);
	process.exit(1);
}
const replica = ctx.config.role === 'replica';
if (replica && feedEntries.length > 0) {
	// A replica's data is the primary's: feeds run there, never here.
	console.error('FEEDS_CONFIG is for the primary: a replica (ROLE=replica) does not run feeds');
	process.exit(1);
}
// A replica with no data yet starts from the primary's snapshot, before it serves anything.
if (replica && lastSeq(ctx.db) === 0) {
	try {
		const seq = await bootstrapFromPrimary(ctx);
		console.log(`replica: bootstrapped from ${ctx.config.primaryUrl} at seq ${seq}`);
	} catch (err) {
		console.error(`cannot start the replica: ${(err as Error).message}`);
		process.exit(1);
	}
}
// A new database gets the bundled snapshots; an existing one the bundled files that changed.
// Not on a replica: its data comes from the primary alone, or its seqs would diverge.
for (const run of replica ? [] : ingestBundledSnapshots(ctx.db, `${root}data`)) {
	const seqs = run.rowsChanged > 0 ? ` (seq ${run.seq - run.rowsChanged + 1}–${run.seq})` : '';
	console.log(
		`seeded ${run.feed}: ${run.rowsChanged} values from data/${run.file}${seqs} in ${run.ms} ms`
	);
}
const feeds = startConfiguredFeeds(ctx, feedEntries);

const serveStatic = staticFiles(`${buildDir}/client`, {
	immutablePrefix: '/_app/immutable/',
	onError: (err, path) => log().error({ err, path }, 'static file failed')
});

/** Nothing one request does may end the process: its errors end that response only. */
function respond(req: IncomingMessage, res: ServerResponse) {
	const fail = (err: unknown) => {
		log().error({ err, method: req.method, path: req.url }, 'request failed outside the app');
		if (!res.headersSent) {
			res.writeHead(500, { 'content-type': 'text/plain' });
			res.end('Internal error');
		} else res.destroy();
	};
	// Served here, not by a route: it streams a file and is no part of the public API.
	if (req.method === 'GET' && req.url?.split('?')[0] === SNAPSHOT_PATH) {
		serveSnapshot(ctx, req, res).catch(fail);
		return;
	}
	// Static files answer their own errors; the app's handler may throw or reject.
	serveStatic(req, res, () => {
		try {
			Promise.resolve(handler(req, res)).catch(fail);
		} catch (err) {
			fail(err);
		}
	});
}

const server = createServer(respond);
const live = attachLive(server, ctx, {
	// A worker of scripts/cluster.ts shares its port with the others: see websocketOnly.
	websocketOnly: cluster.isWorker,
	limits: {
		connectionsPerMinute: ctx.config.liveConnectionsPerMinute,
		subscribesPerMinute: ctx.config.liveSubscribesPerMinute,
		maxBufferedBytes: ctx.config.liveMaxBufferedBytes
	}
});

// A primary with REPLICATION_TOKEN (replicas need it for their snapshot) publishes every commit
// for them; without it a cluster on one machine keeps no stream in Redis that nobody reads.
const redis = sharedRedis(ctx);
const publisher =
	redis && !replica && ctx.config.replicationToken ? startPublisher(ctx, redis) : null;
if (publisher) live.watcher.onCommits(() => publisher.publish());
const follower = replica ? startFollower(ctx) : null;

// Health answers 503 when the file is gone; the log says so once, loudly, for whoever watches it.
let reportedFileProblem = false;
setInterval(() => {
	const problem = databaseFileProblem(ctx.db);
	if (problem && !reportedFileProblem)
		log().fatal({ databasePath: ctx.config.databasePath }, problem);
	reportedFileProblem = problem !== null;
}, 5000).unref();

server.listen(ctx.config.port, ctx.config.host, () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : ctx.config.port;
	const host = ctx.config.host.includes(':') ? `[${ctx.config.host}]` : ctx.config.host;
	// Behind the cluster script the primary says "listening" once every worker is.
	if (cluster.isWorker)
		console.log(
			`worker ${process.env.CROSSINGS_WORKER} (pid ${process.pid}) ready on port ${port}`
		);
	else console.log(`Crossings listening on http://${host}:${port}`);
});

let closing = false;
/** In-flight requests get this long to finish after a SIGTERM before their connections are cut. */
const DRAIN_MS = 5_000;
/** The process exits by then whatever is still open (the supervisor's kill comes later). */
const EXIT_DEADLINE_MS = 10_000;
function shutdown(signal: string, code = 0) {
	if (closing) return;
	closing = true;
	console.log(`${signal}: closing`);
	setTimeout(() => process.exit(1), EXIT_DEADLINE_MS).unref();
	// Polling stops at once; an ingest in flight in the feeds' worker thread commits first.
	const feedsStopped = feeds.stop();
	// A replica stops reading the commit stream before its database closes.
	follower?.stop();
	// Stop accepting first, so a reconnecting socket or a new request goes to another process
	// (or waits for the restart), never to this one that is on its way out.
	server.close(() => {
		void feedsStopped.finally(() => {
			closeServerContext();
			process.exit(code);
		});
	});
	// Sockets' transports are closed (not disconnected by the server, which would tell clients
	// not to come back): their clients reconnect with jittered back-off, elsewhere or later.
	void live.close();
	// Keep-alive connections with no request in flight go now; requests in flight may finish.
	server.closeIdleConnections();
	setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

// An exception nobody caught leaves the process in a state nobody knows: log it with its
// stack, close what can be closed, and exit for the supervisor to restart us.
process.on('uncaughtException', (err, origin) => {
	log().fatal({ err, origin }, 'uncaught exception: shutting down');
	shutdown('uncaughtException', 1);
});
// A rejected promise nobody awaited is a bug, but the state it leaves is known: log and go on.
process.on('unhandledRejection', (reason) => {
	log().error({ err: reason }, 'unhandled promise rejection');
});
