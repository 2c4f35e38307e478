/**
 * Build-time generator for the map's country shapes.
 *
 * world-atlas ships "stitched" spherical geometry: countries that straddle the antimeridian
 * (Russia, Fiji, Antarctica, the Aleutians, Kiribati...) are single rings that jump from +180 to
 * -180. Renderers that treat coordinates as planar (MapLibre, plain canvas) draw those jumps as
 * streaks across the whole map, so we cut every ring at ±180 once, here, and key each shape by
 * ISO alpha-3 so the client never has to know about ISO numeric codes.
 *
 * Run with `npm run geometry`; writes static/geo/countries-50m.json, a simplified overview of
 * it for small zooms (static/geo/countries-overview.json) and, for the page, each
 * country's anchor point and main-part box in static/geo/countries-meta.json (both gitignored),
 * so the browser never decodes the shapes on its main thread.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { geoArea, geoBounds, geoCentroid, geoEquirectangular } from 'd3-geo';
import { geoProject } from 'd3-geo-projection';
import { feature, quantize } from 'topojson-client';
import { topology } from 'topojson-server';
import { presimplify, simplify } from 'topojson-simplify';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import type { GeometryCollection, Objects, Topology } from 'topojson-specification';
import type { CountryMeta } from '../src/lib/map/geometry.ts';
import { iso3ForFeature, numericToAlpha3, type IsoRow } from '../src/lib/domain/worldAtlasCodes.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WORLD_ATLAS_PATH = join(ROOT, 'node_modules/world-atlas/countries-50m.json');
export const ISO_CSV_PATH = join(ROOT, 'data/reference/iso3166-countries.csv');
export const OUTPUT_PATH = join(ROOT, 'static/geo/countries-50m.json');
export const META_PATH = join(ROOT, 'static/geo/countries-meta.json');
export const OVERVIEW_PATH = join(ROOT, 'static/geo/countries-overview.json');
export const QUANTIZATION = 1e5;
/**
 * The overview drawn below DETAIL_ZOOM (a world or continent on one screen): points whose
 * Visvalingam triangle is under 0.01 square degrees go (a third of a pixel at zoom 2), on a
 * 3e4 grid, the coarsest that keeps every country (Vatican City vanishes at 1e4). A third of
 * the detailed file's bytes, and a third of the worker's tiling work on first paint.
 */
export const OVERVIEW_MIN_WEIGHT = 0.01;
export const OVERVIEW_QUANTIZATION = 3e4;

// The ISO numeric → alpha-3 keying is shared with the server's image renderer.
export { iso3ForFeature, numericToAlpha3, type IsoRow };

export interface CountryProperties {
	iso3: string;
	name: string;
}

export type CountryFeature = Feature<Polygon | MultiPolygon, CountryProperties> & { id: number };
export type CountryCollection = FeatureCollection<Polygon | MultiPolygon, CountryProperties> & {
	features: CountryFeature[];
};
export type WorldAtlasTopology = Topology<{
	countries: GeometryCollection<{ name: string }>;
}>;
export type CountryTopology = Topology<{ countries: GeometryCollection<CountryProperties> }> & {
	generator: string;
};

export function parseIsoCsv(text: string): IsoRow[] {
	// cast: false keeps "076" as a string and Namibia's alpha-2 "NA" as a code, not a missing value.
	const records = parse(text, {
		columns: true,
		cast: false,
		skip_empty_lines: true,
		trim: true
	}) as Record<string, string>[];
	return records.map((r, i) => {
		const row = {
			name: r['name'] ?? '',
			'alpha-2': r['alpha-2'] ?? '',
			'alpha-3': r['alpha-3'] ?? '',
			'country-code': r['country-code'] ?? ''
		};
		// A spreadsheet round-trip silently turns "076" into 76; refuse rather than mis-key Brazil.
		if (!/^\d{3}$/.test(row['country-code']) || !/^[A-Z]{3}$/.test(row['alpha-3'])) {
			throw new Error(`iso3166 CSV line ${i + 2}: bad codes ${JSON.stringify(row)}`);
		}
		return row;
	});
}

export function readWorldAtlas(path = WORLD_ATLAS_PATH): WorldAtlasTopology {
	return JSON.parse(readFileSync(path, 'utf8')) as WorldAtlasTopology;
}

export function readIsoRows(path = ISO_CSV_PATH): IsoRow[] {
	return parseIsoCsv(readFileSync(path, 'utf8'));
}

export function worldAtlasVersion(): string {
	const pkg = JSON.parse(
		readFileSync(join(ROOT, 'node_modules/world-atlas/package.json'), 'utf8')
	) as { version: string };
	return pkg.version;
}

/** Raw world-atlas features, still stitched across the antimeridian. */
export function worldAtlasFeatures(
	atlas: WorldAtlasTopology
): Feature<Polygon | MultiPolygon, { name: string }>[] {
	const fc = feature(atlas, atlas.objects.countries);
	return fc.features.map((f) => {
		if (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon') {
			throw new Error(`world-atlas feature ${f.properties.name}: unexpected ${f.geometry.type}`);
		}
		return f as Feature<Polygon | MultiPolygon, { name: string }>;
	});
}

/**
 * Identity projection in degrees: x = longitude, y = -latitude. Its only effect is d3's default
 * antimeridian clipping. We deliberately do not use reflectY(true): geoProject decides which
 * rings are holes by their planar winding in screen space (y down), and reflecting would invert
 * that, turning every lake/enclave (e.g. Lesotho inside South Africa) into a filled polygon.
 */
function antimeridianCutter() {
	return geoEquirectangular()
		.scale(180 / Math.PI)
		.translate([0, 0])
		.precision(0);
}

// Degrees -> radians -> degrees leaves the cut edge at 180.00000000000003 and the like.
function snap(value: number, limit: number): number {
	return Math.abs(Math.abs(value) - limit) < 1e-9 ? Math.sign(value) * limit : value;
}

function toLonLat([x, y]: Position): Position {
	return [snap(x ?? NaN, 180), snap(-(y ?? NaN), 90)];
}

// d3's clip output repeats the closing vertex (and geoProject appends another); keep rings tidy.
function dropRepeats(ring: Position[]): Position[] {
	const out = ring.filter(
		(p, i) => i === 0 || p[0] !== ring[i - 1]![0] || p[1] !== ring[i - 1]![1]
	);
	const first = out[0]!;
	const last = out[out.length - 1]!;
	if (first[0] !== last[0] || first[1] !== last[1]) out.push([first[0]!, first[1]!]);
	return out;
}

/** Cuts a (stitched, spherical) polygon at ±180 and returns its planar parts, in lon/lat. */
export function cutAtAntimeridian(geometry: Polygon | MultiPolygon, label: string): Position[][][] {
	const projected = geoProject(
		{ type: 'Feature', properties: null, geometry },
		antimeridianCutter()
	).geometry;
	if (projected === null) throw new Error(`${label}: geometry vanished when cut at ±180`);
	let polygons: Position[][][];
	if (projected.type === 'Polygon') polygons = [projected.coordinates];
	else if (projected.type === 'MultiPolygon') polygons = projected.coordinates;
	else throw new Error(`${label}: cutting produced a ${projected.type}`);
	return polygons.map((polygon) => polygon.map((ring) => dropRepeats(ring.map(toLonLat))));
}

/**
 * Pure core: world-atlas topology + ISO rows -> one antimeridian-safe feature per iso3, with
 * sequential ids in iso3 order so the output is byte-for-byte reproducible.
 */
export function buildCountryGeometry(
	atlas: WorldAtlasTopology,
	isoRows: IsoRow[]
): CountryCollection {
	const alpha3ByNumeric = numericToAlpha3(isoRows);
	// Several world-atlas features can share an ISO code (Ashmore and Cartier Is. is "036",
	// Australia); the map colours by country, so they become parts of one feature.
	const groups = new Map<string, { polygons: Position[][][]; name: string; area: number }>();
	for (const f of worldAtlasFeatures(atlas)) {
		const name = f.properties.name;
		const iso3 = iso3ForFeature(f.id, name, alpha3ByNumeric);
		const polygons = cutAtAntimeridian(f.geometry, `${name} (${iso3})`);
		const area = geoArea(f);
		const group = groups.get(iso3);
		if (!group) {
			groups.set(iso3, { polygons, name, area });
		} else {
			group.polygons.push(...polygons);
			// The merged feature is named after its main territory, not its smallest islet.
			if (area > group.area) {
				group.name = name;
				group.area = area;
			}
		}
	}
	const iso3s = [...groups.keys()].sort();
	const features = iso3s.map((iso3, id): CountryFeature => {
		const { polygons, name } = groups.get(iso3)!;
		const geometry: Polygon | MultiPolygon =
			polygons.length === 1
				? { type: 'Polygon', coordinates: polygons[0]! }
				: { type: 'MultiPolygon', coordinates: polygons };
		return { type: 'Feature', id, properties: { iso3, name }, geometry };
	});
	return { type: 'FeatureCollection', features };
}

/** Re-encodes as quantized TopoJSON, with provenance. */
export function encodeTopology(countries: CountryCollection, generator: string): CountryTopology {
	const raw = topology({ countries }) as Topology<{
		countries: GeometryCollection<CountryProperties>;
	}>;
	const { type, ...rest } = quantize(raw, QUANTIZATION);
	// Generator right after type so a human opening the file sees where it came from.
	return { type, generator, ...rest };
}

/**
 * Simplification drops every interior point under the weight, so an island drawn as one
 * closed arc would shrink to a line and a small country would vanish from the map (35 of them
 * at this weight). Each closed arc keeps its two heaviest interior points (a triangle at
 * least) and every other arc its heaviest one, so every ring keeps an area; points on the
 * map's edges stay, so cut edges stay on them.
 */
function keepEveryRing<T extends Topology<Objects<CountryProperties>>>(topo: T): T {
	for (const arc of topo.arcs) {
		const first = arc[0]!;
		const last = arc[arc.length - 1]!;
		const closed = first[0] === last[0] && first[1] === last[1];
		const heaviest = arc.slice(1, -1).sort((a, b) => (b[2] ?? 0) - (a[2] ?? 0));
		for (const point of heaviest.slice(0, closed ? 2 : 1)) point[2] = Infinity;
		// The cuts at ±180 and Antarctica's edge along the pole (-89.999 in world-atlas) are
		// straight lines to a simplifier; without their points the edge would span 360° in one
		// step.
		for (const point of arc) {
			if (Math.abs(point[0]!) === 180 || point[1]! < -89.99) point[2] = Infinity;
		}
	}
	return topo;
}

/** The overview shapes: simplified for small zooms, every country still present. */
export function encodeOverview(countries: CountryCollection, generator: string): CountryTopology {
	const raw = topology({ countries }) as Topology<{
		countries: GeometryCollection<CountryProperties>;
	}>;
	const simplified = simplify(keepEveryRing(presimplify(raw)), OVERVIEW_MIN_WEIGHT);
	const { type, ...rest } = quantize(simplified, OVERVIEW_QUANTIZATION);
	return { type, generator: `${generator}, simplified for an overview`, ...rest };
}

export function generatorNote(version = worldAtlasVersion()): string {
	return (
		`scripts/build-geometry.ts from world-atlas@${version} countries-50m ` +
		'(Natural Earth, public domain)'
	);
}

/** The exact text `npm run geometry` writes, so tests can decode what ships. */
export function serializeCountries(countries: CountryCollection): string {
	return JSON.stringify(encodeTopology(countries, generatorNote()));
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Per country: the centroid of its largest part (to anchor arcs) and that part's box (to frame
 * regions). Parts are cut at ±180, so each box has west ≤ east.
 */
export function countryMeta(countries: CountryCollection): CountryMeta[] {
	return countries.features.map((f) => {
		const parts = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
		let main: Polygon | null = null;
		let mainArea = -1;
		for (const rings of parts) {
			const polygon: Polygon = { type: 'Polygon', coordinates: rings };
			const area = geoArea(polygon);
			if (area > mainArea) [main, mainArea] = [polygon, area];
		}
		const [lng, lat] = geoCentroid(main!);
		const [[w, south], [e, north]] = geoBounds(main!);
		let [west, east] = [w, e];
		// A part that touches ±180 may come back wrapped; its planar box is what frames it.
		if (west > east) {
			const lngs = main!.coordinates[0]!.map((p) => p[0]!);
			[west, east] = [Math.min(...lngs), Math.max(...lngs)];
		}
		return {
			iso3: f.properties.iso3,
			anchor: [round(lng), round(lat)],
			box: [round(west), round(south), round(east), round(north)]
		};
	});
}

function main(): void {
	const start = performance.now();
	const countries = buildCountryGeometry(readWorldAtlas(), readIsoRows());
	const json = serializeCountries(countries);
	mkdirSync(dirname(OUTPUT_PATH), { recursive: true });
	writeFileSync(OUTPUT_PATH, json);
	writeFileSync(META_PATH, JSON.stringify(countryMeta(countries)));
	const overview = JSON.stringify(encodeOverview(countries, generatorNote()));
	writeFileSync(OVERVIEW_PATH, overview);
	const ms = Math.round(performance.now() - start);
	const bytes = Buffer.byteLength(json);
	console.log(
		`geometry: ${countries.features.length} features, ${bytes} bytes -> ${relative(ROOT, OUTPUT_PATH)}, ` +
			`overview ${Buffer.byteLength(overview)} bytes (${ms} ms)`
	);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main();
}
