/**
 * Reads cached by data version. Every read depends on the database only through the last seq
 * it includes (and the day, for restrictions that hold on to today, and the build), so a
 * rendered response is good until the next commit: it is rendered once, compressed once per
 * encoding, served from memory to every later reader, and revalidated with a 304 by readers
 * (and CDNs) that hold it already. Live sockets bring open pages up to date.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type Encoding = 'br' | 'gzip' | 'identity';

/** A response as rendered once, with its compressed forms made on demand. */
export interface StoredResponse {
	status: number;
	headers: [string, string][];
	body: Buffer;
	compressed: Partial<Record<'br' | 'gzip', Promise<Buffer>>>;
}

/** Statuses that depend only on the URL and the data: safe to serve to everyone, and to keep. */
const CACHEABLE_STATUS = new Set([200, 400, 404]);
export const isCacheableStatus = (status: number) => CACHEABLE_STATUS.has(status);
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|manifest\+json)|image\/svg\+xml)/i;
/** Below this, compression costs more than it saves. */
const MIN_COMPRESS_BYTES = 1024;

/** The best encoding the client accepts (q=0 refuses one). */
export function negotiateEncoding(acceptEncoding: string | null): Encoding {
	const accepted = new Map<string, number>();
	for (const part of (acceptEncoding ?? '').split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		if (!name) continue;
		const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
		accepted.set(name, q === undefined ? 1 : Number(q));
	}
	const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
	if (ok('br')) return 'br';
	if (ok('gzip')) return 'gzip';
	return 'identity';
}

/** Whether an If-None-Match header matches `etag` (weak comparison, as RFC 9110 asks). */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
	if (!ifNoneMatch) return false;
	const bare = (tag: string) => tag.trim().replace(/^W\//, '');
	if (ifNoneMatch.trim() === '*') return true;
	return ifNoneMatch.split(',').some((tag) => bare(tag) === bare(etag));
}

function compress(body: Buffer, encoding: 'br' | 'gzip'): Promise<Buffer> {
	// Quality 5 compresses a 100 KB page in a few ms on a thread-pool thread; 11 takes ~100.
	return encoding === 'br'
		? brotli(body, {
				params: {
					[zlib.BROTLI_PARAM_QUALITY]: 5,
					[zlib.BROTLI_PARAM_SIZE_HINT]: body.length
				}
			})
		: gzipAsync(body, { level: 6 });
}

/** The stored response as one reader gets it: compressed if it asked, with `extra` headers. */
export async function answer(
	stored: StoredResponse,
	encoding: Encoding,
	extra: Record<string, string>
): Promise<Response> {
	const headers = new Headers(stored.headers);
	for (const [name, value] of Object.entries(extra)) headers.set(name, value);
	const type = headers.get('content-type') ?? '';
	let body = stored.body;
	if (encoding !== 'identity' && body.length >= MIN_COMPRESS_BYTES && COMPRESSIBLE.test(type)) {
		body = await (stored.compressed[encoding] ??= compress(stored.body, encoding));
		headers.set('content-encoding', encoding);
	}
	if (COMPRESSIBLE.test(type)) headers.append('vary', 'Accept-Encoding');
	headers.set('content-length', String(body.length));
	return new Response(body.length === 0 ? null : new Uint8Array(body), {
		status: stored.status,
		headers
	});
}

/** Buffers a rendered response; its body is read once, here. */
export async function store(response: Response): Promise<StoredResponse> {
	const body = Buffer.from(await response.arrayBuffer());
	const headers: [string, string][] = [];
	response.headers.forEach((value, name) => {
		if (name !== 'content-length' && name !== 'content-encoding') headers.push([name, value]);
	});
	return { status: response.status, headers, body, compressed: {} };
}

/**
 * Responses of one data version, keyed by URL, least recently used dropped first beyond
 * `maxBytes`; concurrent misses for one key wait for one render.
 */
export class ReadCache {
	#version = '';
	#entries = new Map<string, StoredResponse>();
	#pending = new Map<string, Promise<StoredResponse>>();
	#bytes = 0;

	constructor(
		readonly maxBytes = 64 * 1024 * 1024,
		/** Larger responses (a full CSV export) are rendered per request, never held. */
		readonly maxEntryBytes = 4 * 1024 * 1024
	) {}

	get size(): number {
		return this.#entries.size;
	}

	/**
	 * The response for `key` at `version`: from memory (`hit`), from a render in flight, or
	 * rendered now (`miss`). A new version empties the cache: every entry was of an older one.
	 */
	async get(
		version: string,
		key: string,
		render: () => Promise<Response>
	): Promise<{ stored: StoredResponse; hit: boolean }> {
		if (version !== this.#version) {
			this.#version = version;
			this.#entries.clear();
			this.#pending.clear();
			this.#bytes = 0;
		}
		const cached = this.#entries.get(key);
		if (cached) {
			// Map order is insertion order: re-inserting marks it most recently used.
			this.#entries.delete(key);
			this.#entries.set(key, cached);
			return { stored: cached, hit: true };
		}
		const pending = this.#pending.get(key);
		if (pending) return { stored: await pending, hit: true };
		const rendering = render().then(store);
		this.#pending.set(key, rendering);
		try {
			const stored = await rendering;
			if (
				this.#version === version &&
				isCacheableStatus(stored.status) &&
				stored.body.length <= this.maxEntryBytes &&
				!stored.headers.some(([name]) => name === 'set-cookie')
			) {
				this.#put(key, stored);
			}
			return { stored, hit: false };
		} finally {
			if (this.#pending.get(key) === rendering) this.#pending.delete(key);
		}
	}

	#put(key: string, stored: StoredResponse): void {
		// Compressed forms are not counted: they are smaller than the body they come from.
		this.#entries.set(key, stored);
		this.#bytes += stored.body.length;
		for (const [oldest, entry] of this.#entries) {
			if (this.#bytes <= this.maxBytes) break;
			this.#entries.delete(oldest);
			this.#bytes -= entry.body.length;
		}
	}
}
