import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { MEASURE_INFO, MEASURES } from '$lib/domain/remittances';
import { remittancesIn, remittanceYears } from '$lib/server/db/remittances';
import {
	BadRequest,
	csvResponse,
	endpoint,
	formatParam,
	parseQuery,
	toCsv
} from '$lib/server/http/respond';
import { regionFilter } from '$lib/server/http/region';
import { serverContext } from '$lib/server/context';

const Query = z.object({
	year: z
		.string()
		.regex(/^\d{4}$/, 'expected a year as YYYY')
		.transform(Number)
		.optional(),
	measure: z.enum(MEASURES).default('received'),
	region: z.string().max(100).optional(),
	format: formatParam
});

export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, Query);
		const members = regionFilter(db, query.region);
		const years = remittanceYears(db, query.measure);
		if (!years) throw new BadRequest(`no ${query.measure} data has been ingested yet`);
		const year = query.year ?? years.last;
		if (year < years.first || year > years.last) {
			throw new BadRequest(`year: ${query.measure} data covers ${years.first}–${years.last}`);
		}
		const countries = remittancesIn(db, year, query.measure).filter(
			(c) => !members || members.has(c.iso3)
		);
		const unit = MEASURE_INFO[query.measure].unit;
		if (query.format === 'csv') {
			const rows = countries.map((c) => ({ year, measure: query.measure, unit, ...c }));
			return csvResponse(
				toCsv(rows, ['year', 'measure', 'unit', 'iso3', 'name', 'value']),
				`remittances-${query.measure}-${year}.csv`
			);
		}
		return json({ year, measure: query.measure, unit, countries });
	});
}
