import type { ChangeItem } from '../../domain/live.ts';
import type { Db } from '../db/open.ts';

/** One committed run as read back from change_log. */
export interface Commit {
	/** Seq of the commit before this one (or the `after` asked for). */
	after: number;
	seq: number;
	layers: string[];
	/** null when the commit is larger than the caller wants to send item by item. */
	items: ChangeItem[] | null;
}

/**
 * The commits with seq in (after, upTo], oldest first. Rows of one run are contiguous in
 * seq because SQLite serialises writers, so grouping by run gives whole commits.
 */
export function readCommits(db: Db, after: number, upTo: number, maxItems: number): Commit[] {
	const groups = db
		.prepare(
			`SELECT min(seq) AS first, max(seq) AS last, count(*) AS n,
				group_concat(DISTINCT layer) AS layers
			FROM change_log WHERE seq > ? AND seq <= ?
			GROUP BY run_id ORDER BY first`
		)
		.all(after, upTo) as { first: number; last: number; n: number; layers: string }[];
	const itemsBetween = db.prepare(
		`SELECT c.seq, c.layer, c.iso3, c.period, c.old, c.new, r.feed AS source,
			c.note, c.source_url AS sourceUrl, c.partner
		FROM change_log c JOIN ingest_runs r ON r.id = c.run_id
		WHERE c.seq BETWEEN ? AND ? ORDER BY c.seq`
	);
	// Notes are rare: leave the keys out rather than send nulls to every client.
	const toItem = (
		row: ChangeItem & { note: string | null; sourceUrl: string | null; partner: string | null }
	) => {
		const { note, sourceUrl, partner, ...item } = row;
		return {
			...item,
			...(note ? { note } : {}),
			...(sourceUrl ? { sourceUrl } : {}),
			...(partner ? { partner } : {})
		};
	};
	let previous = after;
	return groups.map((g) => {
		const commit: Commit = {
			after: previous,
			seq: g.last,
			layers: g.layers.split(','),
			items:
				g.n > maxItems
					? null
					: (itemsBetween.all(g.first, g.last) as Parameters<typeof toItem>[0][]).map(toItem)
		};
		previous = g.last;
		return commit;
	});
}
