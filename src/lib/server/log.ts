/**
 * Structured logs: one JSON line per event on stdout (LOG_LEVEL: fatal, error, warn, info,
 * debug; default info). Client errors are one line without a stack, so an anonymous client
 * cannot flood the log with traces. Kept on globalThis: the production entry and the SvelteKit
 * bundle each load their own copy of this module.
 */
import { pino, type Logger } from 'pino';

const KEY = Symbol.for('crossings.log');
type WithLog = typeof globalThis & { [KEY]?: Logger };

export function log(): Logger {
	const g = globalThis as WithLog;
	return (g[KEY] ??= pino({
		level: process.env.LOG_LEVEL || 'info',
		base: { pid: process.pid },
		timestamp: pino.stdTimeFunctions.isoTime
	}));
}
