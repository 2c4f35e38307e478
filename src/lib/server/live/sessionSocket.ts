/**
 * Presenter follow sessions on the `/live` namespace: `session:lead` (the presenter, with the
 * key), `session:follow` / `session:unfollow` (everyone), `session:view` (to followers).
 * Every accepted view is stored before it is sent, so a follower that joins late, reconnects
 * or meets a restarted server gets the current one from the database.
 */
import { z } from 'zod';
import {
	SESSION_ID_PATTERN,
	UNKNOWN_SESSION,
	type FollowAck,
	type LeadAck
} from '../../domain/session.ts';
import type { ServerContext } from '../context.ts';
import { log } from '../log.ts';
import { metrics } from '../metrics.ts';
import { adapterReachable } from '../redis.ts';
import type { LiveNamespace, LiveSocket } from './socket.ts';
import { sessionStore } from './sessionStore.ts';
import { HOUR_MS, issueText, parseSessionView } from './sessions.ts';

export interface SessionLimits {
	/** Views one socket may lead per second, on average … */
	leadsPerSecond: number;
	/** … and at once (a presenter scrubbing the timeline sends a burst). */
	leadBurst: number;
	/** Follows (and unfollows) per socket per second, and at once. */
	followsPerSecond: number;
	followBurst: number;
	/** Sessions one socket may follow at the same time. */
	followedPerSocket: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
	leadsPerSecond: 30,
	leadBurst: 60,
	followsPerSecond: 5,
	followBurst: 20,
	followedPerSocket: 8
};

const ROOM_PREFIX = 'session:';
/** While the session store (Redis) is out of reach. */
const SESSIONS_UNAVAILABLE = 'presenter sessions are unavailable for a moment, try again';
export const sessionRoom = (id: string) => ROOM_PREFIX + id;

/**
 * A token bucket: `burst` messages at once, refilled at `perSecond`. Synchronous, unlike
 * rate-limiter-flexible's promises, so a presenter's leads are stored and sent in the order
 * they arrived.
 */
export class TokenBucket {
	#tokens: number;
	#at: number;

	constructor(
		readonly perSecond: number,
		readonly burst: number,
		now = performance.now()
	) {
		this.#tokens = burst;
		this.#at = now;
	}

	/** Takes a token: 0 when there was one, else the milliseconds until there will be. */
	take(now = performance.now()): number {
		this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
		this.#at = now;
		if (this.#tokens >= 1) {
			this.#tokens -= 1;
			return 0;
		}
		return Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000);
	}
}

// Here only the form of a request, so a wrong type is an answer naming the field rather than
// an exception; the key is then checked by value (`verifyPresenter`), the view after it.
const LeadShape = z.looseObject({
	id: z.string().max(64),
	key: z.string({ error: 'the presenter key is required' }).max(64, 'not a presenter key')
});
const FollowShape = z.object({ id: z.string().max(64) });

/** Answers through the client's ack, when it sent one (a message without one gets nothing). */
const replier =
	<T>(ack: unknown) =>
	(result: T) => {
		if (typeof ack === 'function') ack(result);
	};

/** Handles the session events of every socket on `live`; returns a stop for shutdown. */
export function attachSessions(
	live: LiveNamespace,
	ctx: ServerContext,
	overrides: Partial<SessionLimits> = {}
): { stop(): void } {
	const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...overrides };
	const idleMs = ctx.config.sessionIdleHours * HOUR_MS;
	const store = sessionStore(ctx);
	const m = metrics();

	/**
	 * A `kind` message's request, parsed, when its socket is within budget and the request has
	 * the right shape; otherwise null, and the refusal has been sent.
	 */
	function admit<S extends z.ZodType>(
		kind: 'lead' | 'follow',
		bucket: TokenBucket,
		schema: S,
		request: unknown,
		reply: (refusal: { ok: false; error: string; retryAfterMs?: number }) => void
	): z.infer<S> | null {
		const wait = bucket.take();
		if (wait > 0) {
			m.refused.inc({ reason: `${kind}-rate` });
			reply({ ok: false, error: `too many ${kind}s, retry in ${wait} ms`, retryAfterMs: wait });
			return null;
		}
		const shape = schema.safeParse(request);
		if (shape.success) return shape.data;
		m.refused.inc({ reason: `${kind}-invalid` });
		reply({ ok: false, error: issueText(shape.error) });
		return null;
	}

	live.on('connection', (socket: LiveSocket) => {
		const leads = new TokenBucket(limits.leadsPerSecond, limits.leadBurst);
		const follows = new TokenBucket(limits.followsPerSecond, limits.followBurst);
		/**
		 * Sessions this socket proved the key of, with that key: a presenter sends the key with
		 * every view, and comparing it with the one it proved spares a hash per view.
		 */
		const provenKeys = new Map<string, string>();

		/**
		 * Leads are handled one after another per socket: the store may answer asynchronously
		 * (Redis), and a presenter's views must be stored and sent in the order they arrived.
		 */
		let leading: Promise<void> = Promise.resolve();

		socket.on('session:lead', (request, ack) => {
			const reply = replier<LeadAck>(ack);
			const lead = admit('lead', leads, LeadShape, request, reply);
			if (!lead) return;
			leading = leading.then(() =>
				handleLead(lead, reply).catch((err: unknown) => {
					log().warn({ err: (err as Error).message }, 'presenter view not stored');
					reply({ ok: false, error: SESSIONS_UNAVAILABLE });
				})
			);
		});

		async function handleLead(
			lead: z.infer<typeof LeadShape>,
			reply: (answer: LeadAck) => void
		): Promise<void> {
			const { id, key } = lead;
			if (provenKeys.get(id) !== key) {
				const check = await store.verify(id, key);
				if (check !== 'presenter') {
					m.refused.inc({ reason: 'lead-key' });
					return reply({
						ok: false,
						error: check === 'unknown' ? UNKNOWN_SESSION : 'wrong presenter key'
					});
				}
				provenKeys.set(id, key);
			}
			const parsed = parseSessionView(lead.view);
			if (!parsed.ok) {
				m.refused.inc({ reason: 'lead-invalid' });
				return reply({ ok: false, error: parsed.error });
			}
			const stored = await store.storeView(id, parsed.view);
			if (!stored) {
				// Expired since the key was proven.
				provenKeys.delete(id);
				return reply({ ok: false, error: UNKNOWN_SESSION });
			}
			// Through the adapter, not `.local`: with a Redis adapter the followers on other
			// processes get it from here, and only from here (only this process accepted the
			// lead), so no follower hears a view twice. While Redis is out of reach, to this
			// process's followers at once: a view is a whole state, so followers elsewhere lose
			// nothing lasting by getting the next one.
			const room = sessionRoom(id);
			const target = adapterReachable(ctx) ? live : live.local;
			target.to(room).emit('session:view', { id, view: parsed.view, version: stored.version });
			m.deliveries.inc({ kind: 'session' }, live.adapter.rooms.get(room)?.size ?? 0);
			return reply({ ok: true, version: stored.version });
		}

		socket.on('session:follow', (request, ack) => {
			const reply = replier<FollowAck>(ack);
			const asked = admit('follow', follows, FollowShape, request, reply);
			if (!asked) return;
			const { id } = asked;
			const room = sessionRoom(id);
			const following = [...socket.rooms].filter((r) => r.startsWith(ROOM_PREFIX));
			if (!following.includes(room) && following.length >= limits.followedPerSocket) {
				return reply({
					ok: false,
					error: `following ${limits.followedPerSocket} sessions already`
				});
			}
			if (!SESSION_ID_PATTERN.test(id)) return reply({ ok: false, error: UNKNOWN_SESSION });
			// Join, then read: a lead accepted after the read reaches the room, and one accepted
			// before it is in the state sent now. One accepted in between comes both ways, and
			// the follower keeps the higher version.
			void socket.join(room);
			store.read(id).then(
				(state) => {
					if (!state) {
						void socket.leave(room);
						return reply({ ok: false, error: UNKNOWN_SESSION });
					}
					const { title, view, version } = state;
					if (typeof ack === 'function') reply({ ok: true, title, view, version });
					// A follower that asked without an ack gets the current view as an event instead.
					else if (view) socket.emit('session:view', { id, view, version });
				},
				(err: unknown) => {
					void socket.leave(room);
					log().warn({ err: (err as Error).message }, 'session not read');
					reply({ ok: false, error: SESSIONS_UNAVAILABLE });
				}
			);
		});

		socket.on('session:unfollow', (request) => {
			if (follows.take() > 0) return;
			const shape = FollowShape.safeParse(request);
			if (shape.success) void socket.leave(sessionRoom(shape.data.id));
		});
	});

	// Expired sessions are refused by every query already; this only reclaims their rows.
	const sweep = setInterval(() => store.sweep(), Math.min(Math.max(idleMs / 2, 1000), 10 * 60_000));
	sweep.unref();
	return { stop: () => clearInterval(sweep) };
}
