import { EmbedImageQuery } from '$lib/domain/apiSchemas';
import { serverContext } from '$lib/server/context';
import { endpoint, parseQuery } from '$lib/server/http/respond';
import { embedSvg } from '$lib/server/images/embedImage';
import { svgToPng } from '$lib/server/images/png';

/** The `/embed?…` view as a PNG (the SVG rasterised; cached per data version by the hooks). */
export function GET({ url }) {
	return endpoint(() => {
		const png = svgToPng(embedSvg(serverContext().db, parseQuery(url, EmbedImageQuery)));
		return new Response(new Uint8Array(png), { headers: { 'content-type': 'image/png' } });
	});
}
