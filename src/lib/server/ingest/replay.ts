/**
 * Replay mode: a historical C8 table committed day by day, each day one transaction, so
 * connected clients see the history unfold as live changes. Pure helpers; the loop is
 * scripts/replay.ts.
 */
import { isIsoDay } from '../../domain/date.ts';
import type { C8Table } from './feeds/oxcgrtC8.ts';
import { parseInterval } from './schedule.ts';

export interface ReplaySpeed {
	/** Days committed per tick, each in its own transaction. */
	days: number;
	tickMs: number;
}

/** The fastest tick outside tests: faster than this, viewers see a flicker, not a history. */
export const MIN_TICK_MS = 500;

/**
 * `'1d/s'`, `'2d/s'`, `'1d/500ms'`, `'7d/s'`, `'1d/2s'` → days per tick and tick length.
 * Ticks under 500 ms only with `allowFast` (tests).
 */
export function parseSpeed(text: string, options: { allowFast?: boolean } = {}): ReplaySpeed {
	const m = /^([1-9]\d*)d\/(\d*)(ms|s|m|h)$/.exec(text.trim());
	if (!m) {
		throw new Error(
			`"${text}" is not a speed: expected days per time, like 1d/s, 2d/s, 1d/500ms or 7d/s`
		);
	}
	let tickMs: number;
	try {
		tickMs = parseInterval(`${m[2] || '1'}${m[3]}`, { allowSubSecond: true });
	} catch (err) {
		throw new Error(`"${text}" is not a speed: ${(err as Error).message}`);
	}
	if (tickMs < MIN_TICK_MS && !options.allowFast) {
		throw new Error(`"${text}" is too fast: a tick is at least ${MIN_TICK_MS}ms`);
	}
	return { days: Number(m[1]), tickMs };
}

/** The days of the table from `from` to `to` (default: its last day), in order. */
export function replayDays(table: C8Table, from: string, to?: string): string[] {
	const days = [...table.days].sort();
	const first = days[0];
	const last = days.at(-1);
	if (!first || !last) throw new Error('the file has no days');
	for (const [name, day] of [
		['--from', from],
		['--to', to]
	] as const) {
		if (day === undefined) continue;
		if (!isIsoDay(day)) throw new Error(`${name}: "${day}" is not a day as YYYY-MM-DD`);
		if (day < first || day > last) {
			throw new Error(`${name}: ${day} is outside the file's days (${first} to ${last})`);
		}
	}
	const end = to ?? last;
	if (end < from) throw new Error(`--to ${end} is before --from ${from}`);
	return days.filter((d) => d >= from && d <= end);
}

/** The table cut to the given days (same rows, in the given order of days). */
export function tableForDays(table: C8Table, days: readonly string[]): C8Table {
	const index = new Map(table.days.map((d, i) => [d, i]));
	const columns = days.map((d) => {
		const i = index.get(d);
		if (i === undefined) throw new Error(`day ${d} is not in the table`);
		return i;
	});
	return {
		days: [...days],
		rows: table.rows.map((row) => ({ ...row, levels: columns.map((i) => row.levels[i] ?? null) }))
	};
}

/** One day of the table: what one replay step commits. */
export const dayTable = (table: C8Table, day: string): C8Table => tableForDays(table, [day]);

/**
 * Every day of the table from `from` onward, null for every country in it: committed first
 * by `--reset`, it removes those feed values in one run so the replay visibly redraws them.
 */
export function resetTable(table: C8Table, from: string): C8Table {
	const days = [...table.days].filter((d) => d >= from).sort();
	return {
		days,
		rows: table.rows.map((row) => ({ ...row, levels: days.map(() => null) }))
	};
}
