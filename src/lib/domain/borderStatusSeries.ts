/** Reading the compact all-countries series on the client, without requests. */
import { isLevel, type BorderStatusSeries, type Level, type LevelRun } from './borderStatus.ts';
import { addDays, daysBetween, todayUtc } from './date.ts';
import { levelCountsByDay } from './levelCounts.ts';

export function dayCount(series: BorderStatusSeries): number {
	return daysBetween(series.first, series.last) + 1;
}

export function dayAt(series: BorderStatusSeries, index: number): string {
	return addDays(series.first, index);
}

export function indexOfDay(series: BorderStatusSeries, day: string): number {
	return Math.min(Math.max(daysBetween(series.first, day), 0), dayCount(series) - 1);
}

export interface LevelOnDay {
	level: Level | null;
	/** First day of the run holding `level`. */
	since: string | null;
}

export function levelOn(series: BorderStatusSeries, iso3: string, index: number): LevelOnDay {
	const runs = series.runs[iso3];
	if (!runs) return { level: null, since: null };
	// Runs are sorted: binary search for the last run starting on or before `index`.
	let lo = 0;
	let hi = runs.length - 1;
	let found = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (runs[mid]![0] <= index) {
			found = mid;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	const run = found >= 0 ? runs[found]! : undefined;
	if (!run || run[1] < index) return { level: null, since: null };
	return { level: run[2], since: dayAt(series, run[0]) };
}

/** Every country's level on one day; countries without data that day are absent. */
export function levelsOn(series: BorderStatusSeries, index: number): Map<string, Level> {
	const levels = new Map<string, Level>();
	for (const iso3 of Object.keys(series.runs)) {
		const { level } = levelOn(series, iso3, index);
		if (level !== null) levels.set(iso3, level);
	}
	return levels;
}

/** One country's runs as days (`{from, to, level}`), for charts that draw a history. */
export function levelRuns(series: BorderStatusSeries, iso3: string): LevelRun[] {
	return (series.runs[iso3] ?? []).map(([from, to, level]) => ({
		from: dayAt(series, from),
		to: dayAt(series, to),
		level
	}));
}

/**
 * How many countries changed level on each day (a run starting right after another run
 * of the same country): the timeline's ticks.
 */
export function changesPerDay(series: BorderStatusSeries): number[] {
	const counts = new Array<number>(dayCount(series)).fill(0);
	for (const runs of Object.values(series.runs)) {
		for (let i = 1; i < runs.length; i++) {
			if (runs[i]![0] === runs[i - 1]![1] + 1) counts[runs[i]![0]]!++;
		}
	}
	return counts;
}

/**
 * What "latest" needs: at least this share of the countries covered in the best-covered
 * period. Four in five: 2019's paid remittances (157 of 176 economies) count as in, 2024's
 * received (106 of 201) and China's last eight days of 2023 (1 of 185) do not.
 */
export const LATEST_COVERAGE = 0.8;

/**
 * "Latest" as a reader means it: the last day on which nearly every tracked country
 * (`share` of the best-covered day's count) has data. The series may run further for a few
 * countries (OxCGRT kept China to 8 January 2023; an editor's restriction holds on to
 * today), but a map of that day would be nearly all "no data".
 */
export function latestCoveredIndex(series: BorderStatusSeries, share = LATEST_COVERAGE): number {
	const covered = levelCountsByDay(series).map((d) => d.counts.reduce((a, b) => a + b, 0));
	const best = Math.max(0, ...covered);
	const index = covered.findLastIndex((n) => n >= best * share);
	return index >= 0 ? index : dayCount(series) - 1;
}

/** Resolves a URL `time` value to a day index ("latest", out-of-range days clamp). */
export function resolveTime(series: BorderStatusSeries, time: string): number {
	if (/^\d{4}-\d{2}-\d{2}$/.test(time)) return indexOfDay(series, time);
	if (/^\d{4}$/.test(time)) return indexOfDay(series, `${time}-12-31`);
	return latestCoveredIndex(series);
}

/**
 * The last day a change's period reaches: its own end, its one day, or (`from/..`, a level
 * that holds on) today, or the series' end if that is later.
 */
function periodEnd(series: BorderStatusSeries, period: string, today: string): [string, string] {
	const [from, rawTo] = period.split('/') as [string, string | undefined];
	if (rawTo === undefined) return [from, from];
	if (rawTo !== '..') return [from, rawTo];
	return [from, today > series.last ? today : series.last];
}

/** A country's runs as one level (or null) per day of the series. */
function daysOf(series: BorderStatusSeries, iso3: string): (Level | null)[] {
	const days = new Array<Level | null>(dayCount(series)).fill(null);
	for (const [a, b, level] of series.runs[iso3] ?? []) days.fill(level, a, b + 1);
	return days;
}

/** Days back to runs; the country leaves the series when no day has a level. */
function withDays(
	runs: BorderStatusSeries['runs'],
	iso3: string,
	days: readonly (Level | null)[]
): void {
	const compressed: [number, number, Level][] = [];
	days.forEach((level, i) => {
		if (level === null) return;
		const last = compressed.at(-1);
		if (last && last[2] === level && last[1] === i - 1) last[1] = i;
		else compressed.push([i, i, level]);
	});
	if (compressed.length > 0) runs[iso3] = compressed;
	else delete runs[iso3];
}

/**
 * Applies one live change to the series in place of a refetch. Returns the new series, or
 * null when the change reaches outside the series' days (the range itself changed), in
 * which case the caller refetches the snapshot.
 */
export function applyBorderStatusChange(
	series: BorderStatusSeries,
	change: { iso3: string; period: string; new: number | null },
	today = todayUtc()
): BorderStatusSeries | null {
	// A level that holds on reaches today: past the series' end, the range itself grows.
	const [from, to] = periodEnd(series, change.period, today);
	if (from < series.first || to > series.last || from > to) return null;
	if (change.new !== null && !isLevel(change.new)) return null;
	const days = daysOf(series, change.iso3);
	days.fill(change.new as Level | null, indexOfDay(series, from), indexOfDay(series, to) + 1);
	const runs = { ...series.runs };
	withDays(runs, change.iso3, days);
	return { ...series, runs };
}

/**
 * The series as it stood before some later changes: each change's days are set back to its
 * `old` value, newest change first. A pinned embed shows the data as of its publication this
 * way. Each country touched is expanded to days once, so thousands of changes stay cheap.
 */
export function revertBorderStatusChanges(
	series: BorderStatusSeries,
	newestFirst: readonly { iso3: string; period: string; old: number | null }[],
	today = todayUtc()
): BorderStatusSeries {
	const n = dayCount(series);
	const touched = new Map<string, (Level | null)[]>();
	for (const change of newestFirst) {
		const [from, to] = periodEnd(series, change.period, today);
		const a = Math.max(daysBetween(series.first, from), 0);
		const b = Math.min(daysBetween(series.first, to), n - 1);
		if (!(a <= b)) continue;
		let days = touched.get(change.iso3);
		if (!days) touched.set(change.iso3, (days = daysOf(series, change.iso3)));
		days.fill(isLevel(change.old) ? change.old : null, a, b + 1);
	}
	const runs = { ...series.runs };
	for (const [iso3, days] of touched) withDays(runs, iso3, days);
	return { ...series, runs };
}
