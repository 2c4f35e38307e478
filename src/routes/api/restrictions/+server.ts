import { json } from '@sveltejs/kit';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { listRestrictions, readRestrictions, restrictionBounds } from '$lib/server/db/borderStatus';
import { countryResolver, findCountry } from '$lib/server/db/countries';
import { editorRefusal } from '$lib/server/http/auth';
import {
	csvResponse,
	endpoint,
	formatParam,
	parseQuery,
	readJsonBody,
	toCsv,
	unknownCountry
} from '$lib/server/http/respond';
import { restrictionsFeed, validateRestriction } from '$lib/server/ingest/feeds/restrictions';
import { commitRun } from '$lib/server/ingest/run';
import { serverContext } from '$lib/server/context';

/** An editor's restriction is a few fields and a note of at most 2,000 characters. */
const MAX_BODY_BYTES = 16 * 1024;

const Query = z.object({
	country: z.string().max(100).optional(),
	format: formatParam
});

/** The curated restrictions, optionally of one country. */
export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, Query);
		let iso3: string | undefined;
		if (query.country !== undefined) {
			const country = findCountry(db, query.country);
			if (!country) return unknownCountry(query.country);
			iso3 = country.iso3;
		}
		const restrictions = listRestrictions(db, iso3);
		if (query.format === 'csv') {
			return csvResponse(
				toCsv(restrictions, [
					'id',
					'iso3',
					'effectiveFrom',
					'effectiveTo',
					'level',
					'note',
					'sourceUrl',
					'recordedAt'
				]),
				iso3 ? `restrictions-${iso3}.csv` : 'restrictions.csv'
			);
		}
		return json({ restrictions });
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
