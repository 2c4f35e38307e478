import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, parseViewState, type ViewState } from '../../src/lib/domain/viewState.ts';
import {
	embedSnippet,
	embedUrl,
	escapeAttribute,
	imageUrl,
	oembedUrl,
	type EmbedOptions
} from '../../src/lib/embed/embedCode.ts';

const ORIGIN = 'https://crossings.example';
const view: ViewState = {
	...DEFAULT_VIEW,
	layer: 'border-status',
	time: 'latest',
	region: 'Africa',
	country: ['KEN', 'NGA'],
	tab: 'table',
	follow: 'session-1'
};
const pinned: EmbedOptions = {
	live: false,
	asof: 1234,
	time: '2020-04-15',
	theme: 'auto',
	controls: true,
	size: 'responsive'
};
const live: EmbedOptions = { ...pinned, live: true, time: null };

const paramsOf = (url: string) => new URL(url).searchParams;

describe('embed URL', () => {
	it('round-trips through parseViewState, on the map tab, without a session', () => {
		const url = embedUrl(ORIGIN, view, { ...pinned, theme: 'dark', controls: false });
		expect(url.startsWith(`${ORIGIN}/embed?`)).toBe(true);
		expect(parseViewState(paramsOf(url))).toEqual({
			...view,
			time: '2020-04-15',
			tab: 'map',
			theme: 'dark',
			live: false,
			controls: false,
			follow: null
		});
		expect(url).toContain('country=KEN~NGA');
		expect(url).toContain('controls=0');
	});

	it('pins the time and the data version', () => {
		const params = paramsOf(embedUrl(ORIGIN, view, pinned));
		expect(params.get('live')).toBe('0');
		expect(params.get('asof')).toBe('1234');
		expect(params.get('time')).toBe('2020-04-15');
	});

	it('follows new data when live, with a time only if one is pinned', () => {
		const params = paramsOf(embedUrl(ORIGIN, view, live));
		expect(params.get('live')).toBe('1');
		expect(params.has('asof')).toBe(false);
		expect(params.has('time')).toBe(false);
		const dated = paramsOf(embedUrl(ORIGIN, view, { ...live, time: '2021' }));
		expect(dated.get('time')).toBe('2021');
		expect(dated.get('live')).toBe('1');
	});

	it('never writes `latest` as a pinned time', () => {
		const url = embedUrl(ORIGIN, DEFAULT_VIEW, { ...pinned, time: 'latest' });
		expect(paramsOf(url).has('time')).toBe(false);
		expect(embedUrl(ORIGIN, DEFAULT_VIEW, live)).toBe(`${ORIGIN}/embed?live=1`);
	});

	it('ignores a trailing slash on the origin', () => {
		expect(embedUrl(`${ORIGIN}/`, DEFAULT_VIEW, live)).toBe(`${ORIGIN}/embed?live=1`);
	});

	it('gives the image and oEmbed the same view', () => {
		const png = imageUrl(ORIGIN, view, pinned);
		expect(png.startsWith(`${ORIGIN}/embed.png?`)).toBe(true);
		expect(new URL(png).search).toBe(new URL(embedUrl(ORIGIN, view, pinned)).search);
		const oembed = new URL(oembedUrl(ORIGIN, view, { ...pinned, size: '640x480' }));
		expect(oembed.pathname).toBe('/api/oembed');
		expect(oembed.searchParams.get('url')).toBe(embedUrl(ORIGIN, view, pinned));
		expect(oembed.searchParams.get('maxwidth')).toBe('640');
		expect(oembed.searchParams.get('maxheight')).toBe('480');
	});
});

describe('embed snippet', () => {
	it('is an iframe with a title and the resize script', () => {
		const html = embedSnippet(ORIGIN, view, pinned, 'Travel controls: Africa');
		expect(html).toContain('<iframe src="https://crossings.example/embed?');
		expect(html).toContain('title="Travel controls: Africa"');
		expect(html).toContain('width="100%" height="520"');
		expect(html).toContain('style="border:0;width:100%"');
		expect(html).toContain('loading="lazy" allow="fullscreen"></iframe>');
		expect(html).toContain('<script async src="https://crossings.example/embed.js"></script>');
	});

	it('writes fixed sizes, capped to their width', () => {
		const html = embedSnippet(ORIGIN, view, { ...pinned, size: 'square' }, 'Map');
		expect(html).toContain('width="600" height="600"');
		expect(html).toContain('style="border:0;width:100%;max-width:600px"');
	});

	it('escapes a region with & and a title with quotes', () => {
		const region = 'Latin America & Caribbean';
		const html = embedSnippet(ORIGIN, { ...view, region }, pinned, 'Controls "now" <b>&</b>');
		const src = /src="([^"]*)"/.exec(html)![1]!;
		expect(src).not.toContain('& ');
		expect(src).toContain('&amp;');
		// What the browser reads back from the attribute is the URL, whose region is intact.
		const url = src.replace(/&amp;/g, '&');
		expect(parseViewState(paramsOf(url)).region).toBe(region);
		expect(html).toContain('title="Controls &quot;now&quot; &lt;b&gt;&amp;&lt;/b&gt;"');
		expect(escapeAttribute(`a'b`)).toBe('a&#39;b');
	});
});
