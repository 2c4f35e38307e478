/**
 * Editors' curated restrictions: rows `iso3,effective_from,level,note,source_url`, as CSV
 * (with that header) or JSON (an array of objects with those keys). The API's
 * POST /api/restrictions validates its body with the same rules and writes the same way.
 */
import { z } from 'zod';
import { LAYER_BORDER_STATUS, type Level } from '../../../domain/borderStatus.ts';
import { addDays, isIsoDay } from '../../../domain/date.ts';
import { DEFAULT_RESTRICTION_HORIZON_DAYS } from '../../config.ts';
import {
	borderStatusWriter,
	effectiveLevel,
	readRestrictions,
	restrictionDays,
	type Restriction,
	type StoredRestriction
} from '../../db/borderStatus.ts';
import type { ApplyContext, Feed } from '../feed.ts';
import type { ParseContext, ParseOutcome } from './oxcgrtC8.ts';
import { readCsvRecords } from '../csvRecords.ts';
import { ProblemList } from '../problem.ts';

const emptyToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

const LEVEL_MESSAGE = 'expected a level 0–4';

/** One restriction as written by an editor, before the country code is resolved. */
export const RestrictionRow = z.strictObject(
	{
		iso3: z.string().regex(/^[A-Za-z]{3}$/, 'expected an ISO 3166 alpha-3 code'),
		effective_from: z.string().refine(isIsoDay, 'expected a calendar date as YYYY-MM-DD'),
		// No coercion: null, "", [], true and [4] are not levels (a CSV cell is converted first).
		level: z
			.number({ message: LEVEL_MESSAGE })
			.int(LEVEL_MESSAGE)
			.min(0, LEVEL_MESSAGE)
			.max(4, LEVEL_MESSAGE),
		note: z.preprocess(emptyToUndefined, z.string().trim().max(2000).optional()),
		source_url: z.preprocess(
			emptyToUndefined,
			z
				.url({ protocol: /^https?$/, message: 'expected an http(s) URL' })
				.max(2000)
				.optional()
		)
	},
	{ error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown field' : undefined) }
);
export type RestrictionRow = z.infer<typeof RestrictionRow>;

export const RESTRICTION_FIELDS = ['iso3', 'effective_from', 'level', 'note', 'source_url'];

/** The bounds when the caller has no database at hand: before any feed, the default horizon. */
export function defaultRestrictionBounds(): { first: string; last: string } {
	return restrictionDays(null, DEFAULT_RESTRICTION_HORIZON_DAYS);
}

type Problem = { field: string; reason: string };

/** Validates one row; the first problem of each field is reported. */
export function validateRestriction(
	raw: unknown,
	resolveCountry: (code: string) => string | null,
	bounds: { first: string; last: string } = defaultRestrictionBounds()
): { value: Restriction } | { problems: Problem[] } {
	const result = RestrictionRow.safeParse(raw);
	if (!result.success) {
		const seen = new Set<string>();
		const problems = result.error.issues
			.flatMap((i): Problem[] =>
				i.code === 'unrecognized_keys'
					? i.keys.map((key) => ({
							field: key.trim() === '' ? 'row' : key,
							reason: `unknown field ${JSON.stringify(key)} (expected ${RESTRICTION_FIELDS.join(', ')})`
						}))
					: [{ field: String(i.path[0] ?? 'row'), reason: i.message }]
			)
			.filter((p) => !seen.has(p.field) && seen.add(p.field));
		return { problems };
	}
	const row = result.data;
	const problems: Problem[] = [];
	if (row.effective_from < bounds.first || row.effective_from > bounds.last) {
		problems.push({
			field: 'effective_from',
			reason: `${row.effective_from} is outside ${bounds.first} … ${bounds.last} (the data's first day to today plus the configured horizon)`
		});
	}
	const iso3 = resolveCountry(row.iso3);
	if (!iso3) problems.push({ field: 'iso3', reason: `unknown country code "${row.iso3}"` });
	if (problems.length > 0 || !iso3) return { problems };
	return {
		value: {
			iso3,
			effectiveFrom: row.effective_from,
			level: row.level as Level,
			note: row.note ?? null,
			sourceUrl: row.source_url ?? null
		}
	};
}

/**
 * The column names of a CSV header, or null (with the problems at its line) when one is
 * empty, unknown or repeated, or a required one is missing: a row is only read by its header.
 */
function csvColumns(cells: string[], line: number, problems: ProblemList): string[] | null {
	const columns = cells.map((c) => c.trim().toLowerCase());
	const before = problems.total;
	columns.forEach((name, i) => {
		if (name === '') problems.add(line, 'header', `column ${i + 1} has no name`);
		else if (!RESTRICTION_FIELDS.includes(name)) {
			problems.add(
				line,
				'header',
				`unknown column ${JSON.stringify(name)} (expected ${RESTRICTION_FIELDS.join(', ')})`
			);
		} else if (columns.indexOf(name) !== i) {
			problems.add(line, 'header', `column ${JSON.stringify(name)} appears twice`);
		}
	});
	for (const required of ['iso3', 'effective_from', 'level']) {
		if (!columns.includes(required)) problems.add(line, 'header', `missing column "${required}"`);
	}
	return problems.total === before ? columns : null;
}

/** A CSV cell is text: a level is one digit 0–4, anything else stays text and is refused. */
function fromCsvRecord(record: Record<string, string>): Record<string, unknown> {
	const level = record.level?.trim();
	return {
		...record,
		...(level !== undefined && /^[0-4]$/.test(level) ? { level: Number(level) } : {})
	};
}

export function parseRestrictions(text: string, ctx: ParseContext): ParseOutcome<Restriction[]> {
	const problems = new ProblemList(ctx.file);
	const rows: { line: number; raw: unknown }[] = [];
	const withoutBom = text.replace(/^\uFEFF/, '');
	const trimmed = withoutBom.trimStart();
	if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
		let data: unknown;
		try {
			data = JSON.parse(trimmed);
		} catch (err) {
			problems.add(0, 'json', (err as Error).message);
			return { value: [], rowsRead: 0, problems };
		}
		if (!Array.isArray(data)) {
			problems.add(0, 'json', 'expected an array of restrictions');
			return { value: [], rowsRead: 0, problems };
		}
		// In JSON the "line" of a problem is the 1-based position of the row in the array.
		data.forEach((raw, i) => rows.push({ line: i + 1, raw }));
	} else {
		const records = readCsvRecords(withoutBom, problems);
		if (!records) return { value: [], rowsRead: 0, problems };
		const [header, ...body] = records;
		const columns = header ? csvColumns(header.record, header.info.lines, problems) : null;
		if (!columns) {
			if (!header)
				problems.add(0, 'header', `the file is empty (expected ${RESTRICTION_FIELDS.join(',')})`);
			return { value: [], rowsRead: 0, problems };
		}
		for (const { record, info } of body) {
			if (record.length !== columns.length) {
				problems.add(info.lines, 'row', `expected ${columns.length} cells, got ${record.length}`);
				continue;
			}
			const raw = Object.fromEntries(columns.map((c, i) => [c, record[i]!]));
			rows.push({ line: info.lines, raw: fromCsvRecord(raw) });
		}
	}
	const value: Restriction[] = [];
	const seen = new Map<string, number>();
	for (const { line, raw } of rows) {
		const result = validateRestriction(
			raw,
			ctx.resolveCountry,
			ctx.restrictionBounds ?? defaultRestrictionBounds()
		);
		if ('problems' in result) {
			for (const p of result.problems) problems.add(line, p.field, p.reason);
			continue;
		}
		const key = `${result.value.iso3} ${result.value.effectiveFrom}`;
		const earlier = seen.get(key);
		if (earlier !== undefined) {
			problems.add(line, 'effective_from', `${key} already appears on line ${earlier}`);
			continue;
		}
		seen.set(key, line);
		value.push(result.value);
	}
	return { value, rowsRead: rows.length, problems };
}

/** Records restrictions; one that changes nothing (same level, note and URL) writes nothing. */
export function applyRestrictions(ctx: ApplyContext, restrictions: readonly Restriction[]): void {
	const { db } = ctx;
	const writer = borderStatusWriter(db);
	const upsert = db.prepare(
		`INSERT INTO restriction (iso3, effective_from, level, note, source_url, recorded_at, run_id)
		VALUES (@iso3, @effectiveFrom, @level, @note, @sourceUrl, @recordedAt, @runId)
		ON CONFLICT (iso3, effective_from) DO UPDATE SET level = excluded.level,
			note = excluded.note, source_url = excluded.source_url,
			recorded_at = excluded.recorded_at, run_id = excluded.run_id`
	);
	const recordedAt = new Date().toISOString();
	for (const r of restrictions) {
		const existing = readRestrictions(db, r.iso3).find((x) => x.effectiveFrom === r.effectiveFrom);
		if (
			existing &&
			existing.level === r.level &&
			existing.note === r.note &&
			existing.sourceUrl === r.sourceUrl
		) {
			continue;
		}
		const old = effectiveLevel(db, r.iso3, r.effectiveFrom);
		upsert.run({ ...r, recordedAt, runId: ctx.runId });
		writer.rebuildRuns(r.iso3);
		const next = readRestrictions(db, r.iso3).find((x) => x.effectiveFrom > r.effectiveFrom);
		// An ISO 8601 interval: the level holds to the day before the next restriction, or on.
		const period = `${r.effectiveFrom}/${next ? addDays(next.effectiveFrom, -1) : '..'}`;
		ctx.recordChange(LAYER_BORDER_STATUS, r.iso3, period, old, r.level, r);
	}
}

/** The level readers see over [from, to] (to null: holds on), as runs; gaps have level null. */
function visibleRuns(
	ctx: ApplyContext,
	iso3: string,
	from: string,
	to: string | null
): { from: string; to: string | null; level: number | null }[] {
	const runs = ctx.db
		.prepare(
			`SELECT from_day AS "from", to_day AS "to", level FROM border_status_run
			WHERE iso3 = @iso3 AND (@to IS NULL OR from_day <= @to)
				AND (to_day IS NULL OR to_day >= @from)
			ORDER BY from_day`
		)
		.all({ iso3, from, to }) as { from: string; to: string | null; level: number }[];
	const visible: { from: string; to: string | null; level: number | null }[] = [];
	let cursor: string | null = from;
	for (const run of runs) {
		if (cursor === null) break;
		const start = run.from > from ? run.from : from;
		const end = run.to === null ? to : to === null || run.to < to ? run.to : to;
		if (start > cursor) visible.push({ from: cursor, to: addDays(start, -1), level: null });
		visible.push({ from: start, to: end, level: run.level });
		cursor = end === null ? null : addDays(end, 1);
	}
	if (cursor !== null && (to === null || cursor <= to)) {
		visible.push({ from: cursor, to, level: null });
	}
	return visible;
}

/**
 * Retracts recorded restrictions (the API's DELETE). Each retraction is recorded as what
 * readers see now over the days the restriction held: feed values, or the previous
 * restriction holding on, or no data — one change per run, each with old = the retracted level.
 */
export function applyRetractions(ctx: ApplyContext, retractions: readonly StoredRestriction[]) {
	const writer = borderStatusWriter(ctx.db);
	const remove = ctx.db.prepare('DELETE FROM restriction WHERE id = ?');
	for (const r of retractions) {
		if (remove.run(r.id).changes === 0) continue;
		writer.rebuildRuns(r.iso3);
		const detail = { note: `retracted restriction #${r.id}`, sourceUrl: r.sourceUrl };
		for (const run of visibleRuns(ctx, r.iso3, r.effectiveFrom, r.effectiveTo)) {
			const period = `${run.from}/${run.to ?? '..'}`;
			ctx.recordChange(LAYER_BORDER_STATUS, r.iso3, period, r.level, run.level, detail);
		}
	}
}

/** Editors' retractions, written by the same runner as every other change. */
export const restrictionRetractions: Feed<StoredRestriction[]> = {
	name: 'restrictions',
	description: 'retractions of curated restrictions (DELETE /api/restrictions/{id})',
	parse: () => {
		throw new Error('retractions come from the API, not from a file');
	},
	apply: applyRetractions
};

export const restrictionsFeed: Feed<Restriction[]> = {
	name: 'restrictions',
	description: 'curated restrictions: CSV or JSON rows iso3,effective_from,level,note,source_url',
	parse: parseRestrictions,
	apply: applyRestrictions
};
