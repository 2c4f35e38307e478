import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotPath } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { shareOfLevels } from '../support/pixels.ts';

const TOKEN = 'e2e-token';
let server: RunningServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ env: { ADMIN_TOKEN: TOKEN } }),
		launchChromium()
	]);
	page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
	page.on('console', (m) => {
		if (/GL Driver Message/.test(m.text())) return;
		if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

const post = async (body: unknown) => {
	const response = await fetch(`${server.url}/api/restrictions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
		body: JSON.stringify(body)
	});
	expect(response.status).toBe(201);
	return ((await response.json()) as { seq: number }).seq;
};

describe('an open page follows live changes', () => {
	it('repaints a country an editor changes, without reloading', async () => {
		await page.goto(`${server.url}/?time=2021-06-29`);
		await page.waitForSelector('[data-testid="map"][data-ready="true"][data-time="2021-06-29"]');
		await page.waitForSelector('[data-testid="live-status"][data-status="live"]');
		await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
		const before = await shareOfLevels(page, 'e2e-live-before');

		// Russia, the largest country, is set to "no measures" from that day on.
		const seq = await post({
			iso3: 'RUS',
			effective_from: '2021-06-29',
			level: 0,
			note: 'Test: borders reopened',
			source_url: 'https://example.org/rus'
		});
		await page.waitForSelector(`[data-testid="map"][data-seq="${seq}"]`, { timeout: 5000 });
		await page.waitForFunction(() => document.querySelector('[data-testid="map"]'));
		// Let the repaint and the pulse finish before reading pixels.
		await page.waitForTimeout(1800);
		const after = await shareOfLevels(page, 'e2e-live-after');
		expect(after[0]! - before[0]!).toBeGreaterThan(0.03);
		expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);

		const feed = page.locator('[data-testid="change-feed"]');
		const text = await feed.innerText();
		expect(text).toContain('Russia');
		expect(text).toContain('No measures');
		expect(text).toContain('Test: borders reopened');
		await page.screenshot({ path: screenshotPath('e2e-live-feed') });
	});

	it('focuses a country and its day from the change feed', async () => {
		await page
			.locator('[data-testid="change-feed"] li button', { hasText: 'Russia' })
			.first()
			.click();
		await page.waitForSelector('[data-testid="country-panel"]');
		expect(await page.locator('[data-testid="country-panel"] h2').innerText()).toBe('Russia');
		expect(new URL(page.url()).searchParams.get('country')).toBe('RUS');
	});

	it('logged no errors or warnings', () => {
		expect(problems).toEqual([]);
	});
});
