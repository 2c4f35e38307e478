import { json } from '@sveltejs/kit';
import { UNKNOWN_SESSION } from '$lib/domain/session';
import { serverContext } from '$lib/server/context';
import { endpoint, jsonError } from '$lib/server/http/respond';
import { sessionStore } from '$lib/server/live/sessionStore';

/**
 * A session as followers see it (never its key), for a page that loads before its socket
 * connects. It changes with every lead, not with the data version, so nothing may cache it.
 */
export function GET({ params }) {
	return endpoint(async () => {
		const session = await sessionStore(serverContext()).read(params.id);
		const headers = { 'cache-control': 'no-store' };
		return session ? json(session, { headers }) : jsonError(404, UNKNOWN_SESSION, headers);
	});
}
