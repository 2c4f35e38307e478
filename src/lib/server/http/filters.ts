import { countryResolver, listCountries } from '../db/countries.ts';
import type { Db } from '../db/open.ts';
import { regionFilter } from './region.ts';
import { unknownCountry } from './respond.ts';

/** The countries a request's `region` and `country` parameters select. */
export interface Selection {
	/** ISO3 codes selected, or null for every country. */
	members: Set<string> | null;
	/** The region as asked (trimmed), for file names and export metadata. */
	region: string | null;
	/** The `country` selection resolved to our ISO3 codes, in the order given. */
	countries: string[];
}

/** `BRA~IND`, `bra,ind` → ["BRA", "IND"] as written (not yet resolved), without repeats. */
export function splitCountryList(raw: string | undefined): string[] {
	if (raw === undefined) return [];
	const codes = raw
		.split(/[~,]/)
		.map((c) => c.trim())
		.filter((c) => c !== '');
	return [...new Set(codes)];
}

/**
 * Resolves `region` (400 for an unknown name, listing the accepted ones) and `country`
 * (404 naming the first unknown code; aliases such as RKS resolve). Both given: the
 * intersection.
 */
export function selection(db: Db, query: { region?: string; country?: string }): Selection {
	const byRegion = regionFilter(db, query.region);
	const resolve = countryResolver(db);
	const countries: string[] = [];
	for (const code of splitCountryList(query.country)) {
		const iso3 = /^[A-Za-z]{3}$/.test(code) ? resolve(code) : null;
		if (!iso3) throw unknownCountry(code);
		if (!countries.includes(iso3)) countries.push(iso3);
	}
	let members: Set<string> | null = byRegion;
	if (countries.length > 0) {
		members = new Set(countries.filter((c) => !byRegion || byRegion.has(c)));
	}
	return {
		members,
		region: query.region?.trim() ? query.region.trim() : null,
		countries
	};
}

/** Whether a row's country is selected. */
export const selected = (sel: Selection, iso3: string) => !sel.members || sel.members.has(iso3);

/** The reference countries the selection holds, sorted by name. */
export function selectedCountries(db: Db, sel: Selection) {
	return listCountries(db).filter((c) => selected(sel, c.iso3));
}
