/**
 * Country groups a reader can filter by: UN M49 regions and subregions, World Bank regions
 * and income groups. The server answers `region=` with the same names (SQL over the same
 * reference table); this module is the page's copy, so filtering needs no request.
 */
import type { RegionKind } from './analysis.ts';
import type { Country } from './country.ts';

export interface RegionGroup {
	kind: RegionKind;
	label: string;
	regions: { name: string; count: number }[];
}

export const REGION_KIND_LABELS: Record<RegionKind, string> = {
	m49Region: 'UN M49 regions',
	m49Subregion: 'UN M49 subregions',
	wbRegion: 'World Bank regions',
	incomeGroup: 'World Bank income groups'
};

/** Income groups read best from low to high, not alphabetically. */
const INCOME_ORDER = ['Low income', 'Lower middle income', 'Upper middle income', 'High income'];

const namesOf = (c: Country, kind: RegionKind): (string | null)[] =>
	kind === 'm49Subregion' ? [c.m49Subregion, c.m49IntermediateRegion] : [c[kind]];

/** Every region name with its member count, grouped by classification. */
export function regionGroups(countries: readonly Country[]): RegionGroup[] {
	const kinds: RegionKind[] = ['m49Region', 'm49Subregion', 'wbRegion', 'incomeGroup'];
	return kinds.map((kind) => {
		const counts = new Map<string, number>();
		for (const c of countries) {
			for (const name of namesOf(c, kind)) {
				if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
			}
		}
		const regions = [...counts].map(([name, count]) => ({ name, count }));
		regions.sort((a, b) =>
			kind === 'incomeGroup'
				? INCOME_ORDER.indexOf(a.name) - INCOME_ORDER.indexOf(b.name)
				: a.name.localeCompare(b.name)
		);
		return { kind, label: REGION_KIND_LABELS[kind], regions };
	});
}

/**
 * The members of a region by name, case-insensitively, or null when no classification
 * knows the name. A name used by two classifications (UN M49 and the World Bank both have
 * "Sub-Saharan Africa") selects the countries either puts in it, as the API does.
 */
export function regionMembers(countries: readonly Country[], region: string): Set<string> | null {
	const wanted = region.trim().toLowerCase();
	if (!wanted) return null;
	const members = new Set<string>();
	for (const c of countries) {
		const names = [c.m49Region, c.m49Subregion, c.m49IntermediateRegion, c.wbRegion, c.incomeGroup];
		if (names.some((n) => n?.toLowerCase() === wanted)) members.add(c.iso3);
	}
	return members.size > 0 ? members : null;
}

/** The region's name as the reference data spells it (for a URL typed in lower case). */
export function canonicalRegion(countries: readonly Country[], region: string): string | null {
	const wanted = region.trim().toLowerCase();
	for (const group of regionGroups(countries)) {
		const found = group.regions.find((r) => r.name.toLowerCase() === wanted);
		if (found) return found.name;
	}
	return null;
}
