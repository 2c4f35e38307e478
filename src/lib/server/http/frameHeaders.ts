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
