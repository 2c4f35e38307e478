// d3-geo-projection ships no type declarations; this covers only what the build scripts use.
declare module 'd3-geo-projection' {
	import type { GeoStreamWrapper } from 'd3-geo';
	import type { Feature, FeatureCollection, GeoJsonProperties, Geometry } from 'geojson';

	/**
	 * Streams a GeoJSON object through a projection and returns GeoJSON in projected (planar)
	 * coordinates. Geometries that are clipped away entirely come back as null.
	 */
	export function geoProject<P extends GeoJsonProperties>(
		object: Feature<Geometry, P>,
		projection: GeoStreamWrapper
	): Feature<Geometry | null, P>;
	export function geoProject<P extends GeoJsonProperties>(
		object: FeatureCollection<Geometry, P>,
		projection: GeoStreamWrapper
	): FeatureCollection<Geometry | null, P>;
	export function geoProject(object: Geometry, projection: GeoStreamWrapper): Geometry | null;
}
