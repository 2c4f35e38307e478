import { resolve } from 'node:path';

export interface Config {
	port: number;
	host: string;
	databasePath: string;
	adminToken: string | null;
	redisUrl: string | null;
	origin: string | null;
	/** A JSON file of feeds to poll in the server process. */
	feedsConfig: string | null;
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
		feedsConfig: env.FEEDS_CONFIG ? resolve(env.FEEDS_CONFIG) : null
	};
}
