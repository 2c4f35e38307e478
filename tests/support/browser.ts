/** Debian's Chromium driven by playwright-core; WebGL through SwiftShader. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export async function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found: install Debian's chromium (see .ci/run)`);
	}
	mkdirSync(SCREENSHOTS, { recursive: true });
	return chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--no-sandbox',
			'--enable-unsafe-swiftshader',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run'
		]
	});
}

export const screenshotPath = (name: string) => join(SCREENSHOTS, `${name}.png`);

/**
 * A desktop-sized page that records console errors and warnings and uncaught exceptions.
 * SwiftShader reports "GPU stall due to ReadPixels" when a test screenshots the canvas; that
 * is the test's doing, not the page's, so it is left out. `ignore()` skips messages
 * while it returns true (a test that stops the server on purpose).
 */
export async function watchedPage(
	browser: Browser,
	ignore: () => boolean = () => false
): Promise<{ page: Page; problems: string[] }> {
	const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
	const problems: string[] = [];
	page.on('console', (m) => {
		if (/GL Driver Message/.test(m.text()) || ignore()) return;
		if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
	return { page, problems };
}
