import { json } from '@sveltejs/kit';
import { FormatQuery, type BorderStatusHistoryBody } from '$lib/domain/apiSchemas';
import {
	borderStatusHistory,
	borderStatusRange,
	readRestrictions
} from '$lib/server/db/borderStatus';
import { findCountry } from '$lib/server/db/countries';
import { csvResponse, endpoint, unknownCountry, parseQuery, toCsv } from '$lib/server/http/respond';
import { serverContext } from '$lib/server/context';

export function GET({ params, url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const { format } = parseQuery(url, FormatQuery);
		const country = findCountry(db, params.iso3);
		if (!country) return unknownCountry(params.iso3);
		const history = borderStatusHistory(db, country.iso3, borderStatusRange(db));
		if (format === 'csv') {
			return csvResponse(
				toCsv(history, ['from', 'to', 'level']),
				`border-status-${country.iso3}.csv`
			);
		}
		const restrictions = readRestrictions(db, country.iso3).map(({ iso3: _, ...r }) => r);
		const body: BorderStatusHistoryBody = {
			iso3: country.iso3,
			name: country.name,
			history,
			restrictions
		};
		return json(body);
	});
}
