/**
 * Takes Chromium screenshots of a running Crossings server, for looking at what we built.
 * npx tsx scripts/screenshot.ts http://127.0.0.1:3000 [path-and-query ...]
 */
import { launchChromium, screenshotPath } from '../tests/support/browser.ts';

const [base, ...paths] = process.argv.slice(2);
if (!base) throw new Error('usage: screenshot.ts BASE_URL [PATH ...]');
const browser = await launchChromium();
const sizes = [
	{ name: 'desktop', width: 1440, height: 900 },
	{ name: 'phone', width: 360, height: 740 }
];
for (const path of paths.length > 0 ? paths : ['/']) {
	for (const size of sizes) {
		const page = await browser.newPage({ viewport: size });
		page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
		page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
		await page.goto(base + path);
		await page.waitForSelector('[data-testid="map"][data-ready="true"]', { timeout: 30_000 });
		const file = screenshotPath(`${size.name}-${path.replace(/[^a-z0-9]+/gi, '_')}`);
		await page.screenshot({ path: file, fullPage: size.name === 'phone' });
		console.log(file);
		await page.close();
	}
}
await browser.close();
