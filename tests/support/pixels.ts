import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { LEVELS } from '../../src/lib/domain/borderStatus.ts';
import { screenshotPath } from './browser.ts';

/** Share of the map canvas painted in each level's colour, read from a real screenshot. */
export async function shareOfLevels(page: Page, name: string): Promise<number[]> {
	const canvas = page.locator('[data-testid="map"] canvas');
	const png = PNG.sync.read(await canvas.screenshot({ path: screenshotPath(name) }));
	const targets = LEVELS.map((l) => [1, 3, 5].map((i) => parseInt(l.color.slice(i, i + 2), 16)));
	const counts = targets.map(() => 0);
	for (let p = 0; p < png.data.length; p += 4) {
		targets.forEach(([r, g, b], i) => {
			const d =
				Math.abs(png.data[p]! - r!) +
				Math.abs(png.data[p + 1]! - g!) +
				Math.abs(png.data[p + 2]! - b!);
			if (d <= 12) counts[i]!++;
		});
	}
	return counts.map((c) => c / (png.width * png.height));
}
