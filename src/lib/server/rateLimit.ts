/**
 * Rate limiters that hold across processes: with REDIS_URL they count in Redis (every
 * process behind the same Redis shares the budget of an address), without it in memory.
 */
import {
	RateLimiterMemory,
	RateLimiterRedis,
	type RateLimiterAbstract
} from 'rate-limiter-flexible';
import type { ServerContext } from './context.ts';
import { sharedRedis } from './redis.ts';

export interface LimitSpec {
	/** The limiter's name in Redis keys: two limiters must never share one. */
	name: string;
	points: number;
	/** Seconds the points are counted over. */
	duration: number;
}

/**
 * A limiter of `points` per `duration` seconds per key. In Redis it fails open: when Redis
 * is not ready the call goes at once (rather than waiting in the offline queue) to an
 * in-memory limiter of the same size, so an outage makes the limits per-process and never
 * refuses readers because a counter is out of reach. redis.ts logs the outage.
 */
export function sharedLimiter(ctx: ServerContext, spec: LimitSpec): RateLimiterAbstract {
	const memory = new RateLimiterMemory({ points: spec.points, duration: spec.duration });
	const redis = sharedRedis(ctx);
	if (!redis) return memory;
	return new RateLimiterRedis({
		storeClient: redis,
		keyPrefix: `crossings:limit:${spec.name}`,
		points: spec.points,
		duration: spec.duration,
		rejectIfRedisNotReady: true,
		insuranceLimiter: memory
	});
}
