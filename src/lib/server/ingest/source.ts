import { readFile } from 'node:fs/promises';
import { downloadFeed, type DownloadOptions, type DownloadResult } from './download.ts';

export interface SourceSpec {
	file?: string;
	url?: string;
}

export interface ReadSourceOptions {
	/** Feeds that read workbooks get the exact bytes; the others UTF-8 text. */
	binary?: boolean;
	/** For URLs: the cap on the download's size; default FEED_MAX_BYTES, or 32 MiB. */
	maxBytes?: number;
	/** For URLs: the time for the whole download; default 60 s. */
	timeoutMs?: number;
	/** For URLs: the feed's own download (`Feed.download`, every page of a paged API); default one GET. */
	download?: (url: string, options: DownloadOptions) => Promise<DownloadResult>;
}

/**
 * Reads a feed input from a file or an http(s) URL, outside any transaction: as UTF-8 text,
 * or, with `binary` (feeds that read workbooks), as the exact bytes. URLs are read by
 * `downloadFeed` (download.ts): streamed, capped at `maxBytes`, at most 5 redirects, errors
 * naming the URL.
 */
export async function readSource(spec: SourceSpec): Promise<{ source: string; text: string }>;
export async function readSource(
	spec: SourceSpec,
	options: ReadSourceOptions & { binary: true }
): Promise<{ source: string; bytes: Uint8Array }>;
export async function readSource(
	spec: SourceSpec,
	options?: ReadSourceOptions
): Promise<{ source: string; text: string } | { source: string; bytes: Uint8Array }>;
export async function readSource(
	spec: SourceSpec,
	options: ReadSourceOptions = {}
): Promise<{ source: string; text: string } | { source: string; bytes: Uint8Array }> {
	const binary = options.binary ?? false;
	if (spec.file) {
		return binary
			? { source: spec.file, bytes: await readFile(spec.file) }
			: { source: spec.file, text: await readFile(spec.file, 'utf8') };
	}
	if (spec.url) {
		const download = await (options.download ?? downloadFeed)(spec.url, {
			maxBytes: options.maxBytes,
			timeoutMs: options.timeoutMs
		});
		// No validators were sent, so there is no 304 to expect; a server sending one anyway
		// has sent no body.
		if (download.status !== 'fetched')
			throw new Error(`${spec.url}: HTTP 304 Not Modified to a request without validators`);
		return binary
			? { source: spec.url, bytes: download.bytes }
			: {
					source: spec.url,
					// As a file is read: a byte order mark is kept for the feed to handle.
					text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(download.bytes)
				};
	}
	throw new Error('give --file PATH or --url URL');
}
