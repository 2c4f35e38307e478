import { regionGroups, regionMembers } from '../../domain/regions.ts';
import { listCountries } from '../db/countries.ts';
import type { Db } from '../db/open.ts';
import { BadRequest } from './respond.ts';

/**
 * The countries of a `region` parameter, or null for no filter; 400 for an unknown name. The
 * same functions answer the page's region control, so a name means the same members in both.
 */
export function regionFilter(db: Db, region: string | undefined): Set<string> | null {
	if (region === undefined || region.trim() === '') return null;
	const countries = listCountries(db);
	const members = regionMembers(countries, region);
	if (!members) {
		throw new BadRequest(`region: unknown region "${region}"`, {
			accepted: Object.fromEntries(
				regionGroups(countries).map((g) => [g.kind, g.regions.map((r) => r.name)])
			)
		});
	}
	return members;
}
