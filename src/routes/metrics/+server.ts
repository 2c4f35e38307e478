import { hasBearerToken } from '$lib/server/http/auth';
import { isLocalRequest } from '$lib/server/http/clientAddress';
import { jsonError } from '$lib/server/http/respond';
import { metrics, scrapeMetrics } from '$lib/server/metrics';
import { serverContext } from '$lib/server/context';

/** Prometheus metrics: from this machine (not through a proxy), or with METRICS_TOKEN. */
export async function GET({ request, platform, getClientAddress }) {
	const { config } = serverContext();
	// Vite's dev server passes no platform: its client address is the peer.
	const peer = platform?.req ? platform.req.socket.remoteAddress : getClientAddress();
	const allowed =
		isLocalRequest(request.headers, peer) ||
		(config.metricsToken !== null && hasBearerToken(request, config.metricsToken));
	if (!allowed) {
		return jsonError(
			403,
			'metrics are served to this machine, or with Authorization: Bearer $METRICS_TOKEN'
		);
	}
	const { registry } = metrics();
	let text: string;
	try {
		text = await scrapeMetrics();
	} catch (err) {
		return jsonError(503, (err as Error).message);
	}
	return new Response(text, {
		headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' }
	});
}
