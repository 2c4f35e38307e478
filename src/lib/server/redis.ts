/**
 * The process's one Redis connection (REDIS_URL), shared by the Socket.IO adapter (which
 * duplicates it for its blocking stream reads) and the rate limiters. Redis carries only what
 * several processes must share; the data and its change log stay in SQLite, so an outage
 * pauses presenter views across processes and makes the limits per-process, nothing more.
 */
import { Redis } from 'ioredis';
import type { ServerContext } from './context.ts';
import { log } from './log.ts';

/** ServerContext with the connection, once a process asked for it. */
type WithRedis = ServerContext & { redis?: Redis };

/**
 * The context's Redis connection, opened on first use; null without REDIS_URL. Opened lazily
 * so a process that never needs it (a test's context, a page render) never connects.
 */
export function sharedRedis(ctx: ServerContext): Redis | null {
	if (!ctx.config.redisUrl) return null;
	const holder = ctx as WithRedis;
	if (holder.redis) return holder.redis;
	const redis = new Redis(ctx.config.redisUrl, {
		// Commands wait in the offline queue through a short outage (an adapter's XADD is sent
		// once Redis is back) but not forever: after a few reconnection attempts they fail.
		maxRetriesPerRequest: 3,
		// Reconnect quickly at first, then every two seconds while Redis stays away.
		retryStrategy: (attempt) => Math.min(attempt * 100, 2000)
	});
	// One warning per outage, not one per reconnection attempt.
	let down = false;
	redis.on('error', (err: Error) => {
		if (down) return;
		down = true;
		log().warn(
			{ err: err.message },
			'Redis unreachable: presenter views stay on this process and rate limits fall back to its memory until it is back'
		);
	});
	redis.on('ready', () => {
		if (down) log().info('Redis reachable again');
		down = false;
	});
	holder.redis = redis;
	return redis;
}

/**
 * Whether a broadcast may go through the adapter now. The adapter sends to this process's own
 * sockets only once its publish to Redis settled; with Redis out of reach that is after the
 * reconnection attempts fail, and local listeners would wait for nothing.
 */
export function adapterReachable(ctx: ServerContext): boolean {
	const redis = sharedRedis(ctx);
	return redis === null || redis.status === 'ready';
}

/** Closes the context's Redis connection, if it opened one. */
export function closeSharedRedis(ctx: ServerContext): void {
	const holder = ctx as WithRedis;
	holder.redis?.disconnect();
	delete holder.redis;
}
