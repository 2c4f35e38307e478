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
