import { createHash } from 'node:crypto';
import { restrictionHorizonDays } from '../config.ts';
import { restrictionBounds } from '../db/borderStatus.ts';
import { lastSeq } from '../db/changeLog.ts';
import { countryResolver } from '../db/countries.ts';
import { assertDatabaseFile, type Db } from '../db/open.ts';
import type { Feed } from './feed.ts';
import { IngestRefusedError } from './problem.ts';

/**
 * One input to ingest: its text, its bytes, or both (text feeds read the text, binary
 * feeds the bytes; the run's sha256 is over the bytes when given).
 */
export type IngestInput =
	| {
			/** What to call the input in messages: a file path or URL. */
			source: string;
			text: string;
			bytes?: Uint8Array;
	  }
	| { source: string; text?: undefined; bytes: Uint8Array };

export interface IngestSummary {
	feed: string;
	source: string;
	rowsRead: number;
	rowsChanged: number;
	rejected: number;
	/** The last change seq in the database after the run. */
	seq: number;
	runId: number | null;
	dryRun: boolean;
}

class DryRunRollback extends Error {}

/** Runs that change at least this many values are followed by a WAL checkpoint. */
const CHECKPOINT_AFTER_CHANGES = 10_000;

/** World Bank aggregate codes (table wb_aggregate), read when a feed first asks. */
function aggregateChecker(db: Db): (code: string) => boolean {
	let codes: Set<string> | undefined;
	return (code) => {
		codes ??= new Set(db.prepare('SELECT code FROM wb_aggregate').pluck().all() as string[]);
		return codes.has(code.trim().toUpperCase());
	};
}

/**
 * One ingest run: parse and validate everything first, then diff and write in a single
 * transaction with its change_log rows and run record. A refused input writes nothing.
 */
export function runIngest<T>(
	db: Db,
	feed: Feed<T>,
	input: IngestInput,
	options: { dryRun?: boolean; restrictionHorizonDays?: number; snapshotDate?: string } = {}
): IngestSummary {
	const parsed = feed.parse(parseInput(feed, input), {
		file: input.source,
		resolveCountry: countryResolver(db),
		isAggregate: aggregateChecker(db),
		restrictionBounds: restrictionBounds(
			db,
			options.restrictionHorizonDays ?? restrictionHorizonDays()
		),
		snapshotDate: options.snapshotDate
	});
	if (!parsed.problems.empty) {
		throw new IngestRefusedError(parsed.problems.items, parsed.problems.total);
	}
	const sha256 = createHash('sha256')
		.update(input.text === undefined ? input.bytes : (input.bytes ?? input.text))
		.digest('hex');
	return commitRun(db, feed, parsed.value, {
		source: input.source,
		sha256,
		rowsRead: parsed.rowsRead,
		dryRun: options.dryRun
	});
}

/** Bytes for binary feeds, text for the others (bytes decoded as UTF-8 when there is no text). */
function parseInput(feed: Feed<unknown>, input: IngestInput): string | Uint8Array {
	if (input.text === undefined) {
		return feed.binary
			? input.bytes
			: new TextDecoder('utf-8', { ignoreBOM: true }).decode(input.bytes);
	}
	// A binary feed given only text (by a caller that has only text) gets it, and refuses it.
	return feed.binary ? (input.bytes ?? input.text) : input.text;
}

/**
 * Writes an already validated value through its feed in one IMMEDIATE transaction, with
 * the run record and one change_log row per changed value. Editors' API writes come here too.
 */
export function commitRun<T>(
	db: Db,
	feed: Feed<T>,
	value: T,
	run: { source: string; sha256: string; rowsRead: number; dryRun?: boolean }
): IngestSummary {
	const dryRun = run.dryRun ?? false;
	// A write to a file that was removed under us would be lost at the next start.
	assertDatabaseFile(db);
	const summary: IngestSummary = {
		feed: feed.name,
		source: run.source,
		rowsRead: run.rowsRead,
		rowsChanged: 0,
		rejected: 0,
		seq: 0,
		runId: null,
		dryRun
	};
	const at = new Date().toISOString();
	const insertChange = db.prepare(
		`INSERT INTO change_log
			(at, layer, iso3, period, old, new, run_id, note, source_url, partner, measure)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	);
	const write = db.transaction(() => {
		const runId = Number(
			db
				.prepare(
					`INSERT INTO ingest_runs (feed, source, sha256, rows_read, started_at, outcome)
					VALUES (?, ?, ?, ?, ?, 'running')`
				)
				.run(feed.name, run.source, run.sha256, run.rowsRead, at).lastInsertRowid
		);
		let firstSeq: number | null = null;
		let lastChangeSeq: number | null = null;
		feed.apply(
			{
				db,
				runId,
				recordChange(layer, iso3, period, old, next, detail) {
					const seq = Number(
						insertChange.run(
							at,
							layer,
							iso3,
							period,
							old,
							next,
							runId,
							detail?.note ?? null,
							detail?.sourceUrl ?? null,
							detail?.partner ?? null,
							detail?.measure ?? null
						).lastInsertRowid
					);
					firstSeq ??= seq;
					lastChangeSeq = seq;
					summary.rowsChanged++;
				}
			},
			value
		);
		db.prepare(
			`UPDATE ingest_runs SET rows_changed = ?, first_seq = ?, last_seq = ?, finished_at = ?,
				outcome = ? WHERE id = ?`
		).run(
			summary.rowsChanged,
			firstSeq,
			lastChangeSeq,
			new Date().toISOString(),
			summary.rowsChanged > 0 ? 'changed' : 'unchanged',
			runId
		);
		summary.runId = runId;
		summary.seq = lastSeq(db);
		if (dryRun) throw new DryRunRollback();
	});
	try {
		// IMMEDIATE takes the write lock before reading, so the diff cannot go stale.
		write.immediate();
	} catch (err) {
		if (!(err instanceof DryRunRollback)) throw err;
		summary.runId = null;
	}
	// A large run leaves a WAL of tens of MB; checkpoint now so journal_size_limit can
	// truncate it, instead of keeping that size until the last connection closes.
	if (summary.rowsChanged >= CHECKPOINT_AFTER_CHANGES) db.pragma('wal_checkpoint(TRUNCATE)');
	return summary;
}
