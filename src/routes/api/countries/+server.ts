import { CountriesQuery, CSV_COLUMNS, type CountriesBody } from '$lib/domain/apiSchemas';
import { serverContext } from '$lib/server/context';
import { collectionResponse } from '$lib/server/http/exports';
import { selectedCountries, selection } from '$lib/server/http/filters';
import { endpoint, parseQuery } from '$lib/server/http/respond';

export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, CountriesQuery);
		const sel = selection(db, query);
		const countries: CountriesBody = selectedCountries(db, sel);
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: 'countries',
			source: 'countries',
			selection: sel,
			rows: countries,
			columns: CSV_COLUMNS.countries,
			body: () => countries,
			csvFilename: 'countries.csv'
		});
	});
}
