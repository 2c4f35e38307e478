/**
 * First map: how long a reader waits from navigation to a map with data, and how many bytes the
 * first load transfers, beside a bare MapLibre page drawing the same countries, in one run.
 *
 * - Crossings: the production entry (server.ts on build/) as a child process; each path in
 *   FIRST_MAP_PATHS (default `/embed`, `/embed?live=0` and `/`) is loaded in a fresh browser
 *   context (empty cache) at 1000×600; the time is `performance.now()` (from navigation start)
 *   when `[data-testid="map"]` first carries `data-ready="true"`.
 * - Baseline: a tiny node:http server in this process serving a bare HTML page that imports
 *   maplibre-gl from node_modules/maplibre-gl/dist and draws static/geo/countries-50m.json as
 *   GeoJSON (converted here, served by URL) with one constant fill; the time is the map's first
 *   `idle`.
 *
 * Bytes are what the server sent until the time above, counted by a TCP relay in front of
 * each server (so MapLibre's worker's own requests count, and cache hits do not). Chromium
 * treats loopback as secure and asks for brotli, which our server serves precompressed; the
 * bare server sends gzip.
 *
 * Run alone with `npm run bench -- --only first-map` or `npx tsx bench/firstMap.ts`.
 * FIRST_MAP_RUNS (default 7) sets the runs per page; FIRST_MAP_PATHS=/,/embed the paths.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import {
	connect,
	createServer as createNetServer,
	type AddressInfo,
	type Server as NetServer
} from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { launchChromium } from '../tests/support/browser.ts';
import { ROOT, startServer, type RunningServer } from '../tests/support/server.ts';

const RUNS = Number(process.env.FIRST_MAP_RUNS ?? 7);
const PATHS = (process.env.FIRST_MAP_PATHS ?? '/embed,/embed?live=0,/').split(',');
const VIEWPORT = { width: 1000, height: 600 };
const TIMEOUT_MS = 60_000;

const median = (values: number[]) => {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)]!;
};

/** The countries the app ships, as one GeoJSON file (what a bare MapLibre page would load). */
function countriesGeoJson(): string {
	const geo = join(ROOT, 'static/geo/countries-50m.geojson');
	if (existsSync(geo)) return readFileSync(geo, 'utf8');
	const topo = JSON.parse(readFileSync(join(ROOT, 'static/geo/countries-50m.json'), 'utf8')) as
		Topology<{ countries: GeometryCollection }> | { type: 'FeatureCollection' };
	if (topo.type === 'FeatureCollection') return JSON.stringify(topo);
	return JSON.stringify(feature(topo, topo.objects.countries));
}

const BARE_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>bare</title>
<link rel="stylesheet" href="/dist/maplibre-gl.css">
<style>html,body,#map{margin:0;width:100%;height:100%}</style></head>
<body><div id="map"></div>
<script type="module">
import { Map, setWorkerUrl } from '/dist/maplibre-gl.mjs';
setWorkerUrl('/dist/maplibre-gl-worker.mjs');
const map = new Map({
	container: 'map',
	style: {
		version: 8,
		sources: { countries: { type: 'geojson', data: '/countries.geojson' } },
		layers: [
			{ id: 'ocean', type: 'background', paint: { 'background-color': '#e3ebf1' } },
			{ id: 'fill', type: 'fill', source: 'countries', paint: { 'fill-color': '#4a7fb5' } },
			{ id: 'line', type: 'line', source: 'countries', paint: { 'line-color': '#fff', 'line-width': 0.6 } }
		]
	},
	bounds: [[-170, -57], [180, 78]],
	renderWorldCopies: false
});
map.once('idle', () => { window.__ready = performance.now(); });
</script></body></html>`;

/** The bare page, maplibre-gl's dist and the geometry, gzipped like a plain static server would. */
async function bareServer(): Promise<{ url: string; server: Server }> {
	const dist = join(ROOT, 'node_modules/maplibre-gl/dist');
	const geojson = gzipSync(countriesGeoJson());
	const server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0]!;
		const send = (body: Buffer, type: string) => {
			const gz = type === 'application/json' ? body : gzipSync(body);
			res.writeHead(200, { 'content-type': type, 'content-encoding': 'gzip' });
			res.end(gz);
		};
		if (path === '/') return send(Buffer.from(BARE_PAGE), 'text/html');
		if (path === '/countries.geojson') return send(geojson, 'application/json');
		const m = /^\/dist\/([\w.-]+\.(mjs|css))$/.exec(path);
		if (m && existsSync(join(dist, m[1]!))) {
			return send(readFileSync(join(dist, m[1]!)), m[2] === 'css' ? 'text/css' : 'text/javascript');
		}
		res.writeHead(404).end();
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** In the page from its start: the moment the map first says it is ready. */
const WATCH_READY = () => {
	const w = window as unknown as { __ready?: number };
	new MutationObserver((_, observer) => {
		if (document.querySelector('[data-testid="map"][data-ready="true"]')) {
			w.__ready ??= performance.now();
			observer.disconnect();
		}
	}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
};

/**
 * A TCP relay in front of a server that counts the bytes the server sends: what crossed the
 * wire, headers and all, whichever context asked (MapLibre's worker fetches its own script and
 * shapes, which Playwright's per-request sizes under-report, and the HTTP cache is seen as no
 * bytes rather than guessed).
 */
async function wireCounter(
	target: string
): Promise<{ url: string; sent: { bytes: number }; server: NetServer }> {
	const { hostname, port } = new URL(target);
	const sent = { bytes: 0 };
	const server = createNetServer((client) => {
		const upstream = connect(Number(port), hostname);
		upstream.on('data', (chunk: Buffer) => (sent.bytes += chunk.length));
		client.pipe(upstream).pipe(client);
		const end = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on('error', end).on('close', end);
		upstream.on('error', end).on('close', end);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent, server };
}

/** One load in a fresh context: milliseconds from navigation to ready, and bytes received. */
async function load(
	browser: Browser,
	url: string,
	sent: { bytes: number }
): Promise<{ ms: number; bytes: number }> {
	const context = await browser.newContext({ viewport: VIEWPORT });
	try {
		const page = await context.newPage();
		await page.addInitScript(WATCH_READY);
		sent.bytes = 0;
		await page.goto(url);
		const ms = (await (
			await page.waitForFunction(() => (window as unknown as { __ready?: number }).__ready, null, {
				timeout: TIMEOUT_MS,
				polling: 50
			})
		).jsonValue()) as number;
		return { ms, bytes: sent.bytes };
	} finally {
		await context.close();
	}
}

export async function runFirstMap(): Promise<void> {
	if (!existsSync(join(ROOT, 'build', 'handler.js'))) {
		console.log('\nfirst map: build/handler.js is missing: run `npm run build` first. Skipped.');
		process.exitCode = 1;
		return;
	}
	let server: RunningServer | undefined;
	let bare: Server | undefined;
	let browser: Browser | undefined;
	const relays: NetServer[] = [];
	try {
		let bareUrl: string;
		[server, { url: bareUrl, server: bare }, browser] = await Promise.all([
			startServer(),
			bareServer(),
			launchChromium()
		]);
		const [bareWire, appWire] = await Promise.all([wireCounter(bareUrl), wireCounter(server.url)]);
		relays.push(bareWire.server, appWire.server);
		const targets = [
			{ name: 'bare MapLibre', url: `${bareWire.url}/`, sent: bareWire.sent },
			...PATHS.map((p) => ({ name: `Crossings ${p}`, url: appWire.url + p, sent: appWire.sent }))
		];
		// One warm-up each (server routes loaded, Chromium's caches of code warm), then
		// interleaved runs so load on the machine hits every page alike.
		for (const t of targets) await load(browser, t.url, t.sent);
		const samples = new Map(targets.map((t) => [t.name, [] as { ms: number; bytes: number }[]]));
		for (let i = 0; i < RUNS; i++) {
			for (const t of targets) samples.get(t.name)!.push(await load(browser, t.url, t.sent));
		}
		const bareMs = median(samples.get('bare MapLibre')!.map((s) => s.ms));
		console.log(
			`\nfirst map with data, ${VIEWPORT.width}×${VIEWPORT.height}, median of ${RUNS} fresh loads`
		);
		for (const t of targets) {
			const s = samples.get(t.name)!;
			const ms = median(s.map((x) => x.ms));
			const kb = median(s.map((x) => x.bytes)) / 1000;
			console.log(
				`${t.name.padEnd(20)} ${ms.toFixed(0).padStart(6)} ms  ` +
					`(min ${Math.min(...s.map((x) => x.ms)).toFixed(0)}, max ${Math.max(...s.map((x) => x.ms)).toFixed(0)})  ` +
					`${kb.toFixed(0).padStart(5)} KB transferred  ratio ${(ms / bareMs).toFixed(2)}×`
			);
		}
	} finally {
		await browser?.close();
		for (const relay of relays) relay.close();
		bare?.close();
		await server?.stop();
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	await runFirstMap();
}
