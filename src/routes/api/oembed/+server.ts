import { json } from '@sveltejs/kit';
import { EmbedImageQuery, OEmbedQuery } from '$lib/domain/apiSchemas';
import { serverContext } from '$lib/server/context';
import { endpoint, jsonError, parseQuery } from '$lib/server/http/respond';
import { embedImage } from '$lib/server/images/embedImage';
import { mapSvg } from '$lib/server/images/mapSvg';
import { projectedWorld } from '$lib/server/images/countryShapes';
import { oembedBody, oembedSize, oembedTarget } from '$lib/server/images/oembed';

/** oEmbed for a Crossings view URL of this server (ORIGIN, or the host asked). */
export function GET({ url }) {
	return endpoint(() => {
		const { db, config } = serverContext();
		const query = parseQuery(url, OEmbedQuery);
		if (query.format === 'xml') return jsonError(501, 'format: only json is implemented');
		const target = oembedTarget(query.url, { publicOrigin: config.origin, host: url.host });
		if (!target.ok) return jsonError(target.status, target.error);
		const { origin } = target;
		const { width, height } = oembedSize(query.maxwidth, query.maxheight);
		const thumbWidth = Math.max(320, Math.min(2000, width));
		const { view } = target;
		const params = EmbedImageQuery.parse({
			layer: view.layer,
			time: view.time,
			...(view.region ? { region: view.region } : {}),
			...(view.country.length ? { country: view.country.join('~') } : {}),
			measure: view.measure,
			theme: view.theme,
			width: String(thumbWidth)
		});
		const image = embedImage(db, params);
		const svg = mapSvg(image, projectedWorld(thumbWidth));
		const thumbHeight = Number(/height="(\d+)"/.exec(svg)?.[1] ?? 0);
		const imageQuery = [target.query, `width=${thumbWidth}`].filter(Boolean).join('&');
		return json(
			oembedBody({
				origin,
				query: target.query,
				title: image.title,
				width,
				height,
				thumbnail: {
					url: `${origin}/embed.png?${imageQuery}`,
					width: thumbWidth,
					height: thumbHeight
				}
			})
		);
	});
}
