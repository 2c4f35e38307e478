import { json } from '@sveltejs/kit';
import { z } from 'zod';
import {
	borderStatusHistory,
	borderStatusRange,
	readRestrictions
} from '$lib/server/db/borderStatus';
import { findCountry } from '$lib/server/db/countries';
import {
	csvResponse,
	endpoint,
	formatParam,
	unknownCountry,
	parseQuery,
	toCsv
} from '$lib/server/http/respond';
import { serverContext } from '$lib/server/context';

export function GET({ params, url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const { format } = parseQuery(url, z.object({ format: formatParam }));
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
		return json({ iso3: country.iso3, name: country.name, history, restrictions });
	});
}
