import type {
	BorderStatusEntry,
	BorderStatusSeries,
	Level,
	LevelRun
} from '../../domain/borderStatus.ts';
import { addDays, daysBetween, todayUtc } from '../../domain/date.ts';
import { effectiveRuns, type CuratedLevel } from '../../domain/effectiveRuns.ts';
import type { Db } from './open.ts';

/** The feed's daily values of one country, day → level. */
export function readCountryDays(db: Db, iso3: string): Map<string, number> {
	const rows = db
		.prepare('SELECT day, level FROM border_status_day WHERE iso3 = ?')
		.raw()
		.all(iso3) as [string, number][];
	return new Map(rows);
}

export interface Restriction {
	iso3: string;
	effectiveFrom: string;
	level: Level;
	note: string | null;
	sourceUrl: string | null;
}

/** A recorded restriction: what an editor wrote, its id, and the days it holds. */
export interface StoredRestriction extends Restriction {
	id: number;
	/** The day before the country's next restriction; null while it holds on. */
	effectiveTo: string | null;
	recordedAt: string;
}

const SELECT_RESTRICTIONS = `SELECT id, iso3, effective_from AS effectiveFrom,
		(SELECT date(min(n.effective_from), '-1 day') FROM restriction n
			WHERE n.iso3 = r.iso3 AND n.effective_from > r.effective_from) AS effectiveTo,
		level, note, source_url AS sourceUrl, recorded_at AS recordedAt
	FROM restriction r`;

/** One country's restrictions, oldest first. */
export function readRestrictions(db: Db, iso3: string): StoredRestriction[] {
	return db
		.prepare(`${SELECT_RESTRICTIONS} WHERE iso3 = ? ORDER BY effective_from`)
		.all(iso3) as StoredRestriction[];
}

/** Every restriction (or one country's), by country and day. */
export function listRestrictions(db: Db, iso3?: string): StoredRestriction[] {
	return iso3
		? readRestrictions(db, iso3)
		: (db
				.prepare(`${SELECT_RESTRICTIONS} ORDER BY iso3, effective_from`)
				.all() as StoredRestriction[]);
}

export function findRestriction(db: Db, id: number): StoredRestriction | null {
	return (
		(db.prepare(`${SELECT_RESTRICTIONS} WHERE id = ?`).get(id) as StoredRestriction | undefined) ??
		null
	);
}

/** The first day OxCGRT's data starts on, when no feed has been ingested yet. */
export const DATA_FIRST_DAY = '2020-01-01';

/**
 * The days a restriction may take effect on: from the feed's first day (or DATA_FIRST_DAY
 * before any feed) to today plus `horizonDays`. A typo such as 1021 or 9999 would otherwise
 * stretch every series, page and response across centuries.
 */
export function restrictionDays(
	firstFeedDay: string | null,
	horizonDays: number,
	today = todayUtc()
): { first: string; last: string } {
	return { first: firstFeedDay ?? DATA_FIRST_DAY, last: addDays(today, horizonDays) };
}

/** restrictionDays for this database. */
export function restrictionBounds(
	db: Db,
	horizonDays: number,
	today = todayUtc()
): { first: string; last: string } {
	const first = db.prepare('SELECT min(day) FROM border_status_day').pluck().get() as string | null;
	return restrictionDays(first, horizonDays, today);
}

/** The level readers see for one country on one day (curated restrictions win). */
export function effectiveLevel(db: Db, iso3: string, day: string): Level | null {
	const level = db
		.prepare(
			`SELECT level FROM border_status_run
			WHERE iso3 = @iso3 AND from_day <= @day AND (to_day IS NULL OR to_day >= @day)`
		)
		.pluck()
		.get({ iso3, day }) as Level | undefined;
	return level ?? null;
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
	const curatedStmt = db.prepare(
		'SELECT effective_from AS effectiveFrom, level FROM restriction WHERE iso3 = ? ORDER BY effective_from'
	);
	const curated = (iso3: string) => curatedStmt.all(iso3) as CuratedLevel[];
	const insertRun = db.prepare(
		'INSERT INTO border_status_run (iso3, from_day, to_day, level) VALUES (?, ?, ?, ?)'
	);
	return {
		setFeedValue(iso3: string, day: string, level: number | null) {
			if (level === null) remove.run(iso3, day);
			else upsert.run(iso3, day, level);
		},
		/** The day from which this country's restrictions override the feed, if any. */
		overriddenFrom(iso3: string): string | null {
			return curated(iso3)[0]?.effectiveFrom ?? null;
		},
		/** Recomputes the derived runs of one country from its feed values and restrictions. */
		rebuildRuns(iso3: string) {
			clearRuns.run(iso3);
			const runs = effectiveRuns(days.all(iso3) as [string, number][], curated(iso3));
			for (const run of runs) insertRun.run(iso3, run.from, run.to, run.level);
		}
	};
}

export interface DataRange {
	first: string;
	last: string;
}

/**
 * First and last day with data. A restriction that holds on makes the range run to today
 * (or to its effective day, if that is later).
 */
export function borderStatusRange(db: Db, today = todayUtc()): DataRange | null {
	const row = db
		.prepare(
			`SELECT min(from_day) AS first, max(to_day) AS closedLast,
				max(CASE WHEN to_day IS NULL THEN max(from_day, @today) END) AS openLast
			FROM border_status_run`
		)
		.get({ today }) as { first: string | null; closedLast: string | null; openLast: string | null };
	if (!row.first) return null;
	const last = [row.closedLast, row.openLast]
		.filter((d): d is string => d !== null)
		.sort()
		.at(-1)!;
	return { first: row.first, last };
}

/** Every country in the reference table with its level on `day` (null = no data). */
export function borderStatusOn(db: Db, day: string): BorderStatusEntry[] {
	return db
		.prepare(
			`SELECT c.iso3, c.name, r.level, r.from_day AS since
			FROM country c
			LEFT JOIN border_status_run r ON r.iso3 = c.iso3 AND r.from_day <= @day
				AND (r.to_day IS NULL OR r.to_day >= @day)
			ORDER BY c.name`
		)
		.all({ day }) as BorderStatusEntry[];
}

/**
 * The history of one country as runs covering the whole data range; days without data
 * inside the range are runs with level null, so a reader sees gaps rather than guesses.
 */
export function borderStatusHistory(db: Db, iso3: string, range: DataRange | null): LevelRun[] {
	if (!range) return [];
	const runs = db
		.prepare(
			`SELECT from_day AS "from", coalesce(to_day, @last) AS "to", level
			FROM border_status_run WHERE iso3 = @iso3 ORDER BY from_day`
		)
		.all({ iso3, last: range.last }) as { from: string; to: string; level: Level }[];
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

export function borderStatusSeries(db: Db, today = todayUtc()): BorderStatusSeries | null {
	const range = borderStatusRange(db, today);
	if (!range) return null;
	const series: BorderStatusSeries = { ...range, runs: {} };
	const rows = db
		.prepare(
			`SELECT iso3, from_day, coalesce(to_day, ?), level FROM border_status_run
			ORDER BY iso3, from_day`
		)
		.raw()
		.all(range.last) as [string, string, string, Level][];
	for (const [iso3, from, to, level] of rows) {
		(series.runs[iso3] ??= []).push([
			daysBetween(range.first, from),
			daysBetween(range.first, to),
			level
		]);
	}
	return series;
}
