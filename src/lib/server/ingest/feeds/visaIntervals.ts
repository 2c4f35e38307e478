/**
 * A pair's visa rules as intervals between dated snapshots, and what one snapshot's rule does
 * to them. Pure, so the order snapshots arrive in (an older one after a newer one, or a
 * revised file for a date already held) can be tested without a database.
 */
import { sameVisaRule, type VisaRule } from '../../../domain/visaRequirement.ts';

/** One stored interval: `rule` holds from snapshot `from` until snapshot `to` (exclusive). */
export interface VisaInterval {
	from: string;
	/** The next snapshot showing something else or not listing the pair; null: the latest. */
	to: string | null;
	rule: VisaRule;
}

/** The snapshots around the one being written: the nearest before and after it, if any. */
export interface SnapshotWindow {
	previous: string | null;
	snapshot: string;
	next: string | null;
}

export interface IntervalEdit {
	/** What readers saw on the snapshot's date before (the interval holding it), or null. */
	old: VisaRule | null;
	removed: VisaInterval[];
	added: VisaInterval[];
}

const NO_EDIT = (old: VisaRule | null): IntervalEdit => ({ old, removed: [], added: [] });

const holding = (intervals: readonly VisaInterval[], day: string) =>
	intervals.find((i) => i.from <= day && (i.to === null || i.to > day));

const sameInterval = (a: VisaInterval, b: VisaInterval) =>
	a.from === b.from && a.to === b.to && sameVisaRule(a.rule, b.rule);

/**
 * The edit that makes a pair show `rule` (null: not listed) on `window.snapshot`, leaving every
 * other snapshot's rule as it was. `intervals` are the pair's intervals that hold any day of
 * [previous, next] (more are ignored). Only the window changes: the interval holding the
 * previous snapshot, the snapshot itself and the next one are cut and joined again, equal
 * neighbours merged, so the intervals stay the run-length form of the rules by snapshot
 * whatever order snapshots are written in.
 */
export function placeSnapshotRule(
	intervals: readonly VisaInterval[],
	window: SnapshotWindow,
	rule: VisaRule | null
): IntervalEdit {
	const { previous, snapshot, next } = window;
	const atSnapshot = holding(intervals, snapshot);
	const old = atSnapshot?.rule ?? null;
	if (sameVisaRule(old, rule)) return NO_EDIT(old);

	const atPrevious = previous === null ? undefined : holding(intervals, previous);
	const atNext = next === null ? undefined : holding(intervals, next);
	const removed = [...new Set([atPrevious, atSnapshot, atNext])].filter(
		(i): i is VisaInterval => i !== undefined
	);

	// The rules on the window's snapshots after the edit, and the runs of equal ones.
	const points: { day: string; rule: VisaRule | null }[] = [
		...(previous === null ? [] : [{ day: previous, rule: atPrevious?.rule ?? null }]),
		{ day: snapshot, rule },
		...(next === null ? [] : [{ day: next, rule: atNext?.rule ?? null }])
	];
	const added: VisaInterval[] = [];
	for (let start = 0; start < points.length;) {
		let end = start;
		while (end + 1 < points.length && sameVisaRule(points[end + 1]!.rule, points[start]!.rule)) {
			end++;
		}
		const runRule = points[start]!.rule;
		if (runRule !== null) {
			// A run reaching the window's edges keeps the far ends of the intervals it extends.
			const from = start === 0 && previous !== null ? atPrevious!.from : points[start]!.day;
			const to = end + 1 < points.length ? points[end + 1]!.day : next !== null ? atNext!.to : null;
			added.push({ from, to, rule: runRule });
		}
		start = end + 1;
	}

	// An interval cut and joined again unchanged is no write.
	return {
		old,
		removed: removed.filter((r) => !added.some((a) => sameInterval(a, r))),
		added: added.filter((a) => !removed.some((r) => sameInterval(a, r)))
	};
}
