import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { findCountry } from '$lib/server/db/countries';
import { corridorsOf, corridorYears } from '$lib/server/db/remittances';
import {
	BadRequest,
	csvResponse,
	endpoint,
	formatParam,
	unknownCountry,
	parseQuery,
	toCsv
} from '$lib/server/http/respond';
import { serverContext } from '$lib/server/context';

const Query = z.object({
	country: z.string().regex(/^[A-Za-z]{3}$/, 'expected an ISO 3166 alpha-3 code'),
	direction: z.enum(['in', 'out']).default('in'),
	limit: z.coerce.number().int().min(1).max(250).default(10),
	year: z
		.string()
		.regex(/^\d{4}$/, 'expected a year as YYYY')
		.transform(Number)
		.optional(),
	format: formatParam
});

export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, Query);
		const country = findCountry(db, query.country);
		if (!country) return unknownCountry(query.country);
		const years = corridorYears(db);
		if (years.length === 0) throw new BadRequest('no corridor data has been ingested yet');
		const year = query.year ?? years.at(-1)!;
		if (!years.includes(year))
			throw new BadRequest(`year: corridors exist for ${years.join(', ')}`);
		const corridors = corridorsOf(db, country.iso3, query.direction, year, query.limit);
		if (query.format === 'csv') {
			return csvResponse(
				toCsv(corridors, ['from', 'to', 'value']),
				`corridors-${country.iso3}-${query.direction}-${year}.csv`
			);
		}
		return json({
			country: country.iso3,
			direction: query.direction,
			year,
			unit: 'US$',
			corridors
		});
	});
}
