/**
 * Pieces shared by the time charts: days as UTC dates, the x scale, keyboard steps, the
 * margins that keep the plots of one tab aligned, series colours and label placement.
 */
import { scaleUtc, type ScaleTime } from 'd3-scale';
import { schemeTableau10 } from 'd3-scale-chromatic';
import type { Level, LevelRun } from '../domain/borderStatus.ts';
import { addDays } from '../domain/date.ts';

const DAY_MS = 86_400_000;

/** A day string as midnight UTC. */
export const utcDay = (day: string): Date => new Date(`${day}T00:00:00Z`);

/** The day a date falls on (UTC). */
export const dayOf = (date: Date): string =>
	new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);

export const clampDay = (day: string, first: string, last: string): string =>
	day < first ? first : day > last ? last : day;

/** Adds months, keeping the day of the month where it exists (31 Jan + 1 month = 29 Feb). */
export function addMonths(day: string, n: number): string {
	const [y, m, d] = day.split('-').map(Number) as [number, number, number];
	const target = new Date(Date.UTC(y, m - 1 + n, 1));
	const lastOfMonth = new Date(
		Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)
	).getUTCDate();
	target.setUTCDate(Math.min(d, lastOfMonth));
	return target.toISOString().slice(0, 10);
}

/**
 * The day a key press on a focused chart moves to: ←/→ a day, with Shift a month,
 * Home/End the ends. Null for any other key.
 */
export function dayForKey(
	key: string,
	shift: boolean,
	day: string,
	first: string,
	last: string
): string | null {
	const step = key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : 0;
	if (step !== 0) return clampDay(shift ? addMonths(day, step) : addDays(day, step), first, last);
	if (key === 'PageUp' || key === 'PageDown') {
		return clampDay(addMonths(day, key === 'PageUp' ? 1 : -1), first, last);
	}
	if (key === 'Home') return first;
	if (key === 'End') return last;
	return null;
}

export interface Margins {
	top: number;
	right: number;
	bottom: number;
	left: number;
}

/** Below this width the charts use narrow margins and put names above small-multiple rows. */
export const NARROW = 560;

/**
 * Left and right margins shared by every chart of the tab, so their time axes line up:
 * the left holds y ticks or country names, the right the direct labels at the lines' ends.
 */
export function sideMargins(width: number): { left: number; right: number } {
	return width < NARROW ? { left: 40, right: 70 } : { left: 128, right: 112 };
}

/** A time scale over whole days: `from` at the left edge, the end of `to` at the right. */
export function dayScale(
	from: string,
	to: string,
	left: number,
	right: number
): ScaleTime<number, number> {
	return scaleUtc()
		.domain([utcDay(from), utcDay(addDays(to, 1))])
		.range([left, Math.max(right, left + 10)]);
}

/**
 * Points for a step line through runs (curveStepAfter): each run starts at its first day
 * and holds to the end of its last; a gap (level null) breaks the line.
 */
export function stepPoints(runs: readonly LevelRun[]): [Date, Level | null][] {
	const points: [Date, Level | null][] = [];
	for (const run of runs) {
		points.push([utcDay(run.from), run.level]);
		if (run.level !== null) points.push([utcDay(addDays(run.to, 1)), run.level]);
	}
	return points;
}

/** The run holding a day, if any. */
export const runOn = (runs: readonly LevelRun[], day: string): LevelRun | undefined =>
	runs.find((r) => r.from <= day && r.to >= day);

/**
 * One colour per selected country, the same in every chart: categorical, none of them in
 * the levels' pink-purple ramp, legible on light and dark paper.
 */
export const SERIES_COLORS = [0, 1, 2, 4, 3].map((i) => schemeTableau10[i]!);

export const seriesColor = (index: number): string => SERIES_COLORS[index % SERIES_COLORS.length]!;

/** A name short enough for a direct label: long names give way to the ISO3 code. */
export const shortName = (name: string, iso3: string, max = 14): string =>
	name.length <= max ? name : iso3;

/**
 * Moves labels apart vertically so none overlap: each wants `y`, they keep their order and
 * stay `gap` apart within [min, max]. Returns the placed y for each input, in input order.
 */
export function dodge(wanted: readonly number[], gap: number, min: number, max: number): number[] {
	const order = wanted.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
	const placed = order.map((o) => Math.min(Math.max(o.y, min), max));
	for (let k = 1; k < placed.length; k++) placed[k] = Math.max(placed[k]!, placed[k - 1]! + gap);
	// Pushed past the bottom: shift the tail back up, keeping the gaps.
	const overflow = (placed.at(-1) ?? max) - max;
	if (overflow > 0) {
		placed[placed.length - 1] = max;
		for (let k = placed.length - 2; k >= 0; k--) {
			placed[k] = Math.min(placed[k]!, placed[k + 1]! - gap);
		}
	}
	const result = new Array<number>(wanted.length);
	order.forEach((o, k) => (result[o.i] = placed[k]!));
	return result;
}
