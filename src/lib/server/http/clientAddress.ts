import type { IncomingHttpHeaders } from 'node:http';

/**
 * The client's address as adapter-node reads it (`ADDRESS_HEADER`, `XFF_DEPTH`), so the
 * socket's rate limits key on the same address as the app's requests. Without
 * ADDRESS_HEADER the TCP peer is the client: behind a reverse proxy, set it, or every reader
 * shares the proxy's address (and its limits).
 */
export function clientAddress(
	headers: IncomingHttpHeaders,
	remoteAddress: string | undefined,
	env: NodeJS.ProcessEnv = process.env
): string {
	const header = (env.ADDRESS_HEADER ?? '').toLowerCase();
	if (header) {
		const raw = headers[header];
		const value = (Array.isArray(raw) ? raw.join(',') : raw) ?? '';
		if (header === 'x-forwarded-for') {
			const depth = Math.max(1, Number.parseInt(env.XFF_DEPTH ?? '1', 10) || 1);
			const addresses = value.split(',').map((a) => a.trim());
			const picked = addresses[addresses.length - depth];
			if (picked) return picked;
		} else if (value.trim()) {
			return value.trim();
		}
	}
	return remoteAddress ?? 'unknown';
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Whether a request comes from this machine itself and not through a proxy: a local reverse
 * proxy makes every reader look like 127.0.0.1, so forwarding headers disqualify it.
 */
export function isLocalRequest(headers: Headers, peerAddress: string | undefined): boolean {
	if (!peerAddress || !LOOPBACK.test(peerAddress)) return false;
	return !['x-forwarded-for', 'forwarded', 'x-real-ip'].some((h) => headers.has(h));
}
