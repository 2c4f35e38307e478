/**
 * Changes of level read from the series itself (not the commit log): the days a country's
 * border regime changed, what the analyst's change list and the API's `/api/changes` filters
 * agree on.
 */
import type { BorderStatusSeries } from './borderStatus.ts';
import type { ChangeDirection, LevelChange } from './analysis.ts';
import { daysBetween } from './date.ts';
import { dayOf, normalisedRuns } from './seriesRuns.ts';

export interface LevelChangeOptions {
	/** Only these countries (ISO3); all when absent. */
	members?: ReadonlySet<string>;
	/** Only changes on or after this day (`YYYY-MM-DD`). */
	from?: string;
	/** Only changes on or before this day. */
	to?: string;
	/**
	 * Tightening: the level rose; loosening: it fell. A change after a gap (`from` null) is
	 * neither, so a direction leaves it out.
	 */
	direction?: ChangeDirection;
}

/**
 * Every change of level in the series, newest first (same day: by ISO3). A change is a run
 * that starts on a day whose previous day had another level, or no data (a run after a gap,
 * `from` null, is a change too: the country's data resumed at that level). The first run of
 * a country on the series' first day is not a change: nothing is known about the day before.
 */
export function levelChanges(
	series: BorderStatusSeries,
	options: LevelChangeOptions = {}
): LevelChange[] {
	const lo = options.from === undefined ? 0 : daysBetween(series.first, options.from);
	const hi = options.to === undefined ? Infinity : daysBetween(series.first, options.to);
	const changes: { index: number; change: LevelChange }[] = [];
	for (const [iso3, rawRuns] of Object.entries(series.runs)) {
		if (options.members && !options.members.has(iso3)) continue;
		const runs = normalisedRuns(rawRuns);
		runs.forEach(([start, , level], i) => {
			if (start === 0 || start < lo || start > hi) return;
			const previous = runs[i - 1];
			const from = previous && previous[1] === start - 1 ? previous[2] : null;
			if (options.direction) {
				if (from === null) return;
				if (options.direction === 'tightening' ? level <= from : level >= from) return;
			}
			changes.push({ index: start, change: { iso3, day: dayOf(series, start), from, to: level } });
		});
	}
	changes.sort((a, b) => b.index - a.index || (a.change.iso3 < b.change.iso3 ? -1 : 1));
	return changes.map((c) => c.change);
}
