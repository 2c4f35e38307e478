import { json } from '@sveltejs/kit';
import { findCountry } from '$lib/server/db/countries';
import { remittanceSeries } from '$lib/server/db/remittances';
import { notFound } from '$lib/server/http/respond';
import { serverContext } from '$lib/server/context';

export function GET({ params }) {
	const { db } = serverContext();
	const country = /^[A-Za-z]{3}$/.test(params.iso3) ? findCountry(db, params.iso3) : null;
	if (!country)
		return notFound(`unknown country "${params.iso3}" (expected an ISO 3166 alpha-3 code)`);
	return json({
		iso3: country.iso3,
		name: country.name,
		unit: { received: 'US$', paid: 'US$', share_gdp: '% of GDP' },
		series: remittanceSeries(db, country.iso3)
	});
}
