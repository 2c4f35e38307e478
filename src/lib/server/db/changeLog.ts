import { prepared, type Db } from './open.ts';

/** The seq of the last committed change (0 for a new database). */
export function lastSeq(db: Db): number {
	return prepared(db, 'SELECT coalesce(max(seq), 0) FROM change_log', {
		pluck: true
	}).get() as number;
}

export interface ChangeRecord {
	seq: number;
	at: string;
	layer: string;
	iso3: string;
	period: string;
	old: number | null;
	new: number | null;
	/** The feed that made the change, e.g. "oxcgrt-c8", or "restrictions" for editors. */
	source: string | null;
	/** An editor's note and source URL, for curated changes. */
	note: string | null;
	sourceUrl: string | null;
}

const SELECT_CHANGES = `SELECT c.seq, c.at, c.layer, c.iso3, c.period, c.old, c.new,
		r.feed AS source, c.note, c.source_url AS sourceUrl
	FROM change_log c LEFT JOIN ingest_runs r ON r.id = c.run_id`;

export function changesAfter(db: Db, after: number, limit: number): ChangeRecord[] {
	return db
		.prepare(`${SELECT_CHANGES} WHERE c.seq > ? ORDER BY c.seq LIMIT ?`)
		.all(after, limit) as ChangeRecord[];
}

/**
 * The newest `count` changes, oldest first; with `levelChangesOnly`, only changes from one
 * level to another (no first values or removals), which is what a change feed starts with.
 */
export function latestChanges(db: Db, count: number, levelChangesOnly = false): ChangeRecord[] {
	const where = levelChangesOnly
		? 'WHERE c.old IS NOT NULL AND c.new IS NOT NULL AND c.old != c.new'
		: '';
	const rows = db
		.prepare(`${SELECT_CHANGES} ${where} ORDER BY c.seq DESC LIMIT ?`)
		.all(count) as ChangeRecord[];
	return rows.reverse();
}
