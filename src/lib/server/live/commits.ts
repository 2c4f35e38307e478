import { LIVE_LAYERS, type ChangeItem } from '../../domain/live.ts';
import { prepared, type Db } from '../db/open.ts';

/** One committed run as read back from change_log. */
export interface Commit {
	/** Seq of the commit before this one (or the `after` asked for). */
	after: number;
	seq: number;
	layers: string[];
	/** null when the commit is larger than the caller wants to send item by item. */
	items: ChangeItem[] | null;
}

export interface ReadCommitsOptions {
	/** A commit with more changes than this comes without items (clients reload instead). */
	maxItems: number;
	/** Stop after this many commits (a page of a replay). */
	limitCommits?: number;
	/** Stop once this many items were read (a page never reads much more than this). */
	limitItems?: number;
}

type ItemRow = ChangeItem & {
	note: string | null;
	sourceUrl: string | null;
	partner: string | null;
};

// Notes are rare: leave the keys out rather than send nulls to every client.
const toItem = ({ note, sourceUrl, partner, ...item }: ItemRow): ChangeItem => ({
	...item,
	...(note ? { note } : {}),
	...(sourceUrl ? { sourceUrl } : {}),
	...(partner ? { partner } : {})
});

const RUNS_BETWEEN = `SELECT first_seq AS first, last_seq AS last FROM ingest_runs
	WHERE last_seq > ? AND last_seq <= ? AND first_seq IS NOT NULL
	ORDER BY last_seq LIMIT ?`;
const ITEMS_BETWEEN = `SELECT c.seq, c.layer, c.iso3, c.period, c.old, c.new, r.feed AS source,
		c.note, c.source_url AS sourceUrl, c.partner
	FROM change_log c JOIN ingest_runs r ON r.id = c.run_id
	WHERE c.seq BETWEEN ? AND ? ORDER BY c.seq`;
/** The layers of a commit too large to read item by item: one indexed probe per layer. */
const HAS_LAYER = 'SELECT 1 FROM change_log WHERE layer = ? AND seq BETWEEN ? AND ? LIMIT 1';

/**
 * The commits with seq in (after, upTo], oldest first, from the runs' seq ranges
 * (`ingest_runs.first_seq..last_seq`, indexed by last_seq): the cost is the size of what is
 * read, never the size of the log. Seqs of one run are contiguous because SQLite serialises
 * writers.
 */
export function readCommits(
	db: Db,
	after: number,
	upTo: number,
	options: ReadCommitsOptions
): Commit[] {
	const runs = prepared(db, RUNS_BETWEEN).all(after, upTo, options.limitCommits ?? -1) as {
		first: number;
		last: number;
	}[];
	const itemsBetween = prepared(db, ITEMS_BETWEEN);
	const hasLayer = prepared(db, HAS_LAYER, { pluck: true });
	const commits: Commit[] = [];
	let previous = after;
	let itemsRead = 0;
	for (const run of runs) {
		if (options.limitItems !== undefined && itemsRead >= options.limitItems) break;
		let items: ChangeItem[] | null = null;
		let layers: string[];
		if (run.last - run.first + 1 > options.maxItems) {
			layers = LIVE_LAYERS.filter((l) => hasLayer.get(l, run.first, run.last) !== undefined);
		} else {
			items = (itemsBetween.all(run.first, run.last) as ItemRow[]).map(toItem);
			layers = [...new Set(items.map((i) => i.layer))];
			itemsRead += items.length;
		}
		commits.push({ after: previous, seq: run.last, layers, items });
		previous = run.last;
	}
	return commits;
}

/** How far a subscriber at `after` is behind `upTo`: commits and (at most) items. */
export function backlog(db: Db, after: number, upTo: number): { commits: number; items: number } {
	const commits = prepared(
		db,
		`SELECT count(*) FROM ingest_runs
		WHERE last_seq > ? AND last_seq <= ? AND first_seq IS NOT NULL`,
		{ pluck: true }
	).get(after, upTo) as number;
	// Seqs are contiguous: the difference bounds the number of changes from above.
	return { commits, items: Math.max(0, upTo - after) };
}
