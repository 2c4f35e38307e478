/**
 * Production entry: one HTTP server for the SvelteKit app (adapter-node's handler) and
 * Socket.IO. adapter-node's own PORT/HOST/shutdown handling is bypassed by a custom
 * server, so it is done here.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closeServerContext, serverContext } from './src/lib/server/context.ts';
import {
	loadFeedsConfig,
	startConfiguredFeeds,
	type FeedConfigEntry
} from './src/lib/server/ingest/schedule.ts';
import { attachLive } from './src/lib/server/live/socket.ts';
import { seedIfEmpty } from './src/lib/server/seed.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

const root = fileURLToPath(new URL('.', import.meta.url));
const handlerPath = `${root}build/handler.js`;
if (!existsSync(handlerPath)) {
	console.error('No build found: run `npm run build` (or `npm start`, which builds if needed).');
	process.exit(1);
}
const { handler } = (await import(pathToFileURL(handlerPath).href)) as { handler: Handler };

const ctx = serverContext();
// Feeds polled in this process (FEEDS_CONFIG): an invalid file stops the start before anything.
let feedEntries: FeedConfigEntry[] = [];
try {
	feedEntries = ctx.config.feedsConfig ? loadFeedsConfig(ctx.config.feedsConfig) : [];
} catch (err) {
	console.error((err as Error).message);
	process.exit(1);
}
for (const summary of seedIfEmpty(ctx.db, `${root}data`)) {
	console.log(`seeded ${summary.feed}: ${summary.rowsChanged} values from ${summary.source}`);
}
const feeds = startConfiguredFeeds(ctx, feedEntries);

const server = createServer((req, res) => handler(req, res));
const live = attachLive(server, ctx);

server.listen(ctx.config.port, ctx.config.host, () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : ctx.config.port;
	const host = ctx.config.host.includes(':') ? `[${ctx.config.host}]` : ctx.config.host;
	console.log(`Crossings listening on http://${host}:${port}`);
});

let closing = false;
function shutdown(signal: string) {
	if (closing) return;
	closing = true;
	console.log(`${signal}: closing`);
	// Force the exit if open connections keep the server from closing in time.
	setTimeout(() => process.exit(1), 10_000).unref();
	void feeds.stop();
	void live.close();
	server.close(() => {
		closeServerContext();
		process.exit(0);
	});
	server.closeAllConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
