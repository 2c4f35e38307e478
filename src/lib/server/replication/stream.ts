/**
 * Replication through one Redis stream: the primary appends one entry per commit, replicas
 * read it from their last applied seq. An entry's stream id is `<seq>-0`, so ids are the
 * commits' seqs: several primary processes on one file (a cluster) may all publish, and Redis
 * refuses every copy after the first (an id must grow); a replica reads "after my seq"
 * directly; and an entry whose `after` is not the replica's seq shows a gap (trimmed away, or
 * never published) that a snapshot closes.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Redis } from 'ioredis';
import type { ServerContext } from '../context.ts';
import { lastSeq } from '../db/changeLog.ts';
import { log } from '../log.ts';
import { sharedRedis } from '../redis.ts';
import { applyEntry, commitEntries, restoreSnapshot, type CommitEntry } from './entries.ts';

export const COMMIT_STREAM = 'crossings:commits';
/**
 * Entries kept (approximately): a replica away for longer than this many commits re-bootstraps.
 * Commits are ingest runs and editors' writes, a handful a day, and an entry is up to a few
 * hundred kB: this bounds Redis's memory, and a snapshot is the cheap way back past it.
 */
export const STREAM_MAX_LENGTH = 1000;
export const SNAPSHOT_PATH = '/api/replication/snapshot';

const streamId = (seq: number) => `${seq}-0`;
const seqOf = (id: string) => Number(id.split('-')[0]);

/**
 * The primary's side: publishes every commit after the stream's last entry. Called on each of
 * the ChangeWatcher's announcements; commits made while no server ran (an ingest CLI run) go
 * out at the next start. Publishes one batch at a time, in seq order.
 */
export function startPublisher(ctx: ServerContext, redis: Redis): { publish(): void } {
	let published: number | null = null;
	let running: Promise<void> = Promise.resolve();
	let again = false;

	async function publishOnce(): Promise<void> {
		if (published === null) {
			const [last] = await redis.xrevrange(COMMIT_STREAM, '+', '-', 'COUNT', 1);
			// An empty stream: nothing earlier is owed to anyone; replicas start from a snapshot.
			published = last ? seqOf(last[0]) : lastSeq(ctx.db);
		}
		const upTo = lastSeq(ctx.db);
		if (upTo <= published) return;
		for (const entry of commitEntries(ctx.db, published, upTo)) {
			try {
				await redis.xadd(
					COMMIT_STREAM,
					'MAXLEN',
					'~',
					STREAM_MAX_LENGTH,
					streamId(entry.seq),
					'seq',
					String(entry.seq),
					'data',
					JSON.stringify(entry)
				);
			} catch (err) {
				// Another process on this file published it first: the id is taken, which is fine.
				if (!/equal or smaller/i.test((err as Error).message)) throw err;
			}
			published = entry.seq;
		}
	}

	function publish(): void {
		if (again) return;
		again = true;
		running = running.then(async () => {
			again = false;
			try {
				await publishOnce();
			} catch (err) {
				// Redis away: the next commit (or the retry below) publishes everything owed.
				log().warn({ err: (err as Error).message }, 'replication: publishing commits failed');
				setTimeout(publish, 2000).unref();
			}
		});
	}
	publish();
	return { publish };
}

/** GET /api/replication/snapshot on the primary: a consistent copy of the file, by token. */
export async function serveSnapshot(
	ctx: ServerContext,
	req: IncomingMessage,
	res: ServerResponse
): Promise<void> {
	const token = ctx.config.replicationToken;
	if (ctx.config.role !== 'primary' || !token) {
		res.writeHead(404, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ error: 'replication snapshots are not enabled (REPLICATION_TOKEN)' }));
		return;
	}
	if (req.headers.authorization !== `Bearer ${token}`) {
		res.writeHead(401, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ error: 'a valid replication token is required' }));
		return;
	}
	const dir = await mkdtemp(join(tmpdir(), 'crossings-snapshot-'));
	const file = join(dir, 'snapshot.db');
	try {
		// Online backup: consistent even while ingest commits, and readers are not blocked.
		await ctx.db.backup(file);
		const { size } = await stat(file);
		res.writeHead(200, {
			'content-type': 'application/vnd.sqlite3',
			'content-length': size,
			'cache-control': 'no-store'
		});
		await pipeline(createReadStream(file), res);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

/**
 * Fetches the primary's snapshot and makes it this database's data. Returns the seq it
 * brought this replica to.
 */
export async function bootstrapFromPrimary(ctx: ServerContext): Promise<number> {
	const { primaryUrl, replicationToken } = ctx.config;
	const started = Date.now();
	const response = await fetch(`${primaryUrl}${SNAPSHOT_PATH}`, {
		headers: replicationToken ? { authorization: `Bearer ${replicationToken}` } : {}
	});
	if (!response.ok || !response.body) {
		throw new Error(`snapshot from ${primaryUrl} refused: HTTP ${response.status}`);
	}
	const dir = await mkdtemp(join(tmpdir(), 'crossings-replica-'));
	const file = join(dir, 'snapshot.db');
	try {
		await pipeline(
			Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
			createWriteStream(file)
		);
		restoreSnapshot(ctx.db, file);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
	ctx.live?.poke();
	const seq = lastSeq(ctx.db);
	log().info({ seq, primaryUrl, ms: Date.now() - started }, 'replica: bootstrapped from snapshot');
	return seq;
}

/**
 * The replica's side: reads the stream from its last applied seq and applies each commit in
 * order, forever (until `stop`). A gap, or an entry too large to ship, brings a new snapshot.
 */
export function startFollower(ctx: ServerContext): { stop(): void } {
	const shared = sharedRedis(ctx)!;
	// XREAD BLOCK holds its connection: a connection of its own, not the shared one.
	const reader = shared.duplicate();
	let stopped = false;

	async function follow(): Promise<void> {
		while (!stopped) {
			const at = lastSeq(ctx.db);
			let batch: [string, [string, string[]][]][] | null;
			try {
				batch = (await reader.xread(
					'COUNT',
					100,
					'BLOCK',
					5000,
					'STREAMS',
					COMMIT_STREAM,
					streamId(at)
				)) as [string, [string, string[]][]][] | null;
			} catch (err) {
				if (stopped) return;
				log().warn({ err: (err as Error).message }, 'replica: reading the commit stream failed');
				await new Promise((r) => setTimeout(r, 1000));
				continue;
			}
			for (const [, fields] of batch?.[0]?.[1] ?? []) {
				if (stopped) return;
				const data = fields[fields.indexOf('data') + 1]!;
				const entry = JSON.parse(data) as CommitEntry;
				const mine = lastSeq(ctx.db);
				if (entry.seq <= mine) continue;
				if (entry.resync || entry.after !== mine) {
					log().info(
						{ seq: mine, entryAfter: entry.after, entrySeq: entry.seq, resync: !!entry.resync },
						'replica: gap in the commit stream, taking a snapshot'
					);
					await bootstrapFromPrimary(ctx);
					break;
				}
				try {
					applyEntry(ctx.db, entry);
				} catch (err) {
					// The file went its own way (written by hand, restored from elsewhere): the
					// primary's copy is the truth.
					log().error(
						{ err, seq: entry.seq },
						'replica: a commit did not apply, taking a snapshot'
					);
					await bootstrapFromPrimary(ctx);
					break;
				}
				ctx.live?.poke();
			}
		}
	}

	// A snapshot that failed (primary away): start over from the seq reached, after a pause.
	function run(): void {
		follow().catch((err: unknown) => {
			log().error({ err }, 'replica: following the primary failed; retrying in 2 s');
			if (!stopped) setTimeout(run, 2000).unref();
		});
	}
	run();
	return {
		stop() {
			stopped = true;
			reader.disconnect();
		}
	};
}
