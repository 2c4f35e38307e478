import { json } from '@sveltejs/kit';
import { createHash } from 'node:crypto';
import { RestrictionsQuery, CSV_COLUMNS, type RestrictionsBody } from '$lib/domain/apiSchemas';
import { listRestrictions, readRestrictions, restrictionBounds } from '$lib/server/db/borderStatus';
import { countryResolver } from '$lib/server/db/countries';
import { collectionResponse } from '$lib/server/http/exports';
import { selected, selection } from '$lib/server/http/filters';
import { editorRefusal } from '$lib/server/http/auth';
import { endpoint, parseQuery, readJsonBody } from '$lib/server/http/respond';
import { restrictionsFeed, validateRestriction } from '$lib/server/ingest/feeds/restrictions';
import { commitRun } from '$lib/server/ingest/run';
import { serverContext } from '$lib/server/context';

/** An editor's restriction is a few fields and a note of at most 2,000 characters. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * The curated restrictions, optionally of some countries or a region; `from`/`to` keep the
 * restrictions whose days overlap the range.
 */
export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, RestrictionsQuery);
		const sel = selection(db, query);
		const only = sel.countries.length === 1 && !sel.region ? sel.countries[0] : undefined;
		const restrictions = listRestrictions(db, only).filter(
			(r) =>
				selected(sel, r.iso3) &&
				(query.to === undefined || r.effectiveFrom <= query.to) &&
				(query.from === undefined || r.effectiveTo === null || r.effectiveTo >= query.from)
		);
		const body: RestrictionsBody = { restrictions };
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: 'restrictions',
			source: 'restrictions',
			selection: sel,
			period: query.from || query.to ? `${query.from ?? ''}-to-${query.to ?? ''}` : null,
			filters: { from: query.from, to: query.to },
			rows: restrictions,
			columns: CSV_COLUMNS.restrictions,
			body: () => body,
			csvFilename: only ? `restrictions-${only}.csv` : 'restrictions.csv'
		});
	});
}

/** An editor records a restriction: `{ iso3, effective_from, level, note?, source_url? }`. */
export function POST({ request }) {
	return endpoint(async () => {
		const ctx = serverContext();
		const refusal = editorRefusal(request, ctx.config.adminToken);
		if (refusal) return refusal;
		const body = await readJsonBody(request, MAX_BODY_BYTES);
		const bounds = restrictionBounds(ctx.db, ctx.config.restrictionHorizonDays);
		const result = validateRestriction(body, countryResolver(ctx.db), bounds);
		if ('problems' in result) {
			return json(
				{
					error: result.problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
					problems: result.problems,
					accepted: { effective_from: bounds, level: [0, 1, 2, 3, 4] }
				},
				{ status: 400 }
			);
		}
		const summary = commitRun(ctx.db, restrictionsFeed, [result.value], {
			source: 'api',
			sha256: createHash('sha256').update(JSON.stringify(result.value)).digest('hex'),
			rowsRead: 1
		});
		ctx.live?.poke();
		const changed = summary.rowsChanged > 0;
		const restriction = readRestrictions(ctx.db, result.value.iso3).find(
			(r) => r.effectiveFrom === result.value.effectiveFrom
		);
		return json({ seq: summary.seq, changed, restriction }, { status: changed ? 201 : 200 });
	});
}
