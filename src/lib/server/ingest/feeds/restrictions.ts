/**
 * Editors' curated restrictions: rows `iso3,effective_from,level,note,source_url`, as CSV
 * (with that header) or JSON (an array of objects with those keys). The API's
 * POST /api/restrictions validates its body with the same rules and writes the same way.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { LAYER_BORDER_STATUS, type Level } from '../../../domain/borderStatus.ts';
import { addDays, isIsoDay } from '../../../domain/date.ts';
import {
	borderStatusWriter,
	effectiveLevel,
	readRestrictions,
	type Restriction
} from '../../db/borderStatus.ts';
import type { ApplyContext, Feed } from '../feed.ts';
import type { ParseContext, ParseOutcome } from './oxcgrtC8.ts';
import { ProblemList } from '../problem.ts';

const emptyToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

/** One restriction as written by an editor, before the country code is resolved. */
export const RestrictionRow = z.object({
	iso3: z.string().regex(/^[A-Za-z]{3}$/, 'expected an ISO 3166 alpha-3 code'),
	effective_from: z.string().refine(isIsoDay, 'expected a calendar date as YYYY-MM-DD'),
	level: z.coerce
		.number({ message: 'expected a level 0–4' })
		.int('expected a whole level 0–4')
		.min(0, 'expected a level 0–4')
		.max(4, 'expected a level 0–4'),
	note: z.preprocess(emptyToUndefined, z.string().trim().max(2000).optional()),
	source_url: z.preprocess(
		emptyToUndefined,
		z
			.url({ protocol: /^https?$/, message: 'expected an http(s) URL' })
			.max(2000)
			.optional()
	)
});
export type RestrictionRow = z.infer<typeof RestrictionRow>;

/** Validates one row; the first problem of each field is reported. */
export function validateRestriction(
	raw: unknown,
	resolveCountry: (code: string) => string | null
): { value: Restriction } | { problems: { field: string; reason: string }[] } {
	const result = RestrictionRow.safeParse(raw);
	if (!result.success) {
		const seen = new Set<string>();
		const problems = result.error.issues
			.map((i) => ({ field: String(i.path[0] ?? 'row'), reason: i.message }))
			.filter((p) => !seen.has(p.field) && seen.add(p.field));
		return { problems };
	}
	const row = result.data;
	const iso3 = resolveCountry(row.iso3);
	if (!iso3) return { problems: [{ field: 'iso3', reason: `unknown country code "${row.iso3}"` }] };
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

export function parseRestrictions(text: string, ctx: ParseContext): ParseOutcome<Restriction[]> {
	const problems = new ProblemList(ctx.file);
	const rows: { line: number; raw: unknown }[] = [];
	const trimmed = text.replace(/^\uFEFF/, '').trimStart();
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
		try {
			const records = parseCsv(trimmed, {
				columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
				info: true,
				skip_empty_lines: true
			}) as unknown as { record: Record<string, string>; info: { lines: number } }[];
			for (const { record, info } of records) rows.push({ line: info.lines, raw: record });
		} catch (err) {
			const e = err as { lines?: number; message: string };
			problems.add(e.lines ?? 0, 'csv', e.message);
			return { value: [], rowsRead: 0, problems };
		}
	}
	const value: Restriction[] = [];
	const seen = new Map<string, number>();
	for (const { line, raw } of rows) {
		const result = validateRestriction(raw, ctx.resolveCountry);
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

export const restrictionsFeed: Feed<Restriction[]> = {
	name: 'restrictions',
	description: 'curated restrictions: CSV or JSON rows iso3,effective_from,level,note,source_url',
	parse: parseRestrictions,
	apply: applyRestrictions
};
