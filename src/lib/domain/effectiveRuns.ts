/**
 * How feed values and editors' restrictions combine into what readers see: a restriction
 * holds from its effective day until the country's next restriction (the last one holds on),
 * and overrides feed values for those days.
 */
import { addDays } from './date.ts';

export interface CuratedLevel {
	effectiveFrom: string;
	level: number;
}

export interface StoredRun {
	from: string;
	/** null: holds on, with no later change. */
	to: string | null;
	level: number;
}

/** The first day from which restrictions override the feed, or null if there are none. */
export function overriddenFrom(restrictions: readonly CuratedLevel[]): string | null {
	let first: string | null = null;
	for (const r of restrictions)
		if (first === null || r.effectiveFrom < first) first = r.effectiveFrom;
	return first;
}

/**
 * Runs of equal level from sorted feed days and restrictions; adjacent runs of the same
 * level merge, and days without data break runs.
 */
export function effectiveRuns(
	feedDays: readonly (readonly [string, number])[],
	restrictions: readonly CuratedLevel[]
): StoredRun[] {
	const curated = [...restrictions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
	const cutoff = curated[0]?.effectiveFrom ?? null;
	const runs: StoredRun[] = [];
	const push = (from: string, to: string | null, level: number) => {
		const last = runs.at(-1);
		if (last && last.level === level && last.to !== null && addDays(last.to, 1) === from) {
			last.to = to;
		} else runs.push({ from, to, level });
	};
	for (const [day, level] of feedDays) {
		if (cutoff !== null && day >= cutoff) break;
		push(day, day, level);
	}
	curated.forEach((r, i) => {
		const next = curated[i + 1];
		push(r.effectiveFrom, next ? addDays(next.effectiveFrom, -1) : null, r.level);
	});
	return runs;
}
