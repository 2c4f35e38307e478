import { EmbedImageQuery } from '$lib/domain/apiSchemas';
import { serverContext } from '$lib/server/context';
import { endpoint, parseQuery } from '$lib/server/http/respond';
import { embedSvg } from '$lib/server/images/embedImage';

/** The `/embed?…` view as an SVG drawn on the server (cached per data version by the hooks). */
export function GET({ url }) {
	return endpoint(() => {
		const svg = embedSvg(serverContext().db, parseQuery(url, EmbedImageQuery));
		return new Response(svg, { headers: { 'content-type': 'image/svg+xml; charset=utf-8' } });
	});
}
