import { geoInterpolate } from 'd3-geo';
import type { Feature, FeatureCollection, MultiLineString } from 'geojson';

export interface ArcProperties {
	from: string;
	to: string;
	value: number;
	/** The partner's border-status level on the chosen day (-1: no data). */
	level: number;
	rank: number;
	/** A COBAP ban in force between the two on the chosen day (drawn as an amber casing). */
	banned: boolean;
}

/**
 * A great-circle arc between two points as a MultiLineString in lon/lat, cut where it
 * crosses ±180° so that no segment streaks across the whole map.
 */
export function greatCircle(
	from: [number, number],
	to: [number, number],
	steps = 64
): [number, number][][] {
	const at = geoInterpolate(from, to);
	const parts: [number, number][][] = [[]];
	let previous: [number, number] | null = null;
	for (let i = 0; i <= steps; i++) {
		const point = at(i / steps) as [number, number];
		if (previous && Math.abs(point[0] - previous[0]) > 180) {
			// Close this part on the meridian and open the next one on the other side.
			const east = previous[0] > 0 ? 180 : -180;
			const span = 360 - Math.abs(point[0] - previous[0]);
			const t = (east - previous[0]) / (east > 0 ? span : -span);
			const lat = previous[1] + (point[1] - previous[1]) * Math.abs(t);
			parts.at(-1)!.push([east, lat]);
			parts.push([[-east, lat]]);
		}
		parts.at(-1)!.push(point);
		previous = point;
	}
	return parts.filter((p) => p.length > 1);
}

export function corridorArcs(
	corridors: readonly {
		from: string;
		to: string;
		value: number;
		level: number | null;
		ban?: unknown;
	}[],
	anchor: (iso3: string) => [number, number] | undefined
): FeatureCollection<MultiLineString, ArcProperties> {
	const features: Feature<MultiLineString, ArcProperties>[] = [];
	corridors.forEach((c, rank) => {
		const a = anchor(c.from);
		const b = anchor(c.to);
		if (!a || !b) return;
		features.push({
			type: 'Feature',
			properties: {
				from: c.from,
				to: c.to,
				value: c.value,
				level: c.level ?? -1,
				rank,
				banned: Boolean(c.ban)
			},
			geometry: { type: 'MultiLineString', coordinates: greatCircle(a, b) }
		});
	});
	return { type: 'FeatureCollection', features };
}
