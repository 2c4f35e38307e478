/**
 * Downloads a feed over http(s) with bounded memory and time: the one download used by
 * `npm run ingest -- <feed> --url U` (readSource) and by scheduled feeds (FeedPoller, for
 * `--every` and FEEDS_CONFIG).
 *
 * The body is streamed: its bytes are counted and hashed as they arrive, and the download
 * stops as soon as the count passes the cap, so a huge or endless response costs at most the
 * cap in memory, never the response's size.
 */
import { createHash } from 'node:crypto';

/**
 * The default cap on a feed's size: 32 MiB. The largest real feed we know, the full OxCGRT
 * C8 timeseries, is about 2.5 MB; the cap leaves room for a decade of growth while keeping
 * a wrong URL (a dump, a video, an endless stream) from taking the server's memory.
 */
export const DEFAULT_FEED_MAX_BYTES = 32 * 1024 * 1024;
/** The default time for the whole download (redirects, headers and body). */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;
/** How many redirects a download follows before giving up. */
export const MAX_REDIRECTS = 5;

/**
 * The cap from `FEED_MAX_BYTES` (a whole number of bytes), or the default when unset or
 * empty. Anything else (`4M`, `1e6`, `0`, `-1`, `12.5`) throws an Error saying what is
 * expected: the server and the CLI refuse to start with it.
 */
export function feedMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
	const text = env.FEED_MAX_BYTES;
	if (text === undefined || text === '') return DEFAULT_FEED_MAX_BYTES;
	const bytes = /^[1-9][0-9]*$/.test(text) ? Number(text) : NaN;
	if (!Number.isSafeInteger(bytes)) {
		throw new Error(
			`FEED_MAX_BYTES must be a whole positive number of bytes, like ${DEFAULT_FEED_MAX_BYTES} ` +
				`for 32 MiB; got "${text}"`
		);
	}
	return bytes;
}

/** `4194304` → `'4194304 bytes (4 MiB)'`, for messages. */
export function formatByteLimit(bytes: number): string {
	const units = ['GiB', 'MiB', 'KiB'] as const;
	for (const [i, unit] of units.entries()) {
		const size = 1024 ** (units.length - i);
		if (bytes >= size) {
			const value = bytes / size;
			const shown = Number.isInteger(value) ? String(value) : value.toFixed(1);
			return `${bytes} bytes (${shown} ${unit})`;
		}
	}
	return `${bytes} bytes`;
}

/** A previous response's validators, for a conditional request. */
export interface Validators {
	etag?: string;
	lastModified?: string;
}

export interface DownloadOptions {
	/** Validators of the previous response: sent as If-None-Match / If-Modified-Since. */
	previous?: Validators;
	/** The cap on the body's size; default `FEED_MAX_BYTES` or 32 MiB. */
	maxBytes?: number;
	/** The time for the whole download, body included; default 60 s. */
	timeoutMs?: number;
	/** Aborting it stops the download and rethrows its reason (the poller's stop()). */
	signal?: AbortSignal;
}

/** A 304 is `unchanged`; otherwise the exact bytes, their sha256 (hex) and the validators. */
export type DownloadResult =
	| { status: 'unchanged' }
	| ({
			status: 'fetched';
			/** Where the body came from, after redirects. */
			url: string;
			bytes: Uint8Array;
			sha256: string;
	  } & Validators);

/** The download went wrong: every message starts with the requested URL. */
export class DownloadError extends Error {
	constructor(
		readonly url: string,
		reason: string,
		options?: { cause?: unknown }
	) {
		super(`${url}: ${reason}`, options);
		this.name = 'DownloadError';
	}
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function httpUrl(text: string | URL, base?: URL): URL | null {
	const url = URL.parse(text, base);
	return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url : null;
}

/**
 * GETs `url` and returns its body, following at most 5 redirects itself (each hop http or
 * https, no loops). With `previous` validators a 304 is `unchanged`. HTTP errors, network
 * errors, a body over the cap (refused up front when Content-Length says so), too many
 * redirects and the timeout throw a DownloadError naming `url`; an abort through `signal`
 * rethrows the signal's reason.
 */
export async function downloadFeed(
	url: string,
	options: DownloadOptions = {}
): Promise<DownloadResult> {
	let current = httpUrl(url);
	if (!current) throw new DownloadError(url, 'only http and https URLs can be ingested');
	const maxBytes = options.maxBytes ?? feedMaxBytes();
	const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
	const headers: Record<string, string> = {};
	if (options.previous?.etag) headers['if-none-match'] = options.previous.etag;
	if (options.previous?.lastModified) headers['if-modified-since'] = options.previous.lastModified;

	const timeout = AbortSignal.timeout(timeoutMs);
	// Aborted by us to close the connection when the body is refused.
	const own = new AbortController();
	const signal = AbortSignal.any(
		options.signal ? [timeout, own.signal, options.signal] : [timeout, own.signal]
	);
	// Closes the connection (whatever is still unread is never downloaded) and says why.
	const refuse = (reason: string): DownloadError => {
		own.abort();
		return new DownloadError(url, reason);
	};
	try {
		const seen = new Set([current.href]);
		let response: Response;
		for (let hops = 0; ; hops++) {
			response = await fetch(current, { headers, signal, redirect: 'manual' });
			if (!REDIRECTS.has(response.status)) break;
			await response.body?.cancel();
			const location = response.headers.get('location');
			if (location === null) throw refuse(`HTTP ${response.status} redirect without a Location`);
			const next = httpUrl(location, current);
			if (!next) throw refuse(`redirected to "${location}", which is not an http(s) URL`);
			if (seen.has(next.href)) throw refuse(`redirect loop: ${next.href} again`);
			if (hops + 1 > MAX_REDIRECTS) throw refuse(`more than ${MAX_REDIRECTS} redirects`);
			seen.add(next.href);
			current = next;
		}
		const at = current.href === new URL(url).href ? '' : ` (at ${current.href})`;
		if (response.status === 304) {
			await response.body?.cancel();
			return { status: 'unchanged' };
		}
		if (!response.ok) {
			await response.body?.cancel();
			throw refuse(`HTTP ${response.status} ${response.statusText}`.trimEnd() + at);
		}
		const limit = `the limit of ${formatByteLimit(maxBytes)} (FEED_MAX_BYTES)`;
		const declared = Number(response.headers.get('content-length') ?? NaN);
		if (declared > maxBytes) {
			throw refuse(`the response is ${declared} bytes (Content-Length), more than ${limit}${at}`);
		}
		const hash = createHash('sha256');
		const chunks: Uint8Array[] = [];
		let size = 0;
		if (response.body) {
			const reader = response.body.getReader();
			for (;;) {
				const { done, value: chunk } = await reader.read();
				if (done) break;
				size += chunk.byteLength;
				if (size > maxBytes) {
					void reader.cancel().catch(() => {});
					throw refuse(`the response is larger than ${limit}, stopped after ${size} bytes${at}`);
				}
				hash.update(chunk);
				chunks.push(chunk);
			}
		}
		// One array of exactly the body's bytes, owning its buffer (so it can be transferred).
		const bytes = new Uint8Array(size);
		let offset = 0;
		for (const chunk of chunks) {
			bytes.set(chunk, offset);
			offset += chunk.byteLength;
		}
		return {
			status: 'fetched',
			url: current.href,
			bytes,
			sha256: hash.digest('hex'),
			etag: response.headers.get('etag') ?? undefined,
			lastModified: response.headers.get('last-modified') ?? undefined
		};
	} catch (err) {
		if (options.signal?.aborted) throw options.signal.reason;
		if (err instanceof DownloadError) throw err;
		if (timeout.aborted) {
			throw new DownloadError(url, `no complete response within ${timeoutMs} ms`, { cause: err });
		}
		// fetch's own message ("fetch failed") hides the reason in its cause.
		const e = err as Error & { cause?: Error };
		throw new DownloadError(url, e.cause?.message ?? e.message, { cause: err });
	}
}
