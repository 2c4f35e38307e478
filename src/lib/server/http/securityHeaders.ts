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

/**
 * The security headers every answer of the app carries, pages, API and static files alike:
 * the framing rules above (added to the answer's own CSP, if any), no sniffing, and a referrer
 * policy.
 */
export function securityHeaders(pathname: string, csp: string | null): Record<string, string> {
	return {
		...frameHeaders(pathname, csp),
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'strict-origin-when-cross-origin'
	};
}
