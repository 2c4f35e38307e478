import { describe, expect, it } from 'vitest';
import { corridorArcs, greatCircle } from '../../src/lib/map/arcs.ts';

const jumps = (parts: [number, number][][]) =>
	parts.flatMap((p) => p.slice(1).map((q, i) => Math.abs(q[0] - p[i]![0]))).filter((d) => d > 180);

describe('corridor arcs', () => {
	it('follows the great circle between two points', () => {
		const [part] = greatCircle([-99.1, 19.4], [-118.2, 34.1]);
		expect(part![0]![0]).toBeCloseTo(-99.1, 6);
		expect(part![0]![1]).toBeCloseTo(19.4, 6);
		expect(part!.at(-1)![0]).toBeCloseTo(-118.2, 6);
		expect(part!.at(-1)![1]).toBeCloseTo(34.1, 6);
	});

	it('is cut at the antimeridian instead of streaking across the map', () => {
		// Manila to Los Angeles crosses 180°.
		const parts = greatCircle([121, 14.6], [-118.2, 34.1]);
		expect(parts).toHaveLength(2);
		expect(parts[0]!.at(-1)![0]).toBe(180);
		expect(parts[1]![0]![0]).toBe(-180);
		expect(parts[0]!.at(-1)![1]).toBeCloseTo(parts[1]![0]![1], 9);
		expect(jumps(parts)).toEqual([]);
		// And Fiji to Tonga, close to the line on both sides.
		expect(jumps(greatCircle([178.4, -18.1], [-175.2, -21.1]))).toEqual([]);
	});

	it('ranks arcs and carries the partner level and any ban, skipping places without an anchor', () => {
		const anchors: Record<string, [number, number]> = {
			USA: [-98, 39],
			MEX: [-102, 23],
			GTM: [-90, 15]
		};
		const arcs = corridorArcs(
			[
				{ from: 'USA', to: 'MEX', value: 30e9, level: 3, ban: null },
				{ from: 'XXX', to: 'MEX', value: 1e6, level: null },
				{ from: 'GTM', to: 'MEX', value: 1e7, level: 4, ban: { citizens: true } }
			],
			(iso3) => anchors[iso3]
		);
		expect(arcs.features.map((f) => f.properties)).toEqual([
			{ from: 'USA', to: 'MEX', value: 30e9, level: 3, rank: 0, banned: false },
			{ from: 'GTM', to: 'MEX', value: 1e7, level: 4, rank: 2, banned: true }
		]);
	});
});
