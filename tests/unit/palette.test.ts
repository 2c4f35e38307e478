import { lab, rgb } from 'd3-color';
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../../src/lib/domain/borderStatus.ts';

// Machado, Oliveira & Fernandes (2009) simulation matrices, severity 1.0, in linear RGB.
const SIMULATIONS: Record<string, number[][] | null> = {
	normal: null,
	deuteranopia: [
		[0.367322, 0.860646, -0.227968],
		[0.280085, 0.672501, 0.047413],
		[-0.01182, 0.04294, 0.968881]
	],
	protanopia: [
		[0.152286, 1.052583, -0.204868],
		[0.114503, 0.786281, 0.099216],
		[-0.003882, -0.048116, 1.051998]
	],
	tritanopia: [
		[1.255528, -0.076749, -0.178779],
		[-0.078411, 0.930809, 0.147602],
		[0.004733, 0.691367, 0.3039]
	]
};

const toLinear = (c: number) => {
	const v = c / 255;
	return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const toSrgb = (v: number) => {
	const c = Math.min(Math.max(v, 0), 1);
	return 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
};

function simulate(hex: string, matrix: number[][] | null) {
	const { r, g, b } = rgb(hex);
	if (!matrix) return lab(hex);
	const linear = [r, g, b].map(toLinear);
	const [sr, sg, sb] = matrix.map((row) => row.reduce((sum, m, i) => sum + m * linear[i]!, 0));
	return lab(rgb(toSrgb(sr!), toSrgb(sg!), toSrgb(sb!)));
}

describe('the C8 palette', () => {
	for (const [vision, matrix] of Object.entries(SIMULATIONS)) {
		it(`orders levels light to dark, each step distinguishable (${vision})`, () => {
			const colours = LEVELS.map((l) => simulate(l.color, matrix));
			for (let i = 1; i < colours.length; i++) {
				const [a, b] = [colours[i - 1]!, colours[i]!];
				// Lightness alone carries the order, whatever the hue looks like.
				expect(b.l, `level ${i} darker than ${i - 1}`).toBeLessThan(a.l - 8);
				const deltaE = Math.hypot(a.l - b.l, a.a - b.a, a.b - b.b);
				expect(deltaE, `ΔE between levels ${i - 1} and ${i}`).toBeGreaterThan(18);
			}
		});
	}

	it('names every level in words', () => {
		expect(LEVELS.map((l) => l.label)).toEqual([
			'No measures',
			'Screening',
			'Quarantine',
			'Ban on some regions',
			'Total closure'
		]);
	});
});
