import type { Handle, HandleServerError } from '@sveltejs/kit';

/** The embed view may be framed by any site; every other response by none. */
export function frameHeaders(pathname: string, csp: string | null): Record<string, string> {
	const embeddable = pathname === '/embed' || pathname.startsWith('/embed/');
	// frame-ancestors only works as a header, never from a <meta> tag.
	const ancestors = embeddable ? 'frame-ancestors *' : "frame-ancestors 'none'";
	const headers: Record<string, string> = {
		'content-security-policy': csp ? `${csp}; ${ancestors}` : ancestors
	};
	if (!embeddable) headers['x-frame-options'] = 'DENY';
	return headers;
}

export const handle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = frameHeaders(event.url.pathname, response.headers.get('content-security-policy'));
	for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	return response;
};

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404) console.error(`${event.request.method} ${event.url.pathname}:`, error);
	return { message: status === 404 ? 'Not found' : 'Internal error' };
};
