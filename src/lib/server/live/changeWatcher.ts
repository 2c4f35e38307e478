import type { Db } from '../db/open.ts';
import { lastSeq } from '../db/changeLog.ts';
import { readCommits, type Commit } from './commits.ts';

export interface ChangeWatcherOptions {
	/** How often to ask SQLite whether another connection committed. */
	intervalMs?: number;
	/** Commits with more changes than this are announced as a reload. */
	maxItems?: number;
}

/**
 * Notices every commit to change_log, whoever made it, and hands the new commits on in seq
 * order, each exactly once. Other processes' commits show as a change of
 * `PRAGMA data_version` on this connection; this process's own writes do not, so writers
 * here call `poke()` after they commit.
 */
export class ChangeWatcher {
	#db: Db;
	#timer: NodeJS.Timeout | null = null;
	#dataVersion: number;
	#poked = false;
	#listeners = new Set<(commits: Commit[]) => void>();
	readonly intervalMs: number;
	readonly maxItems: number;
	/** The last seq handed on: everything up to it has been announced. */
	seq: number;

	constructor(db: Db, options: ChangeWatcherOptions = {}) {
		this.#db = db;
		// The pragma is a cheap read of a counter: a short interval costs little and is what
		// bounds the delay for commits by other processes (see BENCHMARKS.md).
		this.intervalMs = options.intervalMs ?? 10;
		this.maxItems = options.maxItems ?? 500;
		this.#dataVersion = this.#readDataVersion();
		this.seq = lastSeq(db);
	}

	#readDataVersion(): number {
		return this.#db.pragma('data_version', { simple: true }) as number;
	}

	onCommits(listener: (commits: Commit[]) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	start(): void {
		if (this.#timer) return;
		this.#timer = setInterval(() => this.check(), this.intervalMs);
		this.#timer.unref();
	}

	stop(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
	}

	/** Call after committing through this process's own connection. */
	poke(): void {
		this.#poked = true;
		queueMicrotask(() => this.check());
	}

	/** Reads and announces whatever was committed since the last check. */
	check(): void {
		const version = this.#readDataVersion();
		if (version === this.#dataVersion && !this.#poked) return;
		this.#dataVersion = version;
		this.#poked = false;
		const upTo = lastSeq(this.#db);
		if (upTo <= this.seq) return;
		const commits = readCommits(this.#db, this.seq, upTo, { maxItems: this.maxItems });
		this.seq = upTo;
		for (const listener of this.#listeners) listener(commits);
	}
}
