/**
 * Where presenter sessions live. One process, or several on one machine sharing one SQLite
 * file, keep them in `presenter_session` (sessions.ts). A deployment with replica machines
 * keeps them in Redis instead, because each replica has its own SQLite copy that only the
 * primary's commits write: a session created on one machine, led through a second and
 * followed on a third must be one record that every process reads and writes, and Redis is
 * the store they all share.
 *
 * In Redis a session is one hash, `crossings:session:<id>`, that expires when its presenter
 * has been idle for SESSION_IDLE_HOURS (each lead pushes the expiry on), so nothing needs
 * sweeping. A lead bumps `version` and stores the view in one script, atomic across processes.
 */
import type { Redis } from 'ioredis';
import type { CreatedSession, SessionState, SessionView } from '../../domain/session.ts';
import type { ServerContext } from '../context.ts';
import { sharedRedis } from '../redis.ts';
import {
	createSession,
	HOUR_MS,
	keyMatches,
	mintSession,
	readSession,
	storeView,
	sweepExpiredSessions,
	verifyPresenter,
	type PresenterCheck
} from './sessions.ts';

export interface StoredView {
	version: number;
	updatedAt: string;
	expiresAt: string;
}

export interface SessionStore {
	/** Where sessions are kept, as /api/health and the docs name it. */
	readonly kind: 'sqlite' | 'redis';
	create(title: string | null): Promise<CreatedSession>;
	read(id: string): Promise<SessionState | null>;
	verify(id: string, key: string): Promise<PresenterCheck>;
	/** The view stored with the next version; null when the session is unknown or expired. */
	storeView(id: string, view: SessionView): Promise<StoredView | null>;
	/** Reclaims expired sessions (Redis expires them itself). */
	sweep(): void;
}

const iso = (ms: number) => new Date(ms).toISOString();
const sessionKey = (id: string) => `crossings:session:${id}`;

function sqliteSessionStore(ctx: ServerContext, idleMs: number): SessionStore {
	return {
		kind: 'sqlite',
		create: async (title) => createSession(ctx.db, { title, idleMs }),
		read: async (id) => readSession(ctx.db, id),
		verify: async (id, key) => verifyPresenter(ctx.db, id, key),
		storeView: async (id, view) => storeView(ctx.db, id, view, { idleMs }),
		sweep: () => void sweepExpiredSessions(ctx.db)
	};
}

/**
 * KEYS[1] the session; ARGV view JSON, updated_at, expires_at, idle ms. Only an existing
 * session takes the view: one that expired between the key check and the lead stays gone.
 */
const STORE_VIEW = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'view', ARGV[1], 'updated_at', ARGV[2], 'expires_at', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return version
`;

function redisSessionStore(redis: Redis, idleMs: number): SessionStore {
	return {
		kind: 'redis',
		async create(title) {
			const now = Date.now();
			const { created, keyHash } = mintSession(idleMs, now);
			await redis
				.multi()
				.hset(sessionKey(created.id), {
					key_hash: keyHash,
					title: title ?? '',
					has_title: title === null ? '0' : '1',
					view: '',
					version: '0',
					created_at: iso(now),
					updated_at: iso(now),
					expires_at: created.expiresAt
				})
				.pexpire(sessionKey(created.id), idleMs)
				.exec();
			return created;
		},
		async read(id) {
			const row = await redis.hgetall(sessionKey(id));
			if (!row.key_hash) return null;
			return {
				id,
				title: row.has_title === '1' ? (row.title ?? '') : null,
				view: row.view ? (JSON.parse(row.view) as SessionView) : null,
				version: Number(row.version),
				updatedAt: row.updated_at!,
				expiresAt: row.expires_at!
			};
		},
		async verify(id, key) {
			const stored = await redis.hget(sessionKey(id), 'key_hash');
			if (stored === null) return 'unknown';
			return keyMatches(stored, key) ? 'presenter' : 'wrong-key';
		},
		async storeView(id, view) {
			const now = Date.now();
			const expiresAt = iso(now + idleMs);
			const version = (await redis.eval(
				STORE_VIEW,
				1,
				sessionKey(id),
				JSON.stringify(view),
				iso(now),
				expiresAt,
				String(idleMs)
			)) as number | null;
			return version === null ? null : { version, updatedAt: iso(now), expiresAt };
		},
		sweep: () => {}
	};
}

type WithStore = ServerContext & { sessionStore?: SessionStore };

/**
 * Whether this process belongs to a deployment across machines: a replica, or a primary that
 * publishes its commits to replicas (it does only with REPLICATION_TOKEN).
 */
export const spansMachines = (ctx: ServerContext) =>
	ctx.config.redisUrl !== null &&
	(ctx.config.role === 'replica' || ctx.config.replicationToken !== null);

/**
 * The context's session store: Redis when the deployment spans machines, else the SQLite
 * file. Processes on one machine share the file already, and it keeps sessions working
 * through a Redis outage; across machines only Redis is shared.
 */
export function sessionStore(ctx: ServerContext): SessionStore {
	const holder = ctx as WithStore;
	if (holder.sessionStore) return holder.sessionStore;
	const idleMs = ctx.config.sessionIdleHours * HOUR_MS;
	const redis = spansMachines(ctx) ? sharedRedis(ctx) : null;
	holder.sessionStore = redis ? redisSessionStore(redis, idleMs) : sqliteSessionStore(ctx, idleMs);
	return holder.sessionStore;
}
