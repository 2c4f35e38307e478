/**
 * Feeds on a schedule: poll a public URL every interval with a conditional GET and ingest
 * only what really changed. Used by `npm run ingest -- <feed> --url U --every 1h` and, through
 * a FEEDS_CONFIG file, by the production server, which runs the ingests in a worker thread.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { ServerContext } from '../context.ts';
import type { Db } from '../db/open.ts';
import { downloadFeed, feedMaxBytes, type DownloadResult, type Validators } from './download.ts';
import type { Feed } from './feed.ts';
import { FEEDS } from './feeds/index.ts';
import { formatProblem, IngestRefusedError } from './problem.ts';
import { metrics } from '../metrics.ts';
import { lastSeq } from '../db/changeLog.ts';
import { runIngest, type IngestSummary } from './run.ts';
import { IngestWorker } from './worker.ts';

const UNITS: Record<string, number> = {
	ms: 1,
	s: 1000,
	m: 60_000,
	h: 3_600_000,
	d: 86_400_000
};
/** setTimeout's limit (about 24.8 days). */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

/**
 * `'1h'`, `'15m'`, `'30s'`, `'1d'`, `'500ms'` → milliseconds. A whole positive number and
 * one unit; under a second only with `allowSubSecond` (tests), at most 24 days.
 */
export function parseInterval(text: string, options: { allowSubSecond?: boolean } = {}): number {
	const m = /^([1-9]\d*)(ms|s|m|h|d)$/.exec(text.trim());
	if (!m) {
		throw new Error(
			`"${text}" is not an interval: expected a whole number and a unit, like 1d, 1h, 15m or 30s`
		);
	}
	const ms = Number(m[1]) * UNITS[m[2]!]!;
	if (ms < 1000 && !options.allowSubSecond) {
		throw new Error(`"${text}" is too short: the shortest interval is 1s`);
	}
	if (ms > MAX_INTERVAL_MS) throw new Error(`"${text}" is too long: the longest interval is 24d`);
	return ms;
}

/** Milliseconds as parseInterval reads them: 3600000 → '1h', 90000 → '90s'. */
export function formatInterval(ms: number): string {
	const units = Object.entries(UNITS).reverse();
	const [unit, size] = units.find(([, size]) => ms % size === 0) ?? ['ms', 1];
	return `${ms / size}${unit}`;
}

/** The `file:line: field: reason` lines of a refused input, as the ingest CLI prints them. */
export function refusalLines(err: IngestRefusedError, source: string): string[] {
	const lines = err.problems.map(formatProblem);
	if (err.total > err.problems.length) {
		lines.push(`… and ${err.total - err.problems.length} more problems`);
	}
	lines.push(`${source}: refused, database unchanged`);
	return lines;
}

export interface PollLog {
	/** One JSON summary line per run. */
	log(line: string): void;
	/** Problems of refused inputs and fetch errors. */
	error(line: string): void;
}

/** What one poll did (each poll also logs one JSON summary line). */
export type PollResult =
	| { status: 'ingested'; summary: IngestSummary }
	| { status: 'not-modified' }
	| { status: 'same-content' }
	| { status: 'refused'; error: IngestRefusedError }
	| { status: 'failed'; error: Error };

/** Runs one ingest of downloaded bytes: resolves with the summary, rejects as runIngest throws. */
export type IngestFn = (
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any feed, whatever it parses to
	feed: Feed<any>,
	input: { source: string; bytes: Uint8Array }
) => Promise<IngestSummary>;

export interface FeedPollerOptions {
	/** The database: read for the seq in summaries, and written by the default `ingest`. */
	db: Db;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any feed, whatever it parses to
	feed: Feed<any>;
	url: string;
	intervalMs: number;
	/**
	 * How a new body is ingested; default the synchronous `runIngest` on `db`, on this thread
	 * (the CLI). The server passes an IngestWorker's `ingest`, which runs it in a worker
	 * thread. A rejection with an IngestRefusedError is a refused input; any other is a failure.
	 */
	ingest?: IngestFn;
	/** Called after each run that changed something (the server pokes its live watcher). */
	onCommit?: () => void;
	/** Called after every poll, whatever happened (tests, monitoring). */
	onResult?: (result: PollResult) => void;
	log?: PollLog;
	/** The time for one download, body included; default 60 s. */
	timeoutMs?: number;
	/** The cap on a download's size in bytes; default FEED_MAX_BYTES, or 32 MiB. */
	maxBytes?: number;
}

/**
 * Polls one feed URL: a conditional GET every interval (measured from the start of one poll
 * to the next, polls never overlap) and an ingest run when the body is new. A 304 or a body
 * with the same sha256 as the last one handled writes nothing. Refused inputs and fetch
 * errors are logged and the next poll comes as planned.
 */
export class FeedPoller {
	readonly options: FeedPollerOptions;
	readonly maxBytes: number;
	#ingest: IngestFn;
	#validators: Validators = {};
	#lastSha: string | null = null;
	#timer: NodeJS.Timeout | null = null;
	#running: Promise<PollResult> | null = null;
	#abort = new AbortController();
	#stopped = false;

	/** Throws at once when `maxBytes` is not given and FEED_MAX_BYTES is malformed. */
	constructor(options: FeedPollerOptions) {
		this.options = options;
		this.maxBytes = options.maxBytes ?? feedMaxBytes();
		this.#ingest = options.ingest ?? (async (feed, input) => runIngest(options.db, feed, input));
	}

	/** Polls now, then every interval until stop(). */
	start(): void {
		if (this.#stopped || this.#timer || this.#running) return;
		const loop = () => {
			this.#timer = null;
			const started = Date.now();
			void this.poll()
				// Only a throwing callback gets here; polling goes on regardless.
				.catch((err: Error) =>
					(this.options.log ?? console).error(`${this.options.feed.name}: ${err.message}`)
				)
				.finally(() => {
					if (this.#stopped) return;
					const wait = Math.max(0, started + this.options.intervalMs - Date.now());
					this.#timer = setTimeout(loop, wait);
				});
		};
		loop();
	}

	/** Stops polling: aborts a fetch in flight, lets an ingest in flight finish. */
	async stop(): Promise<void> {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#abort.abort();
		await this.#running?.catch(() => {});
	}

	/** One poll (start() calls this on every tick). */
	poll(): Promise<PollResult> {
		if (this.#running) return this.#running;
		this.#running = this.#poll().finally(() => (this.#running = null));
		return this.#running;
	}

	async #poll(): Promise<PollResult> {
		const { db, feed, url } = this.options;
		const log = this.options.log ?? console;
		const report = (result: PollResult, extra: Record<string, unknown> = {}): PollResult => {
			const summary: IngestSummary =
				result.status === 'ingested'
					? result.summary
					: {
							feed: feed.name,
							source: url,
							rowsRead: 0,
							rowsChanged: 0,
							rejected: result.status === 'refused' ? result.error.total : 0,
							seq: lastSeq(db),
							runId: null,
							dryRun: false
						};
			log.log(JSON.stringify({ ...summary, ...extra }));
			this.options.onResult?.(result);
			return result;
		};

		let fetched: DownloadResult;
		try {
			// The feed's own download when it has one: every page of the World Bank API.
			fetched = await (feed.download ?? downloadFeed)(url, {
				previous: this.#validators,
				timeoutMs: this.options.timeoutMs,
				maxBytes: this.maxBytes,
				signal: this.#abort.signal
			});
		} catch (err) {
			if (this.#stopped) return { status: 'failed', error: err as Error };
			const error = err as Error;
			log.error(
				`${feed.name}: ${error.message}; next try in ${formatInterval(this.options.intervalMs)}`
			);
			return report({ status: 'failed', error }, { error: error.message });
		}
		if (this.#stopped) return { status: 'not-modified' };
		if (fetched.status === 'unchanged') {
			return report({ status: 'not-modified' }, { skipped: 'not modified' });
		}
		const validators = { etag: fetched.etag, lastModified: fetched.lastModified };
		const sha = fetched.sha256;
		if (sha === this.#lastSha) {
			this.#validators = validators;
			return report({ status: 'same-content' }, { skipped: 'same content' });
		}
		let summary: IngestSummary;
		try {
			// Text feeds get the bytes decoded as UTF-8 by the runner, binary feeds the bytes.
			summary = await this.#ingest(feed, { source: url, bytes: fetched.bytes });
		} catch (err) {
			if (!(err instanceof IngestRefusedError)) {
				// Not the input's fault (a locked database, a full disk): try again next time.
				const error = err as Error;
				log.error(
					`${feed.name}: ${url}: ${error.message}; next try in ${formatInterval(this.options.intervalMs)}`
				);
				return report({ status: 'failed', error }, { error: error.message });
			}
			// The same refused input would be refused again: remember it, so it is reported once.
			this.#validators = validators;
			this.#lastSha = sha;
			for (const line of refusalLines(err, url)) log.error(line);
			return report({ status: 'refused', error: err });
		}
		this.#validators = validators;
		this.#lastSha = sha;
		if (summary.rowsChanged > 0) this.options.onCommit?.();
		return report({ status: 'ingested', summary });
	}
}

/** One entry of a FEEDS_CONFIG file. */
export const FeedConfigEntry = z.strictObject({
	feed: z.string().superRefine((name, ctx) => {
		if (!Object.hasOwn(FEEDS, name)) {
			ctx.addIssue({
				code: 'custom',
				message: `unknown feed "${name}" (known: ${Object.keys(FEEDS).join(', ')})`
			});
		} else if (FEEDS[name]!.binary) {
			// Workbooks are ingested one run at a time with the CLI. (The poller hands feeds the
			// downloaded bytes, and the ingest worker reads workbooks, so this is policy now.)
			ctx.addIssue({ code: 'custom', message: `"${name}" reads a workbook and cannot be polled` });
		}
	}),
	url: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }),
	every: z.string().superRefine((text, ctx) => {
		try {
			parseInterval(text);
		} catch (err) {
			ctx.addIssue({ code: 'custom', message: (err as Error).message });
		}
	})
});
export type FeedConfigEntry = z.infer<typeof FeedConfigEntry>;

export class FeedsConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FeedsConfigError';
	}
}

/**
 * Reads and validates a FEEDS_CONFIG file: a JSON array of `{ feed, url, every }`. Every
 * problem is reported at once, each naming the file and the entry's index.
 */
export function loadFeedsConfig(path: string): FeedConfigEntry[] {
	let data: unknown;
	try {
		data = JSON.parse(readFileSync(resolve(path), 'utf8'));
	} catch (err) {
		throw new FeedsConfigError(`FEEDS_CONFIG ${path}: ${(err as Error).message}`);
	}
	const result = z.array(FeedConfigEntry).safeParse(data);
	if (result.success) return result.data;
	const lines = result.error.issues.map((issue) => {
		const [index, ...field] = issue.path;
		if (typeof index !== 'number') return `${path}: ${issue.message}`;
		const where = field.length > 0 ? `entry ${index}: ${field.join('.')}` : `entry ${index}`;
		return `${path}: ${where}: ${issue.message}`;
	});
	throw new FeedsConfigError(`FEEDS_CONFIG ${path} is invalid:\n${lines.join('\n')}`);
}

export interface ConfiguredFeeds {
	pollers: FeedPoller[];
	/** Runs the pollers' ingests off the server's event loop. */
	worker: IngestWorker;
	/** Stops polling, lets ingests in flight finish, then closes the worker. */
	stop(): Promise<void>;
}

/** A poll as /metrics counts it: changed, unchanged, not-modified, refused or failed. */
function outcomeOf(result: PollResult): string {
	if (result.status !== 'ingested') return result.status;
	return result.summary.rowsChanged > 0 ? 'changed' : 'unchanged';
}

/**
 * Starts one poller per entry (a loaded FEEDS_CONFIG file). Downloads happen on the server's
 * thread (streamed, capped at `ctx.config.feedMaxBytes`); ingests in one worker thread with
 * its own connection to `ctx.config.databasePath`, so the server keeps answering while a
 * feed is parsed and committed. Commits poke the live watcher (which would also notice them
 * through `PRAGMA data_version`, the worker's connection being another one).
 */
export function startConfiguredFeeds(
	ctx: ServerContext,
	entries: readonly FeedConfigEntry[],
	log: PollLog = console
): ConfiguredFeeds {
	const worker = new IngestWorker(ctx.config.databasePath);
	const pollers = entries.map(
		(entry) =>
			new FeedPoller({
				db: ctx.db,
				feed: FEEDS[entry.feed]!,
				url: entry.url,
				intervalMs: parseInterval(entry.every),
				ingest: (feed, input) => worker.ingest(feed, input),
				maxBytes: ctx.config.feedMaxBytes,
				onCommit: () => ctx.live?.poke(),
				onResult: (result) =>
					metrics().ingestRuns.inc({ feed: entry.feed, outcome: outcomeOf(result) }),
				log
			})
	);
	for (const [i, poller] of pollers.entries()) {
		log.log(`feed ${entries[i]!.feed}: polling ${entries[i]!.url} every ${entries[i]!.every}`);
		poller.start();
	}
	return {
		pollers,
		worker,
		stop: async () => {
			await Promise.all(pollers.map((p) => p.stop()));
			await worker.close();
		}
	};
}
