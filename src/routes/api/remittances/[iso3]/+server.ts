import { json } from '@sveltejs/kit';
import { findCountry } from '$lib/server/db/countries';
import { remittanceSeries } from '$lib/server/db/remittances';
import { unknownCountry } from '$lib/server/http/respond';
import { serverContext } from '$lib/server/context';

export function GET({ params }) {
	const { db } = serverContext();
	const country = findCountry(db, params.iso3);
	if (!country) return unknownCountry(params.iso3);
	return json({
		iso3: country.iso3,
		name: country.name,
		unit: { received: 'US$', paid: 'US$', share_gdp: '% of GDP' },
		series: remittanceSeries(db, country.iso3)
	});
}
