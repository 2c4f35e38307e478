/**
 * The built client's files (scripts, styles, geometry, icons), served in front of
 * adapter-node's handler. adapter-node's static server (sirv) writes a 200 and pipes a read
 * stream without an error handler: a file removed after start (a rebuild under a running
 * server) crashed the process with an unhandled ENOENT. Here every file is opened before the
 * status is written, a vanished file is a 404, a failing stream ends that one response, and
 * static answers carry the same security headers as the app's.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { lookup } from 'mrmime';
import { securityHeaders } from './securityHeaders.ts';
import { etagMatches, negotiateEncoding } from './readCache.ts';

interface StaticFile {
	path: string;
	type: string;
	/** Precompressed siblings written by the build (`.br`, `.gz`). */
	variants: Partial<Record<'br' | 'gzip', string>>;
	/** Set when the file itself is a precompressed sibling requested by its own name. */
	encoding?: 'br' | 'gzip';
}

const ENCODING_OF: Record<string, 'br' | 'gzip'> = { '.br': 'br', '.gz': 'gzip' };

/** Every file under `dir` by URL path, as it was when the server started. */
function indexFiles(dir: string): Map<string, StaticFile> {
	const files = new Map<string, StaticFile>();
	const names = readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(dir, join(entry.parentPath, entry.name)));
	const present = new Set(names);
	for (const name of names) {
		if (name.split(sep).some((part) => part.startsWith('.') && part !== '.well-known')) continue;
		const urlPath = '/' + name.split(sep).join('/');
		const encoding = ENCODING_OF[name.slice(-3)];
		const base = encoding ? name.slice(0, -3) : name;
		const file: StaticFile = {
			path: join(dir, name),
			type: lookup(base) ?? 'application/octet-stream',
			variants: {}
		};
		if (encoding) file.encoding = encoding;
		else {
			if (present.has(`${name}.br`)) file.variants.br = join(dir, `${name}.br`);
			if (present.has(`${name}.gz`)) file.variants.gzip = join(dir, `${name}.gz`);
		}
		if (file.type === 'text/html') file.type += '; charset=utf-8';
		files.set(urlPath, file);
	}
	return files;
}

/** Opens the first of `paths` that still exists, or null when none does. */
async function openFirst(
	paths: { path: string; encoding?: 'br' | 'gzip' }[]
): Promise<{ handle: FileHandle; encoding?: 'br' | 'gzip' } | null> {
	for (const candidate of paths) {
		try {
			return { handle: await open(candidate.path, 'r'), encoding: candidate.encoding };
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
		}
	}
	return null;
}

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * A handler for the files of `dir` (GET and HEAD); other requests, and every request when
 * there is no `dir`, go to `next`. Files under `immutablePrefix` carry hashed names and are
 * cached for a year.
 */
export function staticFiles(
	dir: string,
	options: { immutablePrefix: string; onError?: (err: Error, path: string) => void }
): Middleware {
	const files = existsSync(dir) ? indexFiles(dir) : new Map<string, StaticFile>();
	const serve = async (
		req: IncomingMessage,
		res: ServerResponse,
		file: StaticFile,
		urlPath: string
	) => {
		const encoding = file.encoding
			? 'identity'
			: negotiateEncoding(req.headers['accept-encoding'] ?? null);
		const candidates: { path: string; encoding?: 'br' | 'gzip' }[] = [];
		if (encoding === 'br' && file.variants.br)
			candidates.push({ path: file.variants.br, encoding: 'br' });
		if (encoding !== 'identity' && file.variants.gzip) {
			candidates.push({ path: file.variants.gzip, encoding: 'gzip' });
		}
		candidates.push({ path: file.path, encoding: file.encoding });
		const opened = await openFirst(candidates);
		if (!opened) {
			res.writeHead(404, { ...securityHeaders(urlPath, null), 'content-type': 'text/plain' });
			res.end('Not found');
			return;
		}
		const { handle } = opened;
		let streaming = false;
		try {
			const stat = await handle.stat();
			// Size and time identify a build's file; the encoding tells its variants apart.
			const etag = `W/"${stat.size.toString(36)}-${Math.trunc(stat.mtimeMs).toString(36)}${opened.encoding ?? ''}"`;
			const headers: Record<string, string | number> = {
				...securityHeaders(urlPath, null),
				'content-type': file.type,
				'last-modified': stat.mtime.toUTCString(),
				etag,
				'cache-control': urlPath.startsWith(options.immutablePrefix)
					? 'public, max-age=31536000, immutable'
					: 'public, max-age=0, must-revalidate'
			};
			if (opened.encoding) headers['content-encoding'] = opened.encoding;
			if (file.variants.br || file.variants.gzip) headers.vary = 'Accept-Encoding';
			if (etagMatches(req.headers['if-none-match'] ?? null, etag)) {
				res.writeHead(304, headers);
				res.end();
				return;
			}
			headers['content-length'] = stat.size;
			res.writeHead(200, headers);
			if (req.method === 'HEAD') {
				res.end();
				return;
			}
			streaming = true;
			// pipeline destroys both ends on an error and closes the file handle with the stream.
			pipeline(handle.createReadStream(), res, (err) => {
				if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') options.onError?.(err, urlPath);
			});
		} finally {
			if (!streaming) await handle.close();
		}
	};
	return (req, res, next) => {
		if (req.method !== 'GET' && req.method !== 'HEAD') return next();
		let pathname = (req.url ?? '/').split('?')[0]!;
		try {
			pathname = decodeURIComponent(pathname);
		} catch {
			return next();
		}
		const file = files.get(pathname);
		if (!file) return next();
		serve(req, res, file, pathname).catch((err: Error) => {
			options.onError?.(err, pathname);
			if (!res.headersSent) {
				res.writeHead(500, { ...securityHeaders(pathname, null), 'content-type': 'text/plain' });
				res.end('Internal error');
			} else res.destroy();
		});
	};
}
