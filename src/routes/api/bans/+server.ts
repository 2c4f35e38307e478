import { json } from '@sveltejs/kit';
import {
	BansQuery,
	type BansByDestinationBody,
	type BansByOriginBody
} from '$lib/domain/apiSchemas';
import { banPlace, bansAgainst, bansInto } from '$lib/server/db/bans';
import { serverContext } from '$lib/server/context';
import { BadRequest, endpoint, parseQuery } from '$lib/server/http/respond';

/**
 * COBAP border bans on one day: the policies in force in a destination, or the destinations
 * that banned an origin's citizens or travellers.
 */
export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, BansQuery);
		if (query.destination !== undefined) {
			const destination = banPlace(db, query.destination, true);
			if (!destination) throw unknown('destination', query.destination);
			const body: BansByDestinationBody = {
				destination,
				date: query.date,
				policies: bansInto(db, destination, query.date)
			};
			return json(body);
		}
		const origin = banPlace(db, query.origin!, false);
		if (!origin) throw unknown('origin', query.origin!);
		const body: BansByOriginBody = {
			origin,
			date: query.date,
			destinations: bansAgainst(db, origin, query.date)
		};
		return json(body);
	});
}

function unknown(parameter: string, code: string): BadRequest {
	return new BadRequest(
		code.trim().toUpperCase() === 'EUR'
			? `${parameter}: EUR (the European Union) is answered per member state; ask for one`
			: `${parameter}: unknown country "${code}" (expected an ISO 3166 alpha-3 code, or SOL for Somaliland)`
	);
}
