import { CorridorsQuery, CSV_COLUMNS, type CorridorsBody } from '$lib/domain/apiSchemas';
import { corridorCsvRow } from '$lib/domain/remittances';
import { combinedSource, SOURCES } from '$lib/domain/sources';
import { findCountry } from '$lib/server/db/countries';
import { corridorsOf, corridorYears, withCostAndBanxico } from '$lib/server/db/remittances';
import { serverContext } from '$lib/server/context';
import { collectionResponse } from '$lib/server/http/exports';
import { regionFilter } from '$lib/server/http/region';
import { BadRequest, endpoint, parseQuery, unknownCountry } from '$lib/server/http/respond';

/**
 * A country's largest corridors; `region` keeps partners (origins for `in`, destinations for
 * `out`). Each carries its RPW cost and, with Mexico at one end, Banco de México's figure, both
 * as of the matrix's year (the latest quarter on or before its end).
 */
export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, CorridorsQuery);
		const partners = regionFilter(db, query.region);
		const country = findCountry(db, query.country);
		if (!country) return unknownCountry(query.country);
		const years = corridorYears(db);
		if (years.length === 0) throw new BadRequest('no corridor data has been ingested yet');
		const year = query.year ?? years.at(-1)!;
		if (!years.includes(year))
			throw new BadRequest(`year: corridors exist for ${years.join(', ')}`);
		const partnerOf = (c: { from: string; to: string }) =>
			query.direction === 'in' ? c.from : c.to;
		const largest = partners
			? corridorsOf(db, country.iso3, query.direction, year, 1_000_000)
					.filter((c) => partners.has(partnerOf(c)))
					.slice(0, query.limit)
			: corridorsOf(db, country.iso3, query.direction, year, query.limit);
		const corridors = withCostAndBanxico(db, largest, year);
		const body: CorridorsBody = {
			country: country.iso3,
			direction: query.direction,
			year,
			unit: 'US$',
			corridors
		};
		const region = query.region?.trim() || null;
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: `corridors-${query.direction}`,
			source: { title: SOURCES.corridors.title, ...combinedSource('corridors', 'rpw', 'banxico') },
			selection: { members: null, region, countries: [country.iso3] },
			period: String(year),
			filters: { direction: query.direction, year, limit: query.limit },
			rows: corridors.map(corridorCsvRow),
			columns: CSV_COLUMNS.corridors,
			body: () => body,
			csvFilename: `corridors-${country.iso3}-${query.direction}-${year}.csv`
		});
	});
}
