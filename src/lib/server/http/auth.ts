import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether a request carries `Authorization: Bearer <token>` for the configured token.
 * Both sides are hashed first so the comparison takes the same time whatever their lengths.
 */
export function hasBearerToken(request: Request, token: string): boolean {
	const header = request.headers.get('authorization') ?? '';
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	return timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && match !== null;
}

/**
 * Null when the request may write; otherwise the answer: 403 while the server has no
 * ADMIN_TOKEN (writes disabled), 401 without the right bearer token.
 */
export function editorRefusal(request: Request, adminToken: string | null): Response | null {
	if (!adminToken) {
		return Response.json(
			{ error: 'writes are disabled: the server has no ADMIN_TOKEN' },
			{ status: 403 }
		);
	}
	if (!hasBearerToken(request, adminToken)) {
		return Response.json(
			{ error: 'a valid Authorization: Bearer token is required' },
			{ status: 401, headers: { 'www-authenticate': 'Bearer realm="crossings"' } }
		);
	}
	return null;
}
