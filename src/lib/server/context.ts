import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Db } from './db/open.ts';
import { closeSharedRedis } from './redis.ts';

export interface ServerContext {
	config: Config;
	db: Db;
	/**
	 * Set while a live server runs in this process: told about this process's own writes, and
	 * knowing the last seq announced (at most its poll interval behind other processes' commits).
	 */
	live?: { poke(): void; readonly seq: number };
}

// The production entry (loaded by tsx) and the SvelteKit bundle each get their own copy
// of this module; keeping the context on globalThis gives both one database connection.
const KEY = Symbol.for('crossings.server-context');
type WithContext = typeof globalThis & { [KEY]?: ServerContext };

export function serverContext(): ServerContext {
	const g = globalThis as WithContext;
	if (!g[KEY]) {
		const config = loadConfig();
		g[KEY] = { config, db: openDatabase(config.databasePath) };
	}
	return g[KEY];
}

export function closeServerContext(): void {
	const g = globalThis as WithContext;
	const ctx = g[KEY];
	if (!ctx) return;
	closeSharedRedis(ctx);
	ctx.db.close();
	delete g[KEY];
}
