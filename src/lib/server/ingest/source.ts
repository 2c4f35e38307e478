import { readFile } from 'node:fs/promises';

/** Reads a feed input from a file or an http(s) URL, outside any transaction. */
export async function readSource(spec: { file?: string; url?: string }): Promise<{
	source: string;
	text: string;
}> {
	if (spec.file) return { source: spec.file, text: await readFile(spec.file, 'utf8') };
	if (spec.url) {
		const url = new URL(spec.url);
		if (url.protocol !== 'http:' && url.protocol !== 'https:') {
			throw new Error(`${spec.url}: only http and https URLs can be ingested`);
		}
		const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
		if (!response.ok)
			throw new Error(`${spec.url}: HTTP ${response.status} ${response.statusText}`);
		return { source: spec.url, text: await response.text() };
	}
	throw new Error('give --file PATH or --url URL');
}
