import { readFile } from 'node:fs/promises';

export interface SourceSpec {
	file?: string;
	url?: string;
}

/**
 * Reads a feed input from a file or an http(s) URL, outside any transaction: as UTF-8 text,
 * or, with `binary` (feeds that read workbooks), as the exact bytes.
 */
export async function readSource(spec: SourceSpec): Promise<{ source: string; text: string }>;
export async function readSource(
	spec: SourceSpec,
	options: { binary: true }
): Promise<{ source: string; bytes: Uint8Array }>;
export async function readSource(
	spec: SourceSpec,
	options?: { binary?: boolean }
): Promise<{ source: string; text: string } | { source: string; bytes: Uint8Array }>;
export async function readSource(
	spec: SourceSpec,
	options: { binary?: boolean } = {}
): Promise<{ source: string; text: string } | { source: string; bytes: Uint8Array }> {
	const binary = options.binary ?? false;
	if (spec.file) {
		return binary
			? { source: spec.file, bytes: await readFile(spec.file) }
			: { source: spec.file, text: await readFile(spec.file, 'utf8') };
	}
	if (spec.url) {
		const url = new URL(spec.url);
		if (url.protocol !== 'http:' && url.protocol !== 'https:') {
			throw new Error(`${spec.url}: only http and https URLs can be ingested`);
		}
		const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
		if (!response.ok)
			throw new Error(`${spec.url}: HTTP ${response.status} ${response.statusText}`);
		return binary
			? { source: spec.url, bytes: new Uint8Array(await response.arrayBuffer()) }
			: { source: spec.url, text: await response.text() };
	}
	throw new Error('give --file PATH or --url URL');
}
