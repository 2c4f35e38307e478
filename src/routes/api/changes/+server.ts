import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { changesAfter, latestChanges } from '$lib/server/db/changeLog';
import { csvResponse, endpoint, formatParam, parseQuery, toCsv } from '$lib/server/http/respond';
import { serverContext } from '$lib/server/context';

const Query = z.object({
	after: z.coerce.number().int().min(0).default(0),
	/** The newest N changes instead (still in seq order): what a change feed starts with. */
	latest: z.coerce.number().int().min(1).max(1000).optional(),
	/** With `latest`: only changes from one level to another. */
	kind: z.enum(['all', 'level']).default('all'),
	limit: z.coerce.number().int().min(1).max(10_000).default(1000),
	format: formatParam
});

export function GET({ url }) {
	return endpoint(() => {
		const query = parseQuery(url, Query);
		const { db } = serverContext();
		const changes = query.latest
			? latestChanges(db, query.latest, query.kind === 'level')
			: changesAfter(db, query.after, query.limit);
		if (query.format === 'csv') {
			return csvResponse(
				toCsv(changes, [
					'seq',
					'at',
					'layer',
					'iso3',
					'period',
					'old',
					'new',
					'source',
					'note',
					'sourceUrl'
				]),
				'changes.csv'
			);
		}
		return json({ changes });
	});
}
