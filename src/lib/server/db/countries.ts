import type { Country } from '../../domain/country.ts';
import type { Db } from './open.ts';

export function listCountries(db: Db): Country[] {
	return db
		.prepare(
			`SELECT iso3, iso2, name, m49_region AS m49Region, m49_subregion AS m49Subregion,
				m49_intermediate_region AS m49IntermediateRegion,
				wb_region AS wbRegion, income_group AS incomeGroup
			FROM country ORDER BY name`
		)
		.all() as Country[];
}

/** Resolves ISO3 codes and publishers' aliases (RKS → XKX) to our ISO3, case-insensitively. */
export function countryResolver(db: Db): (code: string) => string | null {
	const known = new Map<string, string>();
	for (const iso3 of db.prepare('SELECT iso3 FROM country').pluck().all() as string[]) {
		known.set(iso3, iso3);
	}
	const aliases = db.prepare('SELECT alias, iso3 FROM country_alias').all() as {
		alias: string;
		iso3: string;
	}[];
	for (const { alias, iso3 } of aliases) known.set(alias, iso3);
	return (code) => known.get(code.trim().toUpperCase()) ?? null;
}

/** The names a `region` filter accepts, grouped by classification. */
export function regionVocabulary(db: Db): Record<string, string[]> {
	const distinct = (column: string) =>
		db
			.prepare(
				`SELECT DISTINCT ${column} FROM country WHERE ${column} IS NOT NULL ORDER BY ${column}`
			)
			.pluck()
			.all() as string[];
	return {
		m49Region: distinct('m49_region'),
		m49Subregion: [...distinct('m49_subregion'), ...distinct('m49_intermediate_region')],
		wbRegion: distinct('wb_region'),
		incomeGroup: distinct('income_group')
	};
}

/**
 * ISO3 codes of the countries in a region (UN M49 region, subregion or intermediate
 * region, World Bank region, or income group; case-insensitive), or null if the name
 * is none of those.
 */
export function countriesInRegion(db: Db, region: string): Set<string> | null {
	const rows = db
		.prepare(
			`SELECT iso3 FROM country WHERE
				lower(m49_region) = lower(@r) OR lower(m49_subregion) = lower(@r)
				OR lower(m49_intermediate_region) = lower(@r) OR lower(wb_region) = lower(@r)
				OR lower(income_group) = lower(@r)`
		)
		.pluck()
		.all({ r: region.trim() }) as string[];
	return rows.length > 0 ? new Set(rows) : null;
}

/** The country for an ISO3 code or a publisher's alias; null for anything else. */
export function findCountry(db: Db, code: string): Country | null {
	if (!/^\s*[A-Za-z]{3}\s*$/.test(code)) return null;
	const row = db
		.prepare(
			`SELECT iso3, iso2, name, m49_region AS m49Region, m49_subregion AS m49Subregion,
				m49_intermediate_region AS m49IntermediateRegion,
				wb_region AS wbRegion, income_group AS incomeGroup
			FROM country
			WHERE iso3 = coalesce((SELECT iso3 FROM country_alias WHERE alias = upper(@code)), upper(@code))`
		)
		.get({ code: code.trim() }) as Country | undefined;
	return row ?? null;
}
