import { json } from '@sveltejs/kit';
import type { RemittanceHistoryBody } from '$lib/domain/apiSchemas';
import { MEASURE_INFO } from '$lib/domain/remittances';
import { findCountry } from '$lib/server/db/countries';
import { remittanceSeries } from '$lib/server/db/remittances';
import { unknownCountry } from '$lib/server/http/respond';
import { serverContext } from '$lib/server/context';

export function GET({ params }) {
	const { db } = serverContext();
	const country = findCountry(db, params.iso3);
	if (!country) return unknownCountry(params.iso3);
	const body: RemittanceHistoryBody = {
		iso3: country.iso3,
		name: country.name,
		unit: {
			received: MEASURE_INFO.received.unit,
			paid: MEASURE_INFO.paid.unit,
			share_gdp: MEASURE_INFO.share_gdp.unit
		},
		series: remittanceSeries(db, country.iso3)
	};
	return json(body);
}
