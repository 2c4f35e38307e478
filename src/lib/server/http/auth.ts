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
