import { json } from '@sveltejs/kit';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { SessionBody } from '$lib/domain/apiSchemas';
import { serverContext, type ServerContext } from '$lib/server/context';
import { assertDatabaseFile } from '$lib/server/db/open';
import { clientAddress } from '$lib/server/http/clientAddress';
import { BadRequest, endpoint, jsonError, readJsonBody } from '$lib/server/http/respond';
import { sessionStore } from '$lib/server/live/sessionStore';
import { issueText } from '$lib/server/live/sessions';
import { sharedLimiter } from '$lib/server/rateLimit';

/** A title of 200 characters, escaped, and room for a client's whitespace. */
const MAX_BODY_BYTES = 4 * 1024;

// Anyone may present, so creating sessions is limited per client address (the key the live
// socket's limits use), across processes with REDIS_URL; made once per configured size.
let limiter: RateLimiterAbstract | undefined;
const sessionLimiter = (ctx: ServerContext) =>
	limiter?.points === ctx.config.sessionsPerHour
		? limiter
		: (limiter = sharedLimiter(ctx, {
				name: 'sessions-created',
				points: ctx.config.sessionsPerHour,
				duration: 3600
			}));

/**
 * A presenter session: `{ title? }` (or no body at all) → 201 `{ id, presenterKey, expiresAt,
 * presentUrl, followUrl }`. The key is in this answer only.
 */
export function POST({ request, platform, getClientAddress }) {
	return endpoint(async () => {
		const ctx = serverContext();
		// Vite's dev server passes no platform: its client address is the peer.
		const address = platform?.req
			? clientAddress(platform.req.headers, platform.req.socket.remoteAddress)
			: getClientAddress();
		// No body (adapter-node gives none without a length or chunks) means no title; a body
		// must be JSON, whatever else it may be is a 415.
		const raw = request.body === null ? {} : await readJsonBody(request, MAX_BODY_BYTES);
		const body = SessionBody.safeParse(raw);
		if (!body.success) throw new BadRequest(issueText(body.error, [], 'body'));
		try {
			await sessionLimiter(ctx).consume(address);
		} catch (res) {
			const seconds = res instanceof RateLimiterRes ? Math.ceil(res.msBeforeNext / 1000) : 3600;
			return jsonError(429, `too many sessions from this address, retry in ${seconds} s`, {
				'retry-after': String(seconds)
			});
		}
		const store = sessionStore(ctx);
		if (store.kind === 'sqlite') assertDatabaseFile(ctx.db);
		let created;
		try {
			created = await store.create(body.data.title ?? null);
		} catch {
			// Only the Redis store rejects: Redis is out of reach (redis.ts logs the outage).
			return jsonError(503, 'presenter sessions are unavailable for a moment, try again', {
				'retry-after': '5'
			});
		}
		return json(created, { status: 201, headers: { 'cache-control': 'no-store' } });
	});
}
