/**
 * Country shapes for server-drawn maps: the world-atlas 50m topology (the same source as the
 * map's geometry, keyed by ISO3 the same way: see worldAtlasCodes.ts), read once, projected
 * with Equal Earth (a print projection) and turned into SVG paths once per width.
 *
 * d3-geo projects the stitched spherical geometry itself and clips it at the antimeridian, so
 * Russia, Fiji and the Aleutians draw without streaks and need no pre-cut copy.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoArea, geoCentroid, geoEqualEarth, geoPath, type GeoProjection } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { REFERENCE_COUNTRIES } from '../db/reference/countries.generated.ts';
import { iso3ForFeature, numericToAlpha3 } from '../../domain/worldAtlasCodes.ts';

type CountryGeometry = Polygon | MultiPolygon;

interface Country {
	iso3: string;
	features: Feature<CountryGeometry>[];
	/** [lon, lat] of the largest part's centroid: where arcs start and end. */
	anchor: [number, number];
}

/** Antarctica would take a fifth of the image and carries no data. */
const LEFT_OUT = new Set(['ATA']);

let countries: Country[] | null = null;

function loadCountries(): Country[] {
	const path = createRequire(import.meta.url).resolve('world-atlas/countries-50m.json');
	const atlas = JSON.parse(readFileSync(path, 'utf8')) as Topology<{
		countries: GeometryCollection<{ name: string }>;
	}>;
	const alpha3 = numericToAlpha3(
		REFERENCE_COUNTRIES.filter((c) => c.numeric && /^\d{3}$/.test(c.numeric)).map((c) => ({
			name: c.name,
			'alpha-2': c.iso2 ?? '',
			'alpha-3': c.iso3,
			'country-code': c.numeric!
		}))
	);
	const byIso3 = new Map<string, Feature<CountryGeometry>[]>();
	for (const f of feature(atlas, atlas.objects.countries).features) {
		const g = f.geometry;
		if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) continue;
		const iso3 = iso3ForFeature(f.id, f.properties.name, alpha3);
		if (LEFT_OUT.has(iso3)) continue;
		const list = byIso3.get(iso3) ?? [];
		list.push(f as Feature<CountryGeometry>);
		byIso3.set(iso3, list);
	}
	return [...byIso3].map(([iso3, features]) => {
		const parts = features.flatMap((f) =>
			f.geometry.type === 'Polygon'
				? [f.geometry.coordinates]
				: (f.geometry as MultiPolygon).coordinates
		);
		const largest = parts
			.map((coordinates) => ({ type: 'Polygon' as const, coordinates }))
			.reduce((a, b) => (geoArea(b) > geoArea(a) ? b : a));
		return { iso3, features, anchor: geoCentroid(largest) as [number, number] };
	});
}

export function worldCountries(): Country[] {
	return (countries ??= loadCountries());
}

export interface ProjectedWorld {
	width: number;
	height: number;
	projection: GeoProjection;
	/** iso3 → SVG path data. */
	paths: Map<string, string>;
	anchors: Map<string, [number, number]>;
	/** A great-circle arc between two countries' anchors, clipped like the countries. */
	arc(from: string, to: string): string | null;
}

const MAX_WIDTHS = 8;
const projected = new Map<number, ProjectedWorld>();

/** The world drawn `width` pixels wide; its height follows from the projection. */
export function projectedWorld(width: number): ProjectedWorld {
	const cached = projected.get(width);
	if (cached) {
		projected.delete(width);
		projected.set(width, cached);
		return cached;
	}
	const list = worldCountries();
	const all: FeatureCollection<CountryGeometry> = {
		type: 'FeatureCollection',
		features: list.flatMap((c) => c.features)
	};
	const projection = geoEqualEarth().fitWidth(width, all);
	const path = geoPath(projection).digits(1);
	const [[, y0], [, y1]] = path.bounds(all);
	projection.translate([projection.translate()[0], projection.translate()[1] - y0]);
	const paths = new Map<string, string>();
	for (const c of list) {
		paths.set(c.iso3, c.features.map((f) => path(f) ?? '').join(''));
	}
	const anchors = new Map(list.map((c) => [c.iso3, c.anchor]));
	const world: ProjectedWorld = {
		width,
		height: Math.ceil(y1 - y0),
		projection,
		paths,
		anchors,
		arc(from, to) {
			const a = anchors.get(from);
			const b = anchors.get(to);
			if (!a || !b) return null;
			const line: LineString = { type: 'LineString', coordinates: [a, b] };
			return path(line);
		}
	};
	projected.set(width, world);
	if (projected.size > MAX_WIDTHS) projected.delete(projected.keys().next().value!);
	return world;
}
