/** Small shared pieces of the analysis functions over a BorderStatusSeries. */
import type { BorderStatusSeries, Level } from './borderStatus.ts';
import { addDays, daysBetween } from './date.ts';

export type Run = [from: number, to: number, level: Level];

/**
 * A country's runs, ascending, with adjacent runs of the same level merged (the database
 * already merges them; a series patched by hand or by live changes may not).
 */
export function normalisedRuns(runs: readonly (readonly [number, number, Level])[]): Run[] {
	const out: Run[] = [];
	for (const [from, to, level] of runs) {
		const last = out.at(-1);
		if (last && last[2] === level && last[1] + 1 === from) last[1] = to;
		else out.push([from, to, level]);
	}
	return out;
}

/**
 * The series restricted to some countries and days: `from`/`to` (inclusive) clip it to the
 * data's own days, runs are re-indexed from the new first day. Null when the days do not
 * overlap the data.
 */
export function selectSeries(
	series: BorderStatusSeries,
	options: { members?: ReadonlySet<string> | null; from?: string; to?: string } = {}
): BorderStatusSeries | null {
	const first = options.from && options.from > series.first ? options.from : series.first;
	const last = options.to && options.to < series.last ? options.to : series.last;
	if (first > last) return null;
	const offset = daysBetween(series.first, first);
	const end = daysBetween(series.first, last);
	const runs: BorderStatusSeries['runs'] = {};
	for (const [iso3, countryRuns] of Object.entries(series.runs)) {
		if (options.members && !options.members.has(iso3)) continue;
		const clipped: [number, number, Level][] = [];
		for (const [a, b, level] of countryRuns) {
			if (b < offset || a > end) continue;
			clipped.push([Math.max(a, offset) - offset, Math.min(b, end) - offset, level]);
		}
		if (clipped.length > 0) runs[iso3] = clipped;
	}
	return { first, last, runs };
}

/** Day `index` of a series as `YYYY-MM-DD`. */
export const dayOf = (series: BorderStatusSeries, index: number): string =>
	addDays(series.first, index);
