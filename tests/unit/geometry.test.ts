import { describe, it, expect } from 'vitest';
import { geoArea } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import {
	buildCountryGeometry,
	encodeOverview,
	generatorNote,
	iso3ForFeature,
	numericToAlpha3,
	readIsoRows,
	readWorldAtlas,
	serializeCountries,
	worldAtlasFeatures,
	type CountryProperties
} from '../../scripts/build-geometry.ts';

// Built once: the real inputs are what ships, and one build takes a fraction of a second.
const atlas = readWorldAtlas();
const isoRows = readIsoRows();
const countries = buildCountryGeometry(atlas, isoRows);
const byIso3 = new Map(countries.features.map((f) => [f.properties.iso3, f]));

function polygonsOf(geometry: Polygon | MultiPolygon): Position[][][] {
	return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

function ringsOf(geometry: Polygon | MultiPolygon): Position[][] {
	return polygonsOf(geometry).flat();
}

/** Largest longitude jump between consecutive vertices; > 180 draws a streak across the map. */
function maxLonStep(geometry: Polygon | MultiPolygon): number {
	let max = 0;
	for (const ring of ringsOf(geometry)) {
		for (let i = 1; i < ring.length; i++) {
			max = Math.max(max, Math.abs(ring[i]![0]! - ring[i - 1]![0]!));
		}
	}
	return max;
}

function lons(geometry: Polygon | MultiPolygon): number[] {
	return ringsOf(geometry).flatMap((ring) => ring.map((p) => p[0]!));
}

function get(iso3: string) {
	const f = byIso3.get(iso3);
	if (!f) throw new Error(`no feature for ${iso3}`);
	return f;
}

describe('ISO mapping', () => {
	it('reads codes as strings, keeping leading zeros and Namibia’s "NA"', () => {
		const alpha3 = numericToAlpha3(isoRows);
		expect(alpha3.get('076')).toBe('BRA');
		expect(alpha3.get('516')).toBe('NAM');
		expect(alpha3.get('250')).toBe('FRA');
		expect(isoRows.find((r) => r['alpha-3'] === 'NAM')?.['alpha-2']).toBe('NA');
	});

	it('maps Namibia, France and the uncoded Kosovo', () => {
		expect(get('NAM').properties.name).toBe('Namibia');
		expect(get('FRA').properties.name).toBe('France');
		expect(countries.features.find((f) => f.properties.name === 'Kosovo')?.properties.iso3).toBe(
			'XKX'
		);
	});

	it('fails loudly on a feature it cannot map', () => {
		const alpha3 = numericToAlpha3(isoRows);
		expect(() => iso3ForFeature('999', 'Atlantis', alpha3)).toThrow(/Atlantis/);
		expect(() => iso3ForFeature(undefined, 'Atlantis', alpha3)).toThrow(/Atlantis/);
	});
});

describe('buildCountryGeometry', () => {
	it('gives every feature a unique iso3 and a sequential numeric id in iso3 order', () => {
		const iso3s = countries.features.map((f) => f.properties.iso3);
		expect(new Set(iso3s).size).toBe(iso3s.length);
		expect(iso3s).toEqual([...iso3s].sort());
		countries.features.forEach((f, i) => {
			expect(f.id).toBe(i);
			expect(f.properties.iso3).toMatch(/^[A-Z]{3}$/);
		});
		for (const iso3 of ['RUS', 'FJI', 'ATA', 'USA', 'KIR', 'NZL'])
			expect(byIso3.has(iso3)).toBe(true);
	});

	it('merges world-atlas features that share an ISO code (Ashmore and Cartier Is. -> AUS)', () => {
		expect(worldAtlasFeatures(atlas).filter((f) => f.id === '036')).toHaveLength(2);
		expect(get('AUS').properties.name).toBe('Australia');
	});

	it('the streak test catches the raw, stitched world-atlas rings', () => {
		const raw = worldAtlasFeatures(atlas);
		for (const id of ['643', '242']) {
			const f = raw.find((r) => r.id === id)!;
			expect(maxLonStep(f.geometry), f.properties.name).toBeGreaterThan(180);
		}
	});

	it('leaves no ring jumping across the antimeridian', () => {
		for (const f of countries.features) {
			expect(maxLonStep(f.geometry), f.properties.iso3).toBeLessThanOrEqual(180);
		}
	});

	it('keeps every coordinate in lon/lat degree range', () => {
		for (const f of countries.features) {
			const rings = ringsOf(f.geometry);
			// One expect per feature: per-vertex expects take seconds over ~400k vertices.
			const bad = rings
				.flat()
				.filter(([lon, lat]) => !(Math.abs(lon!) <= 180 && Math.abs(lat!) <= 90));
			expect(bad, f.properties.iso3).toEqual([]);
			const open = rings.filter((r) => r.length < 4 || r[0]!.join() !== r[r.length - 1]!.join());
			expect(open, f.properties.iso3).toEqual([]);
		}
	});

	it('cuts Chukotka: Russia has parts on both edges of the map', () => {
		const rus = lons(get('RUS').geometry);
		expect(rus).toContain(180);
		expect(rus).toContain(-180);
	});

	it('turns Antarctica into one band along the bottom of the map', () => {
		const [main] = [...polygonsOf(get('ATA').geometry)].sort((a, b) => b[0]!.length - a[0]!.length);
		// world-atlas encodes it as a tiny polar-cap ring with the coastline as a hole; cut, it
		// must be a single plain ring.
		expect(main).toHaveLength(1);
		const ring = main![0]!;
		const ringLons = ring.map((p) => p[0]!);
		expect(Math.min(...ringLons)).toBe(-180);
		expect(Math.max(...ringLons)).toBe(180);
		expect(Math.min(...ring.map((p) => p[1]!))).toBeLessThan(-89.9);
		// The Peninsula tops out near -63°; a ring reaching further north would be a botched cut.
		expect(Math.max(...ring.map((p) => p[1]!))).toBeLessThan(-60);
	});

	it('preserves every country’s spherical area (so holes and winding survived the cut)', () => {
		const alpha3 = numericToAlpha3(isoRows);
		const rawArea = new Map<string, number>();
		for (const f of worldAtlasFeatures(atlas)) {
			const iso3 = iso3ForFeature(f.id, f.properties.name, alpha3);
			rawArea.set(iso3, (rawArea.get(iso3) ?? 0) + geoArea(f));
		}
		for (const f of countries.features) {
			const expected = rawArea.get(f.properties.iso3)!;
			// d3's clip nudges vertices lying exactly on ±180 by ~1e-4°; Fiji loses ~0.1 km².
			expect(Math.abs(geoArea(f) - expected), f.properties.iso3).toBeLessThan(
				1e-8 + 1e-5 * expected
			);
		}
	});

	it('is deterministic', () => {
		const again = buildCountryGeometry(atlas, isoRows);
		expect(JSON.stringify(again)).toBe(JSON.stringify(countries));
	});
});

describe('written TopoJSON', () => {
	const json = serializeCountries(countries);
	const topology = JSON.parse(json) as Topology<{
		countries: GeometryCollection<CountryProperties>;
	}> & { generator: string };
	const decoded = feature(topology, topology.objects.countries).features as Feature<
		Polygon | MultiPolygon,
		CountryProperties
	>[];

	it('records its provenance and is quantized', () => {
		expect(topology.generator).toMatch(/^scripts\/build-geometry\.ts from world-atlas@\d/);
		expect(topology.transform).toBeDefined();
	});

	it('decodes to the same features', () => {
		expect(decoded).toHaveLength(countries.features.length);
		decoded.forEach((f, i) => {
			expect(f.id).toBe(i);
			expect(f.properties).toEqual(countries.features[i]!.properties);
		});
	});

	it('keeps the cut edges on ±180 and no streaks after quantization', () => {
		for (const f of decoded) {
			expect(maxLonStep(f.geometry), f.properties.iso3).toBeLessThanOrEqual(180);
			const outside = lons(f.geometry).filter((lon) => Math.abs(lon) > 180 + 1e-9);
			expect(outside, f.properties.iso3).toEqual([]);
		}
		const rus = lons(decoded.find((f) => f.properties.iso3 === 'RUS')!.geometry);
		expect(Math.max(...rus)).toBeCloseTo(180, 3);
		expect(Math.min(...rus)).toBeCloseTo(-180, 3);
	});
});

describe('overview TopoJSON (drawn below DETAIL_ZOOM)', () => {
	const json = JSON.stringify(encodeOverview(countries, generatorNote()));
	const topology = JSON.parse(json) as Topology<{
		countries: GeometryCollection<CountryProperties>;
	}>;
	const decoded = feature(topology, topology.objects.countries).features as Feature<
		Polygon | MultiPolygon,
		CountryProperties
	>[];
	/** A ring a renderer fills: at least three distinct points. */
	const hasArea = (ring: Position[]) => new Set(ring.map((p) => p.join())).size >= 3;

	it('is at most half the detailed file', () => {
		expect(json.length).toBeLessThan(serializeCountries(countries).length / 2);
	});

	it('keeps every country, and every ring of it, with an area', () => {
		expect(decoded.map((f) => f.properties.iso3)).toEqual(
			countries.features.map((f) => f.properties.iso3)
		);
		for (const f of decoded) {
			const rings = ringsOf(f.geometry);
			expect(
				rings.filter((r) => !hasArea(r)),
				f.properties.iso3
			).toEqual([]);
		}
		// The smallest at 1:50m: Vatican City, Monaco, Nauru.
		for (const iso3 of ['VAT', 'MCO', 'NRU']) {
			expect(ringsOf(decoded.find((f) => f.properties.iso3 === iso3)!.geometry).length).toBe(
				ringsOf(get(iso3).geometry).length
			);
		}
	});

	it('stays within a fraction of a pixel at zoom 2: areas within 5% for large countries', () => {
		for (const iso3 of ['BRA', 'FRA', 'EGY', 'IDN', 'CHL']) {
			const detailed = geoArea(get(iso3));
			const simplified = geoArea(decoded.find((f) => f.properties.iso3 === iso3)!);
			expect(Math.abs(simplified / detailed - 1), iso3).toBeLessThan(0.05);
		}
	});

	it('has no streaks across the antimeridian', () => {
		for (const f of decoded) {
			expect(maxLonStep(f.geometry), f.properties.iso3).toBeLessThanOrEqual(180);
		}
	});
});
