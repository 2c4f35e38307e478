/**
 * Ingest runs off the server's event loop. `runIngest` is synchronous (parse, diff, one SQLite
 * transaction): a full OxCGRT C8 run takes over a second, during which a server running it on
 * its own thread answers nothing. IngestWorker runs it in one long-lived worker thread with its
 * own connection to the same database file (SQLite serialises writers anyway, so one worker
 * is enough); the server's thread only sends the bytes and hears the summary.
 *
 * The worker is started on the first ingest (a server whose feeds never change never starts
 * it), restarted on the next ingest if it dies, and closed with close(). Its entry is
 * `workerEntry.js`, which gives the thread tsx's loader (see there).
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { openDatabase, type Db } from '../db/open.ts';
import type { Feed } from './feed.ts';
import { FEEDS } from './feeds/index.ts';
import { IngestRefusedError, type IngestProblem } from './problem.ts';
import { runIngest, type IngestSummary } from './run.ts';

interface IngestRequest {
	id: number;
	feed: string;
	source: string;
	bytes: Uint8Array;
}

type IngestReply =
	| { id: number; summary: IngestSummary }
	| { id: number; refused: { problems: IngestProblem[]; total: number } }
	| { id: number; error: string };

type WorkerMessage = IngestRequest | { close: true };

const ENTRY = new URL('./workerEntry.js', import.meta.url);

interface Pending {
	resolve(summary: IngestSummary): void;
	reject(error: Error): void;
}

export class IngestWorker {
	readonly databasePath: string;
	#worker: Worker | null = null;
	#pending = new Map<number, Pending>();
	#inFlight = new Set<Promise<IngestSummary>>();
	#nextId = 1;
	#closed = false;
	/** How many worker threads were started: 1, plus one per restart after a death. */
	started = 0;

	/** `databasePath`: the file the worker opens (`openDatabase`), the server's own database. */
	constructor(databasePath: string) {
		this.databasePath = databasePath;
	}

	/** The running thread's id, or null before the first ingest and after a death. */
	get threadId(): number | null {
		return this.#worker?.threadId ?? null;
	}

	/**
	 * Runs `runIngest(db, feed, input)` in the worker. `feed` must be one of FEEDS (the worker
	 * finds it by name). The bytes' buffer is transferred, not copied: `input.bytes` is empty
	 * afterwards. Resolves with the summary; rejects with an IngestRefusedError (problems and
	 * total as the worker found them) for a refused input, or an Error with the worker's
	 * message for anything else, including the worker dying mid-run.
	 */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any feed, whatever it parses to
	ingest(feed: Feed<any>, input: { source: string; bytes: Uint8Array }): Promise<IngestSummary> {
		if (this.#closed) return Promise.reject(new Error('the ingest worker is closed'));
		if (FEEDS[feed.name] !== feed) {
			return Promise.reject(new Error(`${feed.name}: not a registered feed`));
		}
		// Transfer a buffer that holds exactly these bytes; copy a view into a larger one
		// (a pooled Buffer, a subarray) rather than detach memory that is not ours.
		let { bytes } = input;
		if (
			!(bytes.buffer instanceof ArrayBuffer) ||
			bytes.byteOffset !== 0 ||
			bytes.byteLength !== bytes.buffer.byteLength
		) {
			bytes = new Uint8Array(bytes);
		}
		const buffer = bytes.buffer as ArrayBuffer;
		const worker = this.#worker ?? this.#start();
		const id = this.#nextId++;
		const done = new Promise<IngestSummary>((resolve, reject) => {
			this.#pending.set(id, { resolve, reject });
			worker.ref();
			const request: IngestRequest = { id, feed: feed.name, source: input.source, bytes };
			worker.postMessage(request, [buffer]);
		});
		const settled = () => void this.#inFlight.delete(done);
		this.#inFlight.add(done);
		done.then(settled, settled);
		return done;
	}

	/** Waits for the ingests in flight, then stops the worker and its database connection. */
	async close(): Promise<void> {
		this.#closed = true;
		await Promise.allSettled(this.#inFlight);
		const worker = this.#worker;
		if (!worker) return;
		const exited = new Promise<void>((r) => worker.once('exit', () => r()));
		worker.postMessage({ close: true } satisfies WorkerMessage);
		// A worker stuck in something else is stopped all the same.
		const timer = setTimeout(() => void worker.terminate(), 5000);
		await exited;
		clearTimeout(timer);
	}

	/**
	 * Stops the worker thread at once, as a crash would: an ingest in flight is rejected (its
	 * transaction never commits) and the next ingest starts a new thread. For tests.
	 */
	async terminate(): Promise<void> {
		await this.#worker?.terminate();
	}

	#start(): Worker {
		const worker = new Worker(ENTRY, {
			workerData: { databasePath: this.databasePath },
			// The entry registers the loader it needs; nothing of this process's flags applies.
			execArgv: []
		});
		this.started++;
		worker.unref();
		worker.on('message', (reply: IngestReply) => {
			const pending = this.#pending.get(reply.id);
			if (!pending) return;
			this.#pending.delete(reply.id);
			if (this.#pending.size === 0) worker.unref();
			if ('summary' in reply) pending.resolve(reply.summary);
			else if ('refused' in reply) {
				pending.reject(new IngestRefusedError(reply.refused.problems, reply.refused.total));
			} else pending.reject(new Error(reply.error));
		});
		let failure: Error | null = null;
		worker.on('error', (err) => (failure = err));
		worker.on('exit', (code) => {
			if (this.#worker === worker) this.#worker = null;
			const reason = failure
				? `the ingest worker failed: ${failure.message}`
				: `the ingest worker stopped (exit code ${code})`;
			for (const pending of this.#pending.values()) pending.reject(new Error(reason));
			this.#pending.clear();
		});
		this.#worker = worker;
		return worker;
	}
}

/** One request, in the worker: the summary, the refusal or the error, as a reply. */
function handle(db: Db, request: IngestRequest): IngestReply {
	const { id } = request;
	const feed = FEEDS[request.feed];
	if (!feed) return { id, error: `unknown feed "${request.feed}"` };
	try {
		return { id, summary: runIngest(db, feed, { source: request.source, bytes: request.bytes }) };
	} catch (err) {
		if (err instanceof IngestRefusedError) {
			return { id, refused: { problems: err.problems, total: err.total } };
		}
		return { id, error: err instanceof Error ? err.message : String(err) };
	}
}

/**
 * The worker thread's side (called by workerEntry.js): opens the database and answers
 * requests one at a time, in order, until told to close.
 */
export function serveIngests(): void {
	const port = parentPort;
	if (!port) throw new Error('serveIngests runs in the ingest worker thread');
	const { databasePath } = workerData as { databasePath: string };
	const db = openDatabase(databasePath);
	port.on('message', (message: WorkerMessage) => {
		if ('close' in message) {
			db.close();
			port.close();
			return;
		}
		port.postMessage(handle(db, message));
	});
}
