import type {
	BorderStatusEntry,
	BorderStatusSeries,
	Level,
	LevelRun
} from '../../domain/borderStatus.ts';
import { addDays, daysBetween } from '../../domain/date.ts';
import type { Db } from './open.ts';

/** The daily values of one country, day → level. */
export function readCountryDays(db: Db, iso3: string): Map<string, number> {
	const rows = db
		.prepare('SELECT day, level FROM border_status_day WHERE iso3 = ?')
		.raw()
		.all(iso3) as [string, number][];
	return new Map(rows);
}

/** Prepared writers for one transaction. */
export function borderStatusWriter(db: Db) {
	const upsert = db.prepare(
		`INSERT INTO border_status_day (iso3, day, level) VALUES (?, ?, ?)
		ON CONFLICT (iso3, day) DO UPDATE SET level = excluded.level`
	);
	const remove = db.prepare('DELETE FROM border_status_day WHERE iso3 = ? AND day = ?');
	const clearRuns = db.prepare('DELETE FROM border_status_run WHERE iso3 = ?');
	const days = db
		.prepare('SELECT day, level FROM border_status_day WHERE iso3 = ? ORDER BY day')
		.raw();
	const insertRun = db.prepare(
		'INSERT INTO border_status_run (iso3, from_day, to_day, level) VALUES (?, ?, ?, ?)'
	);
	return {
		set(iso3: string, day: string, level: number | null) {
			if (level === null) remove.run(iso3, day);
			else upsert.run(iso3, day, level);
		},
		/** Recomputes the derived runs of one country from its daily values. */
		rebuildRuns(iso3: string) {
			clearRuns.run(iso3);
			let run: { from: string; to: string; level: number } | null = null;
			for (const [day, level] of days.all(iso3) as [string, number][]) {
				if (run && run.level === level && addDays(run.to, 1) === day) {
					run.to = day;
					continue;
				}
				if (run) insertRun.run(iso3, run.from, run.to, run.level);
				run = { from: day, to: day, level };
			}
			if (run) insertRun.run(iso3, run.from, run.to, run.level);
		}
	};
}

export interface DataRange {
	first: string;
	last: string;
}

export function borderStatusRange(db: Db): DataRange | null {
	const row = db
		.prepare('SELECT min(from_day) AS first, max(to_day) AS last FROM border_status_run')
		.get() as { first: string | null; last: string | null };
	return row.first && row.last ? { first: row.first, last: row.last } : null;
}

/** Every country in the reference table with its level on `day` (null = no data). */
export function borderStatusOn(db: Db, day: string): BorderStatusEntry[] {
	return db
		.prepare(
			`SELECT c.iso3, c.name, r.level, r.from_day AS since
			FROM country c
			LEFT JOIN border_status_run r ON r.iso3 = c.iso3 AND r.from_day <= @day AND r.to_day >= @day
			ORDER BY c.name`
		)
		.all({ day }) as BorderStatusEntry[];
}

/**
 * The history of one country as runs covering the whole data range; days without data
 * inside the range are runs with level null, so a reader sees gaps rather than guesses.
 */
export function borderStatusHistory(db: Db, iso3: string, range: DataRange | null): LevelRun[] {
	const runs = db
		.prepare(
			'SELECT from_day AS "from", to_day AS "to", level FROM border_status_run WHERE iso3 = ? ORDER BY from_day'
		)
		.all(iso3) as { from: string; to: string; level: Level }[];
	if (!range) return runs;
	const history: LevelRun[] = [];
	let next = range.first;
	for (const run of runs) {
		if (run.from > next) history.push({ from: next, to: addDays(run.from, -1), level: null });
		history.push(run);
		next = addDays(run.to, 1);
	}
	if (next <= range.last) history.push({ from: next, to: range.last, level: null });
	return history;
}

export function borderStatusSeries(db: Db): BorderStatusSeries | null {
	const range = borderStatusRange(db);
	if (!range) return null;
	const series: BorderStatusSeries = { ...range, runs: {} };
	const rows = db
		.prepare('SELECT iso3, from_day, to_day, level FROM border_status_run ORDER BY iso3, from_day')
		.raw()
		.all() as [string, string, string, Level][];
	for (const [iso3, from, to, level] of rows) {
		(series.runs[iso3] ??= []).push([
			daysBetween(range.first, from),
			daysBetween(range.first, to),
			level
		]);
	}
	return series;
}
