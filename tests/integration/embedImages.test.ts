/**
 * Server-drawn images (/embed.svg, /embed.png) and oEmbed, against a real server on the
 * seeded data: the SVG parses, says what it shows, and fills countries with the level the
 * API reports; the PNG is that image, pixel for pixel at known countries.
 */
import { Resvg } from '@resvg/resvg-js';
import { geoEqualEarth } from 'd3-geo';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEVELS } from '../../src/lib/domain/borderStatus.ts';
import { VALUE_COLORS } from '../../src/lib/domain/remittances.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { startServer, type RunningServer } from '../support/server.ts';

let server: RunningServer;
const DAY = '2020-04-15';

beforeAll(async () => {
	server = await startServer({ databasePath: seededDatabaseCopy() });
});
afterAll(async () => {
	await server?.stop();
});

const get = (path: string, init?: RequestInit) => fetch(server.url + path, init);

/** A strict enough well-formedness check: every tag closes, in order, and resvg parses it. */
function assertWellFormed(svg: string): void {
	const stack: string[] = [];
	for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
		const [, closing, name, selfClosing] = m;
		if (closing) expect(stack.pop(), `</${name}>`).toBe(name);
		else if (!selfClosing) stack.push(name!);
	}
	expect(stack).toEqual([]);
	expect(svg).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
	expect(() => new Resvg(svg)).not.toThrow();
}

const fillOf = (svg: string, iso3: string) =>
	new RegExp(`<path data-iso3="${iso3}" fill="([^"]+)"`).exec(svg)?.[1];

/** Where a lon/lat lands in the image, from the projection the SVG declares. */
function projector(svg: string) {
	const m = /data-scale="([\d.]+)" data-translate="([\d.-]+) ([\d.-]+)"/.exec(svg);
	expect(m).toBeTruthy();
	const projection = geoEqualEarth()
		.scale(Number(m![1]))
		.translate([Number(m![2]), Number(m![3])]);
	return (lonLat: [number, number]) => projection(lonLat)!;
}

const hex = (r: number, g: number, b: number) =>
	'#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');

function pixel(png: PNG, [x, y]: [number, number]): string {
	const i = (Math.round(y) * png.width + Math.round(x)) * 4;
	return hex(png.data[i]!, png.data[i + 1]!, png.data[i + 2]!);
}

/** Well inside each country at 1000 px. */
const INTERIOR: Record<string, [number, number]> = {
	BRA: [-52, -10],
	RUS: [100, 62],
	AUS: [134, -25],
	CAN: [-105, 58]
};

/** The text of the SVG's <desc>: its summary and source line. */
const descOf = (svg: string) =>
	/<desc id="map-desc">([^<]*)<\/desc>/
		.exec(svg)![1]!
		.replaceAll('&amp;', '&')
		.replaceAll('&apos;', "'");
/** What the embed page says it shows (its meta description: the same sentence). */
async function pageDescription(query: string): Promise<string> {
	const html = await (await get(`/embed?${query}`)).text();
	return /<meta name="description" content="([^"]*)"/.exec(html)![1]!.replaceAll('&amp;', '&');
}

describe('/embed.svg', () => {
	it('says what the embed page says it shows, counted the same way', async () => {
		for (const query of [
			`time=${DAY}`,
			`time=${DAY}&region=Western%20Africa`,
			'layer=remittances&time=2019',
			'layer=remittances&time=2020&measure=paid&region=Europe',
			'layer=remittances&time=2019&measure=share_gdp'
		]) {
			const sentence = await pageDescription(query);
			expect(sentence.length, query).toBeGreaterThan(40);
			expect(descOf(await (await get(`/embed.svg?${query}`)).text()), query).toContain(sentence);
		}
	});

	it('is a well-formed SVG with title, legend, summary and source', async () => {
		const response = await get(`/embed.svg?time=${DAY}`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
		const svg = await response.text();
		assertWellFormed(svg);
		expect(svg).toContain('International travel controls on 15 April 2020');
		for (const level of LEVELS) expect(svg).toMatch(new RegExp(`${level.label} \\(\\d+\\)`));
		expect(svg).toMatch(/No data \(\d+\)/);
		expect(svg).toMatch(/On 15 April 2020, of \d+ countries and territories tracked/);
		expect(svg).toContain('Oxford COVID-19 Government Response Tracker');
		expect(svg).toContain('Crossings');
		expect(svg).toMatch(/width="1000"/);
	});

	it('fills countries with the colour of the level /api/border-status reports', async () => {
		const svg = await (await get(`/embed.svg?time=${DAY}`)).text();
		const api = (await (await get(`/api/border-status?date=${DAY}`)).json()) as {
			countries: { iso3: string; level: number | null }[];
		};
		const levels = new Map(api.countries.map((c) => [c.iso3, c.level]));
		let checked = 0;
		for (const iso3 of ['BRA', 'RUS', 'USA', 'IND', 'CHN', 'FRA', 'NGA', 'AUS', 'IRN']) {
			const level = levels.get(iso3);
			const expected =
				level === null || level === undefined ? 'url(#no-data)' : LEVELS[level]!.color;
			expect(fillOf(svg, iso3), iso3).toBe(expected);
			checked++;
		}
		expect(checked).toBe(9);
		// The whole legend adds up to the countries OxCGRT tracks (the series' countries), as
		// the page's legend does; the API lists every country, tracked or not.
		const { series } = (await (await get('/api/border-status/series')).json()) as {
			series: { runs: Record<string, unknown> };
		};
		const total = [...svg.matchAll(/\((\d+)\)<\/text>/g)].reduce((a, m) => a + Number(m[1]), 0);
		expect(total).toBe(Object.keys(series.runs).length);
		expect(total).toBeLessThan(api.countries.length);
	});

	it('dims countries outside the region and names it; remittances use the value palette', async () => {
		const svg = await (
			await get('/embed.svg?layer=remittances&time=2023&region=africa&theme=dark&country=NGA')
		).text();
		assertWellFormed(svg);
		expect(svg).toContain('Remittances received in 2023: Africa');
		expect(svg).toContain('World Bank, World Development Indicators');
		expect(VALUE_COLORS).toContain(fillOf(svg, 'NGA'));
		expect(fillOf(svg, 'BRA')).toBe(fillOf(svg, 'RUS')); // both dimmed
		expect(VALUE_COLORS).not.toContain(fillOf(svg, 'BRA'));
	});

	it('draws corridors as arcs into the first selected country, crediting KNOMAD and OxCGRT', async () => {
		const svg = await (await get(`/embed.svg?layer=corridors&country=MEX&time=${DAY}`)).text();
		assertWellFormed(svg);
		expect(svg).toMatch(/data-from="USA" data-to="MEX"/);
		expect(svg).toContain('KNOMAD');
		expect(svg).toContain('Oxford COVID-19');
	});

	it('escapes text and refuses bad parameters with a message', async () => {
		const region = await get('/embed.svg?region=%3Cscript%3E');
		expect(region.status).toBe(400);
		const body = (await region.json()) as { error: string; accepted: object };
		expect(body.error).toMatch(/region/);
		expect(body.accepted).toBeTruthy();
		for (const bad of ['time=2020-02-30', 'layer=nope', 'width=10', 'width=abc', 'measure=x']) {
			const response = await get(`/embed.svg?${bad}`);
			expect(response.status, bad).toBe(400);
			expect(((await response.json()) as { error: string }).error, bad).toBeTruthy();
		}
		expect((await get('/embed.svg?country=ZZZ')).status).toBe(404);
	});

	it('answers 304 to a matching ETag', async () => {
		const first = await get('/embed.svg?time=2020-06-01');
		const etag = first.headers.get('etag');
		expect(etag).toBeTruthy();
		const again = await get('/embed.svg?time=2020-06-01', { headers: { 'if-none-match': etag! } });
		expect(again.status).toBe(304);
	});
});

describe('/embed.png', () => {
	it('is a PNG of the requested width whose countries have the palette colours', async () => {
		const response = await get(`/embed.png?time=${DAY}&width=1000`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('image/png');
		const bytes = Buffer.from(await response.arrayBuffer());
		expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		const png = PNG.sync.read(bytes);
		expect(png.width).toBe(1000);
		const svg = await (await get(`/embed.svg?time=${DAY}&width=1000`)).text();
		expect(png.height).toBe(Number(/height="(\d+)"/.exec(svg)![1]));
		const at = projector(svg);
		const api = (await (await get(`/api/border-status?date=${DAY}`)).json()) as {
			countries: { iso3: string; level: number | null }[];
		};
		for (const [iso3, lonLat] of Object.entries(INTERIOR)) {
			const level = api.countries.find((c) => c.iso3 === iso3)!.level!;
			expect(pixel(png, at(lonLat)), iso3).toBe(LEVELS[level]!.color);
		}
		// Text is drawn: the title band holds dark pixels on the light background.
		let dark = 0;
		for (let y = 20; y < 60; y++)
			for (let x = 20; x < 400; x++) if (pixel(png, [x, y]) < '#404040') dark++;
		expect(dark).toBeGreaterThan(500);
	});

	it('samples the remittance palette and the dark theme at other widths', async () => {
		const q = 'layer=remittances&time=2019&theme=dark&width=640';
		const png = PNG.sync.read(Buffer.from(await (await get(`/embed.png?${q}`)).arrayBuffer()));
		expect(png.width).toBe(640);
		const svg = await (await get(`/embed.svg?${q}`)).text();
		const at = projector(svg);
		for (const iso3 of ['BRA', 'RUS']) {
			expect(pixel(png, at(INTERIOR[iso3]!)), iso3).toBe(fillOf(svg, iso3));
		}
		expect(pixel(png, [5, 5])).toBe('#16171b');
	});

	it('fills a slide exactly: 1920×1080 on the dark background, the whole drawing inside', async () => {
		const q = `time=${DAY}&theme=dark&width=1920&height=1080`;
		const png = PNG.sync.read(Buffer.from(await (await get(`/embed.png?${q}`)).arrayBuffer()));
		expect([png.width, png.height]).toEqual([1920, 1080]);
		const svg = await (await get(`/embed.svg?${q}`)).text();
		assertWellFormed(svg);
		const scale = Number(/<g transform="translate\([\d. -]+\) scale\(([\d.]+)\)">/.exec(svg)![1]);
		// Taller than a slide at this width, so scaled to fit (not cropped), and centred.
		expect(scale).toBeGreaterThan(0.5);
		expect(scale).toBeLessThan(1);
		expect(pixel(png, [3, 540])).toBe('#16171b');
		expect(pixel(png, [1916, 540])).toBe('#16171b');
		// Russia's interior still has its level's colour, where the scaled projection puts it.
		const at = projector(svg);
		const [x, y] = at(INTERIOR.RUS!);
		const m = /translate\(([\d.]+) ([\d.]+)\) scale/.exec(svg)!;
		const onSlide: [number, number] = [Number(m[1]) + x * scale, Number(m[2]) + y * scale];
		expect(pixel(png, onSlide)).toBe(fillOf(svg, 'RUS'));
		expect((await get(`/embed.png?time=${DAY}&height=100`)).status).toBe(400);
	});

	it('is cached with an ETag', async () => {
		const first = await get('/embed.png?time=2021-01-01');
		const etag = first.headers.get('etag')!;
		expect(etag).toBeTruthy();
		expect(first.headers.get('cache-control')).toMatch(/must-revalidate/);
		const again = await get('/embed.png?time=2021-01-01', { headers: { 'if-none-match': etag } });
		expect(again.status).toBe(304);
	});
});

describe('/api/oembed', () => {
	it('describes a Crossings view as a rich iframe with the resize script and a thumbnail', async () => {
		const page = `${server.url}/embed?time=${DAY}&region=Africa&theme=dark`;
		const response = await get(`/api/oembed?url=${encodeURIComponent(page)}&maxwidth=600`);
		expect(response.status).toBe(200);
		const body = (await response.json()) as Record<string, string | number>;
		expect(body).toMatchObject({ type: 'rich', version: '1.0', provider_name: 'Crossings' });
		expect(body.width).toBe(600);
		expect(body.title).toBe('International travel controls on 15 April 2020: Africa');
		expect(body.html).toMatch(
			new RegExp(
				`<iframe src="${server.url}/embed\\?time=2020-04-15&amp;region=Africa&amp;theme=dark"`
			)
		);
		expect(body.html).toContain(`<script src="${server.url}/embed.js"`);
		const thumb = new URL(String(body.thumbnail_url));
		expect(thumb.pathname).toBe('/embed.png');
		expect(thumb.searchParams.get('width')).toBe(String(body.thumbnail_width));
		const png = PNG.sync.read(
			Buffer.from(await (await get(thumb.pathname + thumb.search)).arrayBuffer())
		);
		expect([png.width, png.height]).toEqual([body.thumbnail_width, body.thumbnail_height]);
	});

	it('refuses other sites (404), bad URLs (400) and XML (501)', async () => {
		const foreign = encodeURIComponent('https://example.com/embed?time=2020-04-15');
		expect((await get(`/api/oembed?url=${foreign}`)).status).toBe(404);
		const notAView = encodeURIComponent(`${server.url}/api/health`);
		expect((await get(`/api/oembed?url=${notAView}`)).status).toBe(404);
		expect((await get('/api/oembed?url=not%20a%20url')).status).toBe(400);
		expect((await get('/api/oembed')).status).toBe(400);
		const ours = encodeURIComponent(`${server.url}/embed`);
		expect((await get(`/api/oembed?url=${ours}&format=xml`)).status).toBe(501);
	});
});
