import type { Handle, HandleServerError } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { dev, version as buildVersion } from '$app/environment';
import { serverContext } from '$lib/server/context';
import { sessionStore } from '$lib/server/live/sessionStore';
import { log } from '$lib/server/log';
import { metrics } from '$lib/server/metrics';
import {
	answer,
	etagMatches,
	isCacheableStatus,
	negotiateEncoding,
	ReadCache
} from '$lib/server/http/readCache';
import { todayUtc } from '$lib/domain/date';
import { securityHeaders } from '$lib/server/http/securityHeaders';
import { lastSeq } from '$lib/server/db/changeLog';

/**
 * Browsers revalidate every read (a 304 when nothing changed): a browser allowed to serve
 * stale reads would show an older page, then revalidate behind the reader's back. Shared caches
 * may hold a read for 5 s; CDNs that read their own header (RFC 9213: Cloudflare, Fastly,
 * Akamai) may also serve it stale for 30 s while they revalidate.
 */
export const READ_CACHE_HEADERS = {
	'cache-control': 'public, max-age=0, must-revalidate, s-maxage=5',
	'cdn-cache-control': 'public, max-age=5, stale-while-revalidate=30'
};

/**
 * Reads that must always be answered now, by this process: never cached anywhere. A presenter
 * session changes with every lead, not with the data version the cache keys on.
 */
const UNCACHED = new Set(['/api/health', '/metrics']);
const uncached = (path: string) => UNCACHED.has(path) || path.startsWith('/api/sessions/');

const addSecurityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const csp = response.headers.get('content-security-policy');
	for (const [name, value] of Object.entries(securityHeaders(event.url.pathname, csp))) {
		response.headers.set(name, value);
	}
	return response;
};

/** One log line per failed request (no stack for client errors) and latency by route. */
const observe: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const response = await resolve(event);
	const seconds = (performance.now() - started) / 1000;
	const route = event.route.id ?? 'unmatched';
	metrics().httpDuration.observe(
		{ route, method: event.request.method, status: `${Math.floor(response.status / 100)}xx` },
		seconds
	);
	if (response.status >= 400) {
		const line = {
			method: event.request.method,
			path: event.url.pathname,
			status: response.status,
			ms: Math.round(seconds * 1000)
		};
		if (response.status >= 500) log().error(line, 'request failed');
		else log().info(line, 'request refused');
	}
	return response;
};

const cache = new ReadCache();

/** The version every read depends on: build, last change, and the day (restrictions hold to today). */
function dataVersion(): string {
	// The watcher's seq costs nothing to read. It trails another process's commit by at most a
	// poll (10 ms): a page rendered meanwhile is cached under the older version and dropped
	// when the watcher catches up, which is harmless.
	const ctx = serverContext();
	const seq = ctx.live?.seq ?? lastSeq(ctx.db);
	return `${buildVersion}-${seq}-${todayUtc()}`;
}

const readCache: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	// In dev the code changes under the same version: every request renders.
	if (
		dev ||
		request.method !== 'GET' ||
		request.headers.has('authorization') ||
		uncached(url.pathname)
	) {
		const response = await resolve(event);
		if (uncached(url.pathname)) response.headers.set('cache-control', 'no-store');
		return response;
	}
	const version = dataVersion();
	const etag = `W/"${version}"`;
	const validators = { etag, ...READ_CACHE_HEADERS };
	if (etagMatches(request.headers.get('if-none-match'), etag)) {
		metrics().readCache.inc({ result: 'not-modified' });
		return new Response(null, { status: 304, headers: { ...validators, vary: 'Accept-Encoding' } });
	}
	const { stored, hit } = await cache.get(version, url.pathname + url.search, async () =>
		resolve(event)
	);
	metrics().readCache.inc({ result: hit ? 'hit' : 'miss' });
	return answer(
		stored,
		negotiateEncoding(request.headers.get('accept-encoding')),
		isCacheableStatus(stored.status) ? validators : { 'cache-control': 'no-store' }
	);
};

/**
 * A replica's data is a copy of the primary's, written only by the commits it follows: a
 * write here would fork it. Every API write to the data (restrictions, ingest) is refused with
 * the address to send it to, rather than forwarded, so the writer sees where its write goes.
 * Presenter sessions are not data: a replica keeps them in Redis with every other process
 * (sessionStore.ts), so it creates them itself.
 */
const refuseWritesOnReplica: Handle = async ({ event, resolve }) => {
	const { config } = serverContext();
	const { method } = event.request;
	if (
		config.role !== 'replica' ||
		method === 'GET' ||
		method === 'HEAD' ||
		method === 'OPTIONS' ||
		!event.url.pathname.startsWith('/api/') ||
		(event.url.pathname === '/api/sessions' && sessionStore(serverContext()).kind === 'redis')
	) {
		return resolve(event);
	}
	return new Response(
		JSON.stringify({
			error: `this server is a read-only replica: send writes to the primary at ${config.primaryUrl}`,
			primary: config.primaryUrl
		}),
		{ status: 503, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } }
	);
};

export const handle = sequence(addSecurityHeaders, observe, refuseWritesOnReplica, readCache);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status >= 500) {
		log().error(
			{ err: error, method: event.request.method, path: event.url.pathname },
			'unexpected error'
		);
		return { message: 'Internal error' };
	}
	return { message: status === 404 ? 'Not found' : message };
};
