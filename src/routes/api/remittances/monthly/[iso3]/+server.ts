import {
	CSV_COLUMNS,
	MonthlyIso3Path,
	MonthlyRemittancesQuery,
	type MonthlyRemittancesBody
} from '$lib/domain/apiSchemas';
import { SOURCES } from '$lib/domain/sources';
import { serverContext } from '$lib/server/context';
import { findCountry } from '$lib/server/db/countries';
import { monthlyRemittanceCountries, monthlyRemittanceSeries } from '$lib/server/db/remittances';
import { collectionResponse } from '$lib/server/http/exports';
import {
	BadRequest,
	endpoint,
	notFound,
	parseQuery,
	unknownCountry
} from '$lib/server/http/respond';

/** Who publishes each country's monthly series (only Banco de México so far). */
const MONTHLY_SOURCES: Record<string, string> = {
	MEX: 'Banco de México, Sistema de Información Económica (SIE)'
};

/**
 * A country's remittances by month: US$ received and paid and the numbers of transactions.
 * Only Mexico has a monthly series so far; another country is a 404 that says so (the list
 * comes from the data, so it grows with them), a code that is not three letters a 400.
 */
export function GET({ params, url }) {
	return endpoint(() => {
		const path = MonthlyIso3Path.safeParse(params);
		if (!path.success) {
			throw new BadRequest(`iso3: ${path.error.issues[0]!.message}, got "${params.iso3}"`);
		}
		const query = parseQuery(url, MonthlyRemittancesQuery);
		const { db } = serverContext();
		const country = findCountry(db, path.data.iso3);
		if (!country) return unknownCountry(path.data.iso3);
		const series = monthlyRemittanceSeries(db, country.iso3);
		if (series.length === 0) {
			const known = monthlyRemittanceCountries(db).map((c) => `${c.name} (${c.iso3})`);
			return notFound(
				known.length === 0
					? `no monthly remittances have been ingested yet (they exist only for Mexico, from Banco de México)`
					: `no monthly remittances for ${country.name} (${country.iso3}): monthly data exist only for ${known.join(', ')} so far`
			);
		}
		const body: MonthlyRemittancesBody = {
			iso3: country.iso3,
			name: country.name,
			source: MONTHLY_SOURCES[country.iso3] ?? SOURCES.banxico.source,
			unit: 'US$',
			series
		};
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: 'remittances-monthly',
			source: 'banxico',
			title: `Monthly remittances, ${country.name}`,
			selection: { members: null, region: null, countries: [country.iso3] },
			period: `${series[0]!.month}-to-${series.at(-1)!.month}`,
			rows: series,
			columns: CSV_COLUMNS.monthlyRemittances,
			body: () => body,
			csvFilename: `remittances-monthly-${country.iso3}.csv`
		});
	});
}
