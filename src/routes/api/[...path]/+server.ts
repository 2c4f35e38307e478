import { jsonError } from '$lib/server/http/respond';

/** Unknown API paths answer in the API's own language: JSON. */
export function fallback({ request, url }) {
	return jsonError(404, `no such endpoint: ${request.method} ${url.pathname}`);
}
