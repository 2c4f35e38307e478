/**
 * The changes explorer's and the side panel's pure logic: one item shape for level changes
 * found in the series and for commits from the change log, their filters, and the grouping
 * of changes around a chosen day.
 */
import type { ChangeDirection, LevelChange } from '../domain/analysis.ts';
import { isLevel, LAYER_BORDER_STATUS, type Level } from '../domain/borderStatus.ts';
import {
	addDays,
	daysBetween,
	formatDayLong,
	formatPeriod,
	periodFirstDay
} from '../domain/date.ts';

/** One row of the commit log as the page receives it (`/api/changes`, live events). */
export interface FeedEntry {
	seq: number;
	/** The layer changed; entries without one are taken as border status. */
	layer?: string;
	iso3: string;
	period: string;
	old: number | null;
	new: number | null;
	source: string | null;
	note?: string | null;
	sourceUrl?: string | null;
}

export type ChangeSource = 'series' | 'commits';
export type DirectionFilter = 'all' | ChangeDirection;

/** A change as the lists draw it, whichever source it came from. */
export interface ChangeItem {
	key: string;
	iso3: string;
	/** The first day at the new level (the start of a commit's period). */
	day: string;
	from: Level | null;
	to: Level | null;
	/** null: a first value, a removal, or a revision that kept the level. */
	direction: ChangeDirection | null;
	/** Commits to another layer (remittances…): no levels to draw. */
	layer?: string;
	/** Commits only: "OxCGRT", "Editor", or the feed's own name. */
	source?: string;
	/** Commits only: the period covers more than one day (an editor's "from" date). */
	fromDay?: boolean;
	/** Commits only: a period that is a year, a month or a quarter, as readers say it. */
	periodLabel?: string;
	note?: string | null;
	sourceUrl?: string | null;
}

export function directionOf(from: number | null, to: number | null): ChangeDirection | null {
	if (from === null || to === null || from === to) return null;
	return to > from ? 'tightening' : 'loosening';
}

export function sourceName(source: string | null): string {
	return source === 'restrictions'
		? 'Editor'
		: source === 'oxcgrt-c8'
			? 'OxCGRT'
			: (source ?? 'Unknown');
}

export function fromLevelChange(c: LevelChange): ChangeItem {
	return {
		key: `${c.iso3}:${c.day}`,
		iso3: c.iso3,
		day: c.day,
		from: c.from,
		to: c.to,
		direction: directionOf(c.from, c.to)
	};
}

export function fromFeedEntry(e: FeedEntry): ChangeItem {
	const levels = e.layer === undefined || e.layer === LAYER_BORDER_STATUS;
	const from = levels && isLevel(e.old) ? e.old : null;
	const to = levels && isLevel(e.new) ? e.new : null;
	const periodLabel = formatPeriod(e.period);
	return {
		key: `seq:${e.seq}`,
		...(levels ? {} : { layer: e.layer }),
		...(periodLabel ? { periodLabel } : {}),
		iso3: e.iso3,
		day: periodFirstDay(e.period),
		from,
		to,
		direction: directionOf(from, to),
		source: sourceName(e.source),
		fromDay: e.period.includes('/'),
		note: e.note ?? null,
		sourceUrl: e.sourceUrl ?? null
	};
}

/** Level changes newest first (ties by country code), as items. */
export function seriesItems(changes: readonly LevelChange[]): ChangeItem[] {
	return changes
		.map(fromLevelChange)
		.sort((a, b) => (a.day !== b.day ? (a.day < b.day ? 1 : -1) : a.iso3 < b.iso3 ? -1 : 1));
}

/** Commits newest first: the highest seq was committed last. */
export function commitItems(entries: readonly FeedEntry[]): ChangeItem[] {
	return entries.toSorted((a, b) => b.seq - a.seq).map(fromFeedEntry);
}

export interface ChangeFilter {
	direction: DirectionFilter;
	/** Inclusive ISO days; empty or null means unbounded. */
	from?: string | null;
	to?: string | null;
}

export function filterItems(items: readonly ChangeItem[], filter: ChangeFilter): ChangeItem[] {
	const { direction } = filter;
	const from = filter.from || null;
	const to = filter.to || null;
	return items.filter(
		(i) =>
			(direction === 'all' || i.direction === direction) &&
			(from === null || i.day >= from) &&
			(to === null || i.day <= to)
	);
}

export function countByDirection(items: readonly ChangeItem[]): Record<ChangeDirection, number> {
	const counts = { tightening: 0, loosening: 0 };
	for (const i of items) if (i.direction) counts[i.direction]++;
	return counts;
}

// ——— Around a day ———

export interface DayGroup {
	day: string;
	/** Days after the chosen day (negative before it). */
	offset: number;
	changes: LevelChange[];
}

/**
 * Changes within `window` days either side of `day`, grouped by day, nearest first (the
 * earlier of two equally near days first); countries in a day by code.
 */
export function changesAround(
	changes: readonly LevelChange[],
	day: string,
	window: number
): DayGroup[] {
	const first = addDays(day, -window);
	const last = addDays(day, window);
	const byDay = new Map<string, LevelChange[]>();
	for (const c of changes) {
		if (c.day < first || c.day > last) continue;
		const list = byDay.get(c.day);
		if (list) list.push(c);
		else byDay.set(c.day, [c]);
	}
	return [...byDay]
		.map(([d, list]) => ({
			day: d,
			offset: daysBetween(day, d),
			changes: list.toSorted((a, b) => (a.iso3 < b.iso3 ? -1 : a.iso3 > b.iso3 ? 1 : 0))
		}))
		.sort((a, b) => Math.abs(a.offset) - Math.abs(b.offset) || a.offset - b.offset);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "8 and 22 April 2020", "28 March and 11 April 2020", "28 December 2020 and 4 January 2021". */
export function formatBetween(from: string, to: string): string {
	const a = formatDayLong(from);
	const b = formatDayLong(to);
	if (from.slice(0, 7) === to.slice(0, 7)) return `${a.split(' ')[0]} and ${b}`;
	if (from.slice(0, 4) === to.slice(0, 4)) return `${a.split(' ').slice(0, 2).join(' ')} and ${b}`;
	return `${a} and ${b}`;
}

/** "3 countries tightened, 1 loosened" for the changes of one day; null when none. */
export function summarizeChanges(changes: readonly LevelChange[]): string | null {
	let tightened = 0;
	let loosened = 0;
	let started = 0;
	for (const c of changes) {
		const d = directionOf(c.from, c.to);
		if (d === 'tightening') tightened++;
		else if (d === 'loosening') loosened++;
		else started++;
	}
	const parts: string[] = [];
	if (tightened) parts.push(`${plural(tightened, 'country', 'countries')} tightened`);
	if (loosened)
		parts.push(
			parts.length ? `${loosened} loosened` : `${plural(loosened, 'country', 'countries')} loosened`
		);
	if (started)
		parts.push(
			parts.length
				? `${started} began reporting`
				: `${plural(started, 'country', 'countries')} began reporting`
		);
	if (parts.length === 0) return null;
	return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

/** The panel's opening sentence for a day. */
export function describeDay(groups: readonly DayGroup[], day: string, window: number): string {
	const onDay = groups.find((g) => g.offset === 0);
	const summary = onDay ? summarizeChanges(onDay.changes) : null;
	if (summary) return `On ${formatDayLong(day)}: ${summary}.`;
	if (groups.length === 0)
		return `No level changed between ${formatBetween(addDays(day, -window), addDays(day, window))}.`;
	const nearby = groups.reduce((n, g) => n + g.changes.length, 0);
	return `No level changed on ${formatDayLong(day)}; ${plural(nearby, 'change', 'changes')} within ${plural(window, 'day', 'days')}.`;
}

/** "3 days before", "the day after", "same day". */
export function formatOffset(offset: number): string {
	if (offset === 0) return 'chosen day';
	const n = Math.abs(offset);
	const when = offset < 0 ? 'before' : 'after';
	return n === 1 ? `the day ${when}` : `${n} days ${when}`;
}
