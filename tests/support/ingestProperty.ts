/**
 * The promise every feed makes, checked on one input: on a fresh copy of a seeded database,
 * `runIngest` either commits (no non-finite number stored, and the same input again changes
 * nothing) or refuses with IngestRefusedError and leaves the content exactly as it was.
 * Anything else throws. Shared by the feed fuzzers, which check the refusal's problems.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import type { Feed } from '../../src/lib/server/ingest/feed.ts';
import { IngestRefusedError, type IngestProblem } from '../../src/lib/server/ingest/problem.ts';
import { runIngest, type IngestInput } from '../../src/lib/server/ingest/run.ts';
import { dumpContent } from './db.ts';

type Dump = Record<string, unknown[]>;

/** Tables holding a number that is not finite (which no feed may store). */
export const nonFinite = (dump: Dump) =>
	Object.keys(dump).filter((t) =>
		(dump[t] as unknown[][]).some((row) =>
			row.some((v) => typeof v === 'number' && !Number.isFinite(v))
		)
	);

/** Tables whose rows differ between two dumps. */
export const differing = (a: Dump, b: Dump, skip: string[]) =>
	[...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
		(t) => !skip.includes(t) && JSON.stringify(a[t]) !== JSON.stringify(b[t])
	);

let runs = 0;

/** The outcome; a refusal carries its problems for the caller to check. */
export function ingestOnCopy(
	seeded: { path: string; content: Dump; dir: string },
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any feed, whatever it parses to
	feed: Feed<any>,
	input: IngestInput
): { outcome: 'committed' } | { outcome: 'refused'; problems: IngestProblem[] } {
	const path = join(seeded.dir, `run-${process.pid}-${++runs}.db`);
	copyFileSync(seeded.path, path);
	const db = openDatabase(path);
	try {
		try {
			runIngest(db, feed, input);
		} catch (err) {
			if (!(err instanceof IngestRefusedError)) throw err;
			expect(err.problems.length).toBeGreaterThan(0);
			const changed = differing(seeded.content, dumpContent(db), []);
			if (changed.length > 0) throw new Error(`a refused input changed ${changed.join(', ')}`);
			return { outcome: 'refused', problems: err.problems };
		}
		const first = dumpContent(db);
		const infinite = nonFinite(first);
		if (infinite.length > 0) throw new Error(`committed non-finite numbers: ${infinite}`);
		const again = runIngest(db, feed, input);
		if (again.rowsChanged !== 0) {
			throw new Error(`the same input again changed ${again.rowsChanged} rows`);
		}
		const second = dumpContent(db);
		const changed = differing(first, second, ['ingest_runs', 'sqlite_sequence']);
		if (changed.length > 0) throw new Error(`the same input again changed ${changed.join(', ')}`);
		expect(second['ingest_runs']!.length).toBe(first['ingest_runs']!.length + 1);
		return { outcome: 'committed' };
	} finally {
		db.close();
		for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
	}
}
