/**
 * Feed downloads (download.ts): streamed with a size cap, redirects followed by hand, an
 * overall timeout, conditional requests; and the real server keeping its memory while a feed
 * URL serves far more than the cap.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
	createServer,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type ServerResponse
} from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DEFAULT_FEED_MAX_BYTES,
	downloadFeed,
	feedMaxBytes,
	formatByteLimit,
	MAX_REDIRECTS
} from '../../src/lib/server/ingest/download.ts';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import { ingestBundledSnapshots } from '../../src/lib/server/seed.ts';
import { ROOT, startServer, tempDir } from '../support/server.ts';

const MiB = 1024 * 1024;
const HUGE = 50 * MiB;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** What a streamed response got out before it finished or the client hung up. */
interface Streamed {
	sent: number;
	complete: boolean;
}

/**
 * Writes `total` bytes of 'x' in 64 KiB chunks, waiting for the socket to drain (so `sent`
 * is what really left, give or take the socket's buffers); resolves when the response ends
 * or the connection closes.
 */
function stream(res: ServerResponse, total: number): Promise<Streamed> {
	return new Promise((resolve) => {
		let sent = 0;
		let closed = false;
		res.on('close', () => {
			closed = true;
			resolve({ sent, complete: res.writableFinished });
		});
		const pump = () => {
			while (!closed && sent < total) {
				const n = Math.min(CHUNK.length, total - sent);
				sent += n;
				if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
					return void res.once('drain', pump);
				}
			}
			if (!closed) res.end();
		};
		pump();
	});
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local publisher on port 0 that records request headers. */
async function publisher(handler: Handler) {
	const requests: { path: string; headers: IncomingHttpHeaders }[] = [];
	const http = createServer((req, res) => {
		requests.push({ path: req.url!, headers: req.headers });
		handler(req, res);
	});
	await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
	const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
	return {
		base,
		requests,
		close: () =>
			new Promise<void>((r) => {
				http.closeAllConnections();
				http.close(() => r());
			})
	};
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const BODY = 'country_code,country_name\n"ITA","Italy"\n';

let dir: string;
beforeAll(() => {
	dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('feedMaxBytes (FEED_MAX_BYTES)', () => {
	it('reads a whole number of bytes, 32 MiB when unset, and refuses anything else', () => {
		expect(DEFAULT_FEED_MAX_BYTES).toBe(32 * MiB);
		expect(feedMaxBytes({})).toBe(32 * MiB);
		expect(feedMaxBytes({ FEED_MAX_BYTES: '' })).toBe(32 * MiB);
		expect(feedMaxBytes({ FEED_MAX_BYTES: '4194304' })).toBe(4 * MiB);
		expect(feedMaxBytes({ FEED_MAX_BYTES: '1' })).toBe(1);
		for (const bad of ['0', '-1', '4M', '4 MiB', '1e6', '12.5', ' 100', '0x100', '0100', 'lots']) {
			expect(() => feedMaxBytes({ FEED_MAX_BYTES: bad }), bad).toThrow(
				`FEED_MAX_BYTES must be a whole positive number of bytes, like 33554432 for 32 MiB; got "${bad}"`
			);
		}
		expect(() => feedMaxBytes({ FEED_MAX_BYTES: '9'.repeat(20) })).toThrow(/FEED_MAX_BYTES/);
		expect(formatByteLimit(4 * MiB)).toBe('4194304 bytes (4 MiB)');
		expect(formatByteLimit(1_000_000)).toBe('1000000 bytes (976.6 KiB)');
		expect(formatByteLimit(100)).toBe('100 bytes');
	});
});

describe('downloadFeed', () => {
	let feed: Awaited<ReturnType<typeof publisher>>;
	/** Every streamed response of /huge, in order. */
	const huge: Promise<Streamed>[] = [];
	beforeAll(async () => {
		feed = await publisher((req, res) => {
			const url = new URL(req.url!, 'http://x');
			const [, kind, arg] = url.pathname.split('/');
			if (kind === 'huge') {
				// Chunked, no Content-Length: only counting the body can stop it.
				res.writeHead(200, { 'content-type': 'text/csv' });
				huge.push(stream(res, HUGE));
			} else if (kind === 'declared') {
				// Declares 50 MB and sends nothing: reading the body would run into the timeout.
				res.writeHead(200, { 'content-length': String(HUGE) });
				res.flushHeaders();
			} else if (kind === 'hop') {
				const n = Number(arg);
				if (n === 0) {
					const etag = '"v1"';
					if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
					return void res.writeHead(200, { etag }).end(BODY);
				}
				// Relative and absolute Locations, every redirect status.
				const next = n % 2 ? `/hop/${n - 1}` : `${feed.base}/hop/${n - 1}`;
				res.writeHead(REDIRECT_STATUSES[n % 5]!, { location: next }).end();
			} else if (kind === 'loop') {
				res.writeHead(302, { location: arg === 'a' ? '/loop/b' : '/loop/a' }).end();
			} else if (kind === 'to-ftp') {
				res.writeHead(302, { location: 'ftp://example.org/c8.csv' }).end();
			} else if (kind === 'to-missing') {
				res.writeHead(307, { location: '/missing' }).end();
			} else if (kind === 'stall') {
				// Headers and the start of the body, then nothing.
				res.writeHead(200, { 'content-length': '1000' });
				res.write('country_code,');
			} else {
				res.writeHead(404).end('not here');
			}
		});
	});
	afterAll(() => feed.close());

	it('stops a 50 MB body at the cap, naming the URL and the cap, long before it is all sent', async () => {
		const url = `${feed.base}/huge/c8.csv`;
		const rssBefore = process.memoryUsage().rss;
		await expect(downloadFeed(url, { maxBytes: 4 * MiB })).rejects.toThrow(
			new RegExp(
				`^${url}: the response is larger than the limit of 4194304 bytes \\(4 MiB\\) ` +
					`\\(FEED_MAX_BYTES\\), stopped after \\d+ bytes$`
			)
		);
		const rssGrowth = process.memoryUsage().rss - rssBefore;
		// The publisher saw the connection closed early: what it got out is the cap plus the
		// sockets' buffers, nowhere near the 50 MB it meant to send.
		const served = await huge[0]!;
		console.log(
			`50 MB body, 4 MiB cap: publisher sent ${(served.sent / MiB).toFixed(1)} MiB before the ` +
				`client hung up; this process's RSS grew by ${(rssGrowth / MiB).toFixed(1)} MiB`
		);
		expect(served.complete).toBe(false);
		expect(served.sent).toBeGreaterThan(4 * MiB);
		expect(served.sent).toBeLessThan(20 * MiB);
	});

	it('refuses a too-large Content-Length before reading the body', async () => {
		const url = `${feed.base}/declared/c8.csv`;
		// The body never comes: only the up-front check can answer before the timeout.
		await expect(downloadFeed(url, { maxBytes: 4 * MiB, timeoutMs: 20_000 })).rejects.toThrow(
			`${url}: the response is 52428800 bytes (Content-Length), more than the limit of ` +
				`4194304 bytes (4 MiB) (FEED_MAX_BYTES)`
		);
	});

	it('returns the exact bytes, their sha256 and validators, and 304 as unchanged', async () => {
		const url = `${feed.base}/hop/0`;
		const first = await downloadFeed(url);
		expect(first).toMatchObject({ status: 'fetched', url, etag: '"v1"', sha256: sha256(BODY) });
		if (first.status !== 'fetched') throw new Error('expected a body');
		expect(Buffer.from(first.bytes).toString('utf8')).toBe(BODY);
		// An array of its own: transferable to the ingest worker without taking anything else.
		expect(first.bytes.byteOffset).toBe(0);
		expect(first.bytes.buffer.byteLength).toBe(first.bytes.byteLength);
		const before = feed.requests.length;
		expect(await downloadFeed(url, { previous: first })).toEqual({ status: 'unchanged' });
		expect(feed.requests[before]!.headers['if-none-match']).toBe('"v1"');
	});

	it(`follows up to ${MAX_REDIRECTS} redirects, refusing loops, more hops and non-http(s) ones`, async () => {
		const two = await downloadFeed(`${feed.base}/hop/2`);
		expect(two).toMatchObject({
			status: 'fetched',
			url: `${feed.base}/hop/0`,
			sha256: sha256(BODY)
		});
		const five = await downloadFeed(`${feed.base}/hop/5`);
		expect(five).toMatchObject({ status: 'fetched', url: `${feed.base}/hop/0` });
		// The validators go along every hop: the final 304 is still "unchanged".
		const start = feed.requests.length;
		expect(await downloadFeed(`${feed.base}/hop/2`, { previous: { etag: '"v1"' } })).toEqual({
			status: 'unchanged'
		});
		expect(feed.requests.slice(start).map((r) => r.headers['if-none-match'])).toEqual([
			'"v1"',
			'"v1"',
			'"v1"'
		]);

		const six = `${feed.base}/hop/6`;
		await expect(downloadFeed(six)).rejects.toThrow(`${six}: more than 5 redirects`);
		const loop = `${feed.base}/loop/a`;
		await expect(downloadFeed(loop)).rejects.toThrow(
			`${loop}: redirect loop: ${feed.base}/loop/a again`
		);
		const ftp = `${feed.base}/to-ftp`;
		await expect(downloadFeed(ftp)).rejects.toThrow(
			`${ftp}: redirected to "ftp://example.org/c8.csv", which is not an http(s) URL`
		);
		const missing = `${feed.base}/to-missing`;
		await expect(downloadFeed(missing)).rejects.toThrow(
			`${missing}: HTTP 404 Not Found (at ${feed.base}/missing)`
		);
	});

	it('fails a body that stalls past the timeout, naming the URL', async () => {
		const url = `${feed.base}/stall/c8.csv`;
		await expect(downloadFeed(url, { timeoutMs: 300 })).rejects.toThrow(
			`${url}: no complete response within 300 ms`
		);
	});

	it('rethrows the reason of an abort through its signal', async () => {
		const abort = new AbortController();
		const reason = new Error('stopping');
		const download = downloadFeed(`${feed.base}/stall/c8.csv`, { signal: abort.signal });
		setTimeout(() => abort.abort(reason), 50);
		await expect(download).rejects.toBe(reason);
	});
});

/** Runs a script with tsx; resolves with its exit code and output. */
function run(args: string[], env: Record<string, string> = {}) {
	const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), args, {
		cwd: ROOT,
		env: { ...process.env, ...env }
	});
	const out = { stdout: '', stderr: '' };
	child.stdout.on('data', (d: Buffer) => (out.stdout += d));
	child.stderr.on('data', (d: Buffer) => (out.stderr += d));
	return new Promise<{ code: number | null } & typeof out>((resolve) =>
		child.on('close', (code) => resolve({ code, ...out }))
	);
}

describe('FEED_MAX_BYTES in the CLI and the server', () => {
	it('caps `npm run ingest -- <feed> --url`, and a malformed value stops CLI and server', async () => {
		const feed = await publisher((_req, res) => {
			res.writeHead(200);
			void stream(res, HUGE);
		});
		const url = `${feed.base}/c8.csv`;
		const script = join(ROOT, 'scripts', 'ingest.ts');
		const db = join(dir, 'cli.db');
		try {
			const capped = await run([script, 'oxcgrt-c8', '--url', url, '--db', db], {
				FEED_MAX_BYTES: '1000000'
			});
			expect(capped.code).toBe(2);
			expect(capped.stderr).toContain(
				`ingest: ${url}: the response is larger than the limit of 1000000 bytes (976.6 KiB) (FEED_MAX_BYTES)`
			);
			const bad = await run([script, 'oxcgrt-c8', '--url', url, '--db', db], {
				FEED_MAX_BYTES: '4M'
			});
			expect(bad.code).toBe(2);
			expect(bad.stderr).toContain('ingest: FEED_MAX_BYTES must be a whole positive number');
			const polling = await run([script, 'oxcgrt-c8', '--url', url, '--every', '1h', '--db', db], {
				FEED_MAX_BYTES: '4M'
			});
			expect(polling.code).toBe(2);
			expect(polling.stderr).toContain('ingest: FEED_MAX_BYTES must be a whole positive number');
			const server = await run([join(ROOT, 'server.ts')], {
				PORT: '0',
				HOST: '127.0.0.1',
				DATABASE_PATH: join(dir, 'server-bad.db'),
				FEED_MAX_BYTES: '4M'
			});
			expect(server.code).not.toBe(0);
			expect(server.stderr).toContain('FEED_MAX_BYTES must be a whole positive number');
			expect(server.stdout).not.toContain('listening');
		} finally {
			await feed.close();
		}
	});
});

/**
 * The node process running server.ts. `startServer` spawns tsx's CLI, which runs the script
 * in a node child of its own (with tsx's loader) and only relays signals: the server's
 * memory is in that child, found as the child of the spawned pid whose command line names
 * server.ts (the spawned pid itself if tsx ever runs it in-process).
 */
function serverNodePid(spawned: number): number {
	const children = readdirSync('/proc')
		.filter((name) => /^\d+$/.test(name))
		.filter((pid) => {
			try {
				const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
				// Field 4 is the parent's pid; the command name (field 2) may hold spaces.
				return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === spawned;
			} catch {
				return false; // gone meanwhile
			}
		});
	const node = children.find((pid) =>
		readFileSync(`/proc/${pid}/cmdline`, 'utf8')
			.split('\0')
			.some((a) => a.endsWith('server.ts'))
	);
	return node ? Number(node) : spawned;
}

/** VmHWM / VmRSS of a process, in bytes. */
function memory(pid: number): { hwm: number; rss: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
	return { hwm: kB('VmHWM') * 1024, rss: kB('VmRSS') * 1024 };
}

describe('the server polling a feed URL that serves 50 MB', () => {
	it('refuses it at FEED_MAX_BYTES, keeps serving, and its peak RSS stays put', async () => {
		// Seeded here, so that the server's heap is not still settling from seeding it.
		const databasePath = join(dir, 'huge-feed.db');
		const db = openDatabase(databasePath);
		ingestBundledSnapshots(db, join(ROOT, 'data'));
		db.close();
		let mode: 'failing' | 'huge' = 'failing';
		const served: Promise<Streamed>[] = [];
		const feed = await publisher((_req, res) => {
			if (mode === 'failing') return void res.writeHead(503).end('later');
			res.writeHead(200, { 'content-type': 'text/csv' });
			served.push(stream(res, HUGE));
		});
		const url = `${feed.base}/c8.csv`;
		const config = join(dir, 'huge-feed.json');
		writeFileSync(config, JSON.stringify([{ feed: 'oxcgrt-c8', url, every: '1s' }]));
		const server = await startServer({
			databasePath,
			env: { FEEDS_CONFIG: config, FEED_MAX_BYTES: String(4 * MiB) }
		});
		const polls = () => server.output().split('; next try in 1s').length - 1;
		try {
			// A first poll that fails warms up the download path (fetch, its sockets …).
			await until('a first poll', () => server.output().includes(`${url}: HTTP 503`));
			const pid = serverNodePid(server.pid);
			expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('server.ts');
			// Reset VmHWM to the current RSS (5 to clear_refs: the start's peak is not the
			// poll's), then let three polls fail: the peak of a server polling with nothing to
			// download (its young generation filling and emptying, ~20 MB on its own) is the
			// baseline the 50 MB polls are measured against.
			let reset = true;
			try {
				writeFileSync(`/proc/${pid}/clear_refs`, '5');
			} catch {
				reset = false;
			}
			const start = memory(pid);
			const seen = polls();
			await until('three failed polls', () => polls() >= seen + 3);
			const before = memory(pid);
			mode = 'huge';
			const refusal = `oxcgrt-c8: ${url}: the response is larger than the limit of 4194304 bytes (4 MiB) (FEED_MAX_BYTES)`;
			await until('two refused polls', () => server.output().split(refusal).length > 2);
			const after = memory(pid);
			const health = await fetch(`${server.url}/api/health`);
			expect(health.status).toBe(200);
			expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
			const sent = await Promise.all(served.slice(0, 2));
			const growth = after.hwm - before.hwm;
			const mib = (n: number) => (n / MiB).toFixed(1);
			console.log(
				`server pid ${pid}: VmHWM ${mib(start.hwm)} MiB at the reset${reset ? '' : ' (NOT reset)'}, ` +
					`${mib(before.hwm)} MiB after 3 failed polls, ${mib(after.hwm)} MiB after 2 polls ` +
					`of 50 MB: +${mib(growth)} MiB; publisher sent ${sent.map((s) => mib(s.sent)).join(' and ')} MiB of 50`
			);
			expect(growth).toBeLessThan(30 * MiB);
			for (const s of sent) {
				expect(s.complete).toBe(false);
				expect(s.sent).toBeLessThan(20 * MiB);
			}
			expect(server.output()).toContain('"rowsChanged":0');
		} finally {
			expect(await server.stop()).toBe(0);
			await feed.close();
		}
	});
});
