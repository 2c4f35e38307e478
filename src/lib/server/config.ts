import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { feedMaxBytes } from './ingest/download.ts';

export interface Config {
	port: number;
	host: string;
	databasePath: string;
	adminToken: string | null;
	redisUrl: string | null;
	origin: string | null;
	/** A JSON file of feeds to poll in the server process. */
	feedsConfig: string | null;
	/** FEED_MAX_BYTES: the cap on a feed download's size (default 32 MiB, see download.ts). */
	feedMaxBytes: number;
	/** Bearer token for /metrics from elsewhere than this machine. */
	metricsToken: string | null;
	/** How far past today an editor's restriction may take effect, in days. */
	restrictionHorizonDays: number;
	/** Live socket limits per client address (see LiveLimits). */
	liveConnectionsPerMinute: number;
	liveSubscribesPerMinute: number;
	/** Bytes waiting to be written to one live socket before it gets reload, then is dropped. */
	liveMaxBufferedBytes: number;
	/** A presenter session ends this many hours after its last lead (or its creation). */
	sessionIdleHours: number;
	/** Presenter sessions one client address may create per hour. */
	sessionsPerHour: number;
	/**
	 * ROLE: a `primary` holds the file editors and feeds write; a `replica` keeps its own copy
	 * following the primary's commits through Redis and refuses writes.
	 */
	role: 'primary' | 'replica';
	/** PRIMARY_URL: where a replica fetches its snapshot and sends writers. */
	primaryUrl: string | null;
	/** REPLICATION_TOKEN: guards the primary's snapshot endpoint; a replica presents it. */
	replicationToken: string | null;
}

/**
 * A number from the environment within [min, max], or the default when unset: a whole number,
 * or with `fraction`, a decimal one (`0.5` hours).
 */
function numberEnv(
	env: NodeJS.ProcessEnv,
	name: string,
	fallback: number,
	min: number,
	max: number,
	fraction = false
): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	const form = fraction ? /^\d+(\.\d+)?$/ : /^\d+$/;
	if (!form.test(raw.trim()) || value < min || value > max) {
		const kind = fraction ? 'number' : 'whole number';
		throw new Error(`${name} must be a ${kind} ${min}–${max}, got "${raw}"`);
	}
	return value;
}

export const DEFAULT_RESTRICTION_HORIZON_DAYS = 365;

/** RESTRICTION_HORIZON_DAYS: the API and the ingest CLI read it alike. */
export function restrictionHorizonDays(env: NodeJS.ProcessEnv = process.env): number {
	return numberEnv(env, 'RESTRICTION_HORIZON_DAYS', DEFAULT_RESTRICTION_HORIZON_DAYS, 0, 3650);
}

/** More workers than this buy nothing on one SQLite file: its commits are one at a time. */
export const MAX_WORKERS = 8;

/** WORKERS for `npm run start:cluster`: 1–8; by default the machine's CPUs, up to 8. */
export function workerCount(env: NodeJS.ProcessEnv = process.env, cpus = availableParallelism()) {
	return numberEnv(env, 'WORKERS', Math.min(cpus, MAX_WORKERS), 1, MAX_WORKERS);
}

/** Reads the environment documented in README.md; invalid values stop the process early. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const port = Number(env.PORT ?? 3000);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new Error(`PORT must be an integer 0–65535, got "${env.PORT}"`);
	}
	return {
		port,
		host: env.HOST || '127.0.0.1',
		databasePath: resolve(env.DATABASE_PATH || 'data/crossings.db'),
		adminToken: env.ADMIN_TOKEN || null,
		redisUrl: env.REDIS_URL || null,
		origin: env.ORIGIN || null,
		feedsConfig: env.FEEDS_CONFIG ? resolve(env.FEEDS_CONFIG) : null,
		feedMaxBytes: feedMaxBytes(env),
		metricsToken: env.METRICS_TOKEN || null,
		restrictionHorizonDays: restrictionHorizonDays(env),
		liveConnectionsPerMinute: numberEnv(env, 'LIVE_CONNECTIONS_PER_MINUTE', 1000, 1, 1_000_000),
		liveSubscribesPerMinute: numberEnv(env, 'LIVE_SUBSCRIBES_PER_MINUTE', 2000, 1, 1_000_000),
		// 1 MiB: hundreds of ordinary commits, far more than a reader that keeps up ever holds.
		liveMaxBufferedBytes: numberEnv(env, 'LIVE_MAX_BUFFERED_BYTES', 1024 * 1024, 1024, 1 << 30),
		// Fractions allowed: tests end sessions in a second (0.0003 h).
		sessionIdleHours: numberEnv(env, 'SESSION_IDLE_HOURS', 12, 0.0001, 24 * 365, true),
		sessionsPerHour: numberEnv(env, 'SESSIONS_PER_HOUR', 20, 1, 1_000_000),
		...replicationConfig(env)
	};
}

/** ROLE, PRIMARY_URL, REPLICATION_TOKEN: a replica without what it needs does not start. */
function replicationConfig(
	env: NodeJS.ProcessEnv
): Pick<Config, 'role' | 'primaryUrl' | 'replicationToken'> {
	const role = env.ROLE || 'primary';
	if (role !== 'primary' && role !== 'replica') {
		throw new Error(`ROLE must be primary or replica, got "${role}"`);
	}
	const primaryUrl = env.PRIMARY_URL ? env.PRIMARY_URL.replace(/\/+$/, '') : null;
	if (role === 'replica' && (!primaryUrl || !env.REDIS_URL)) {
		throw new Error('ROLE=replica needs PRIMARY_URL and REDIS_URL');
	}
	return { role, primaryUrl, replicationToken: env.REPLICATION_TOKEN || null };
}
