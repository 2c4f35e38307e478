/**
 * oEmbed 1.0 (https://oembed.com) for Crossings views: a `rich` answer whose html is an
 * iframe to `/embed?…` (the same view parameters) and the `/embed.js` resize script, with the
 * `/embed.png` of the same view as its thumbnail.
 */
import type { OEmbedBody } from '../../domain/apiSchemas.ts';
import { parseViewState, viewStateToQuery } from '../../domain/viewState.ts';
import { escapeXml } from './mapSvg.ts';

/** Pages whose URL names a view that an embed can show. */
const VIEW_PATHS = new Set(['/', '/embed', '/present']);

export const DEFAULT_EMBED_WIDTH = 800;
export const EMBED_ASPECT = 0.65;

export type OEmbedTarget =
	| { ok: true; origin: string; query: string; view: ReturnType<typeof parseViewState> }
	| { ok: false; status: 400 | 404; error: string };

/**
 * Reads a consumer's `url`: ours and a view page, or why not. Ours: the public origin
 * (`ORIGIN`) when one is configured; otherwise the host the request came to, in either
 * scheme (behind a proxy without ORIGIN the server cannot know which one readers use, and
 * adapter-node assumes https).
 */
export function oembedTarget(
	raw: string,
	ours: { publicOrigin: string | null; host: string }
): OEmbedTarget {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { ok: false, status: 400, error: 'url: not an absolute URL' };
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return { ok: false, status: 400, error: 'url: expected an http(s) URL' };
	}
	const own = ours.publicOrigin
		? url.origin === new URL(ours.publicOrigin).origin
		: url.host === ours.host;
	if (!own || !VIEW_PATHS.has(url.pathname.replace(/\/$/, '') || '/')) {
		return { ok: false, status: 404, error: 'url: not a Crossings view of this server' };
	}
	// The embed is pinned to what the URL shows; presenter sessions are not embedded.
	const view = { ...parseViewState(url.searchParams), follow: null };
	const origin = ours.publicOrigin ? new URL(ours.publicOrigin).origin : url.origin;
	return { ok: true, origin, view, query: viewStateToQuery(view) };
}

export function oembedSize(maxwidth?: number, maxheight?: number) {
	let width = Math.min(DEFAULT_EMBED_WIDTH, maxwidth ?? DEFAULT_EMBED_WIDTH);
	let height = Math.round(width * EMBED_ASPECT);
	if (maxheight !== undefined && height > maxheight) {
		height = maxheight;
		width = Math.min(width, Math.round(maxheight / EMBED_ASPECT));
	}
	return { width, height };
}

export function oembedBody(p: {
	origin: string;
	query: string;
	title: string;
	width: number;
	height: number;
	thumbnail: { url: string; width: number; height: number };
}): OEmbedBody {
	const src = `${p.origin}/embed${p.query ? `?${p.query}` : ''}`;
	const html =
		`<iframe src="${escapeXml(src)}" title="${escapeXml(p.title)}" width="${p.width}" height="${p.height}" ` +
		`style="border:0;width:100%;max-width:${p.width}px" loading="lazy"></iframe>` +
		`<script src="${escapeXml(`${p.origin}/embed.js`)}" async></script>`;
	return {
		type: 'rich',
		version: '1.0',
		title: p.title,
		provider_name: 'Crossings',
		provider_url: `${p.origin}/`,
		html,
		width: p.width,
		height: p.height,
		thumbnail_url: p.thumbnail.url,
		thumbnail_width: p.thumbnail.width,
		thumbnail_height: p.thumbnail.height
	};
}
