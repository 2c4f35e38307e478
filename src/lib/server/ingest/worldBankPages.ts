/**
 * The World Bank API v2 answers in pages: `[{ page, pages, per_page, total, … }, [rows]]`, 50
 * rows a page unless the URL asks for a `per_page`. A page is a part of the answer and is never
 * taken for the whole: `downloadWorldBankApi` reads the page the URL gives, then every other
 * page of the same query (`page=1…pages`), checks that each describes the same answer (pages,
 * rows a page, total) and returns them all as one JSON array of pages `[[meta, rows], …]`,
 * each page's own text, nothing re-serialised. wb-indicator reads that array and checks it
 * against `total` again (so a file holding one page of several is refused too).
 *
 * A page that cannot be fetched fails the whole download with a DownloadError naming the URL
 * and the page, so nothing is ingested: a scheduled run logs it and tries again next time.
 */
import { createHash } from 'node:crypto';
import {
	DEFAULT_DOWNLOAD_TIMEOUT_MS,
	DownloadError,
	downloadFeed,
	feedMaxBytes,
	formatByteLimit,
	type DownloadOptions,
	type DownloadResult
} from './download.ts';

/**
 * More pages than this is a URL asking for small pages of a large answer (the API's default
 * is 50 rows: 266 economies × 65 years take 346 pages); it is refused with the advice to ask
 * for larger ones rather than sending a thousand requests each poll.
 */
export const MAX_PAGES = 1000;

/** A page's description of the whole answer. */
export interface PageMeta {
	page: number;
	pages: number;
	perPage: number;
	total: number;
}

/** A count in the meta: a number or, as some answers write them, a string of digits. */
function metaCount(value: unknown): number | null {
	const n =
		typeof value === 'number'
			? value
			: typeof value === 'string' && /^\d+$/.test(value.trim())
				? Number(value)
				: NaN;
	return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The meta of one page `[meta, rows]` as numbers, or null when it is not such a page. */
export function readPageMeta(meta: unknown): PageMeta | null {
	if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return null;
	const m = meta as Record<string, unknown>;
	const page = metaCount(m.page);
	const pages = metaCount(m.pages);
	const perPage = metaCount(m.per_page);
	const total = metaCount(m.total);
	if (page === null || pages === null || perPage === null || total === null) return null;
	return { page, pages, perPage, total };
}

/** The paging of an API answer's text `[meta, rows]`, or null when the text is not one. */
export function worldBankPageMeta(text: string): PageMeta | null {
	let data: unknown;
	try {
		data = JSON.parse(text.replace(/^\uFEFF/, ''));
	} catch {
		return null;
	}
	if (!Array.isArray(data) || data.length !== 2) return null;
	if (!Array.isArray(data[1]) && data[1] !== null) return null;
	return readPageMeta(data[0]);
}

/** `url` asking for page `n`, its other parameters kept. */
export function pageUrl(url: string, n: number): string {
	const u = new URL(url);
	u.searchParams.set('page', String(n));
	return u.href;
}

/** What a failed page download said, without its own URL in front (the page is named). */
function reasonOf(err: unknown): string {
	if (err instanceof DownloadError) return err.message.slice(err.url.length + 2);
	return err instanceof Error ? err.message : String(err);
}

/**
 * Downloads a World Bank API URL with every page of its answer (see above). An answer that is
 * not a paged API answer (a bulk CSV, an error message) or has one page is returned as
 * downloadFeed returned it. The time and size limits hold for all pages together. A
 * multi-page answer carries no validators: a 304 for page 1 would not prove the other pages
 * unchanged, so each poll reads them all and the poller's content hash skips a same answer.
 */
export async function downloadWorldBankApi(
	url: string,
	options: DownloadOptions = {}
): Promise<DownloadResult> {
	const maxBytes = options.maxBytes ?? feedMaxBytes();
	const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
	const deadline = Date.now() + timeoutMs;
	const first = await downloadFeed(url, { ...options, maxBytes, timeoutMs });
	if (first.status !== 'fetched') return first;
	const decode = (bytes: Uint8Array) => new TextDecoder('utf-8').decode(bytes); // drops a BOM
	const firstText = decode(first.bytes);
	const meta = worldBankPageMeta(firstText);
	if (!meta || meta.pages <= 1) return first;
	if (meta.pages > MAX_PAGES) {
		throw new DownloadError(
			url,
			`the answer has ${meta.pages} pages of ${meta.perPage} rows (${meta.total} rows), more than ${MAX_PAGES}: ask for larger pages with per_page=`
		);
	}
	const texts = new Map<number, string>([[meta.page, firstText]]);
	let size = first.bytes.byteLength;
	for (let n = 1; n <= meta.pages; n++) {
		if (texts.has(n)) continue;
		const at = pageUrl(url, n);
		const where = `page ${n} of ${meta.pages} (${at})`;
		if (Date.now() >= deadline) {
			throw new DownloadError(url, `${where}: no complete answer within ${timeoutMs} ms`);
		}
		let page: DownloadResult;
		try {
			page = await downloadFeed(at, {
				maxBytes,
				timeoutMs: deadline - Date.now(),
				signal: options.signal
			});
		} catch (err) {
			if (options.signal?.aborted) throw err;
			throw new DownloadError(url, `${where}: ${reasonOf(err)}`, { cause: err });
		}
		if (page.status !== 'fetched') {
			throw new DownloadError(
				url,
				`${where}: HTTP 304 Not Modified to a request without validators`
			);
		}
		size += page.bytes.byteLength;
		if (size > maxBytes) {
			throw new DownloadError(
				url,
				`${where}: the pages together are larger than the limit of ${formatByteLimit(maxBytes)} (FEED_MAX_BYTES)`
			);
		}
		const text = decode(page.bytes);
		const m = worldBankPageMeta(text);
		if (!m) {
			throw new DownloadError(url, `${where}: not a page of the API's answer ([meta, rows])`);
		}
		if (
			m.page !== n ||
			m.pages !== meta.pages ||
			m.perPage !== meta.perPage ||
			m.total !== meta.total
		) {
			throw new DownloadError(
				url,
				`${where}: it says page ${m.page} of ${m.pages} (${m.total} rows, ${m.perPage} a page) where page ${meta.page} said ${meta.pages} pages (${meta.total} rows, ${meta.perPage} a page): the answer changed while it was read`
			);
		}
		texts.set(n, text);
	}
	const pages = [...texts.entries()].sort(([a], [b]) => a - b).map(([, text]) => text.trim());
	const bytes = new TextEncoder().encode(`[${pages.join(',\n')}]`);
	return {
		status: 'fetched',
		url: first.url,
		bytes,
		sha256: createHash('sha256').update(bytes).digest('hex')
	};
}
