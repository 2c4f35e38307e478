import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { listCountries } from '$lib/server/db/countries';
import { csvResponse, endpoint, formatParam, parseQuery, toCsv } from '$lib/server/http/respond';
import { serverContext } from '$lib/server/context';

export function GET({ url }) {
	return endpoint(() => {
		const { format } = parseQuery(url, z.object({ format: formatParam }));
		const countries = listCountries(serverContext().db);
		if (format === 'csv') {
			return csvResponse(
				toCsv(countries, ['iso3', 'name', 'm49Region', 'm49Subregion', 'wbRegion', 'incomeGroup']),
				'countries.csv'
			);
		}
		return json(countries);
	});
}
