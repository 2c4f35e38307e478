import { countriesInRegion, regionVocabulary } from '../db/countries.ts';
import type { Db } from '../db/open.ts';
import { BadRequest } from './respond.ts';

/** The countries of a `region` parameter, or null for no filter; 400 for an unknown name. */
export function regionFilter(db: Db, region: string | undefined): Set<string> | null {
	if (region === undefined || region.trim() === '') return null;
	const members = countriesInRegion(db, region);
	if (!members) {
		throw new BadRequest(`region: unknown region "${region}"`, {
			accepted: regionVocabulary(db)
		});
	}
	return members;
}
