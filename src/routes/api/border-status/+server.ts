import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { borderStatusOn, borderStatusRange } from '$lib/server/db/borderStatus';
import {
	BadRequest,
	csvResponse,
	endpoint,
	formatParam,
	isoDayParam,
	parseQuery,
	toCsv
} from '$lib/server/http/respond';
import { regionFilter } from '$lib/server/http/region';
import { serverContext } from '$lib/server/context';

const Query = z.object({
	date: z.union([isoDayParam, z.literal('latest')]).optional(),
	region: z.string().max(100).optional(),
	format: formatParam
});

export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, Query);
		const members = regionFilter(db, query.region);
		const range = borderStatusRange(db);
		const date = query.date && query.date !== 'latest' ? query.date : range?.last;
		if (!date) throw new BadRequest('no border-status data has been ingested yet');
		const countries = borderStatusOn(db, date).filter((c) => !members || members.has(c.iso3));
		if (query.format === 'csv') {
			const rows = countries.map((c) => ({ date, ...c }));
			return csvResponse(
				toCsv(rows, ['date', 'iso3', 'name', 'level', 'since']),
				`border-status-${date}.csv`
			);
		}
		return json({ date, countries });
	});
}
