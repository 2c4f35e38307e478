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

export interface ChangeFilter {
	/** Only these countries. */
	members?: ReadonlySet<string> | null;
	/** The first day of the change's period (a year counts as its 1 January, a quarter as its first day), inclusive. */
	from?: string;
	to?: string;
	/** Border-status changes whose level rose (tightening) or fell (loosening). */
	direction?: 'tightening' | 'loosening';
	/** Only changes from one value to another. */
	levelOnly?: boolean;
	/** Only changes of this layer. */
	layer?: string;
}

function changeWhere(filter: ChangeFilter): { sql: string[]; params: Record<string, unknown> } {
	const sql: string[] = [];
	const params: Record<string, unknown> = {};
	if (filter.members) {
		sql.push('c.iso3 IN (SELECT value FROM json_each(@members))');
		params.members = JSON.stringify([...filter.members]);
	}
	// A period is a day, a year, a month `YYYY-MM`, a quarter `YYYYQn` or an interval
	// `from/to`: its first day, as periodFirstDay (domain/date.ts) computes it.
	const firstDay = `(CASE
		WHEN length(c.period) = 4 THEN c.period || '-01-01'
		WHEN length(c.period) = 7 AND substr(c.period, 5, 1) = '-' THEN c.period || '-01'
		WHEN length(c.period) = 6 AND substr(c.period, 5, 1) = 'Q'
			THEN printf('%s-%02d-01', substr(c.period, 1, 4), substr(c.period, 6, 1) * 3 - 2)
		ELSE substr(c.period, 1, 10) END)`;
	if (filter.from) {
		sql.push(`${firstDay} >= @from`);
		params.from = filter.from;
	}
	if (filter.to) {
		sql.push(`${firstDay} <= @to`);
		params.to = filter.to;
	}
	if (filter.layer) {
		sql.push('c.layer = @layer');
		params.layer = filter.layer;
	}
	if (filter.levelOnly || filter.direction) {
		sql.push('c.old IS NOT NULL AND c.new IS NOT NULL AND c.old != c.new');
	}
	if (filter.direction) {
		sql.push(`c.layer = 'border-status'`);
		sql.push(filter.direction === 'tightening' ? 'c.new > c.old' : 'c.new < c.old');
	}
	return { sql, params };
}

/** Changes after `after` matching `filter`, in seq order, at most `limit`. */
export function filteredChangesAfter(
	db: Db,
	after: number,
	limit: number,
	filter: ChangeFilter
): ChangeRecord[] {
	const { sql, params } = changeWhere(filter);
	return db
		.prepare(
			`${SELECT_CHANGES} WHERE ${['c.seq > @after', ...sql].join(' AND ')} ORDER BY c.seq LIMIT @limit`
		)
		.all({ ...params, after, limit }) as ChangeRecord[];
}

/** The newest `count` changes matching `filter`, oldest first. */
export function filteredLatestChanges(db: Db, count: number, filter: ChangeFilter): ChangeRecord[] {
	const { sql, params } = changeWhere(filter);
	const where = sql.length > 0 ? `WHERE ${sql.join(' AND ')}` : '';
	const rows = db
		.prepare(`${SELECT_CHANGES} ${where} ORDER BY c.seq DESC LIMIT @count`)
		.all({ ...params, count }) as ChangeRecord[];
	return rows.reverse();
}

/** A layer's changes committed after `seq`, newest first: what a view pinned at `seq` undoes. */
export function changesSince(
	db: Db,
	layer: string,
	seq: number
): { iso3: string; period: string; old: number | null }[] {
	return prepared(
		db,
		'SELECT iso3, period, old FROM change_log WHERE layer = ? AND seq > ? ORDER BY seq DESC'
	).all(layer, seq) as { iso3: string; period: string; old: number | null }[];
}
