/**
 * `/embed` (and its images and script) may be framed by any site; every other page only by
 * our own (the embed builder previews in iframes of /embed, which is framed by us anyway).
 */
export function frameHeaders(pathname: string, csp: string | null): Record<string, string> {
	const embeddable = /^\/embed(\/|\.|$)/.test(pathname);
	// frame-ancestors only works as a header, never from a <meta> tag.
	const ancestors = embeddable ? 'frame-ancestors *' : "frame-ancestors 'self'";
	const headers: Record<string, string> = {
		'content-security-policy': csp ? `${csp}; ${ancestors}` : ancestors
	};
	if (!embeddable) headers['x-frame-options'] = 'SAMEORIGIN';
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
