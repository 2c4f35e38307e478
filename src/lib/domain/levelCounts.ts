/** How many countries were at each level on each day: the stacked chart's data. */
import type { BorderStatusSeries } from './borderStatus.ts';
import { addDays, daysBetween } from './date.ts';

export interface LevelCountsOnDay {
	day: string;
	/** Countries at level 0, 1, 2, 3 and 4. */
	counts: [number, number, number, number, number];
	/** Members without data that day. */
	noData: number;
}

/**
 * Counts per day for the members (every country of the series when absent: then a country
 * with no run at all is not counted anywhere; with `members`, one without runs is "no data"
 * every day). Difference arrays: O(runs + days), not days × countries.
 */
export function levelCountsByDay(
	series: BorderStatusSeries,
	members?: ReadonlySet<string>
): LevelCountsOnDay[] {
	const n = daysBetween(series.first, series.last) + 1;
	if (!(n > 0)) return [];
	const diff = Array.from({ length: 5 }, () => new Int32Array(n + 1));
	let universe = 0;
	const add = (iso3: string) => {
		for (const [a, b, level] of series.runs[iso3] ?? []) {
			const from = Math.max(a, 0);
			const to = Math.min(b, n - 1);
			if (from > to) continue;
			diff[level]![from]! += 1;
			diff[level]![to + 1]! -= 1;
		}
	};
	if (members) {
		universe = members.size;
		for (const iso3 of members) add(iso3);
	} else {
		for (const iso3 of Object.keys(series.runs)) {
			universe++;
			add(iso3);
		}
	}
	const running = [0, 0, 0, 0, 0];
	const out: LevelCountsOnDay[] = [];
	let day = series.first;
	for (let i = 0; i < n; i++) {
		for (let l = 0; l < 5; l++) running[l]! += diff[l]![i]!;
		const counts = running.slice() as LevelCountsOnDay['counts'];
		out.push({ day, counts, noData: universe - counts.reduce((s, c) => s + c, 0) });
		day = addDays(day, 1);
	}
	return out;
}
