import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotPath, watchedPage } from '../support/browser.ts';
import { shareOfLevels } from '../support/pixels.ts';
import { startServer, type RunningServer } from '../support/server.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
	[server, browser] = await Promise.all([startServer(), launchChromium()]);
	({ page, problems } = await watchedPage(browser));
	page.on('requestfailed', (r) => {
		// A request still in flight when the test navigates away is aborted by the test itself.
		if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
		problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
	});
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

const map = () => page.locator('[data-testid="map"]');
const waitForTime = (day: string) =>
	page.waitForSelector(`[data-testid="map"][data-ready="true"][data-time="${day}"]`, {
		timeout: 30_000
	});

const shareOfLevel = (name: string) => shareOfLevels(page, name);

describe('the border-status map in Chromium', () => {
	it('draws the latest day with a legend naming each level', async () => {
		await page.goto(server.url);
		await waitForTime('2022-12-31');
		const legend = page.locator('[data-testid="legend"]');
		await expect(legend.isVisible()).resolves.toBe(true);
		const text = await legend.innerText();
		for (const label of [
			'No measures',
			'Screening',
			'Quarantine',
			'Ban on some regions',
			'Total closure',
			'No data'
		]) {
			expect(text).toContain(label);
		}
		const health = (await (await fetch(`${server.url}/api/health`)).json()) as { seq: number };
		expect(await map().getAttribute('data-seq')).toBe(String(health.seq));
		expect(await page.title()).toMatch(/Crossings/);
		await page.screenshot({ path: screenshotPath('e2e-latest') });
	});

	it('opens on the day in the URL and repaints when time changes', async () => {
		await page.goto(`${server.url}/?time=2020-01-10`);
		await waitForTime('2020-01-10');
		const january = await shareOfLevel('e2e-2020-01-10');
		// Before the pandemic almost every country had no measures.
		expect(january[0]).toBeGreaterThan(0.15);
		expect(january[4]).toBeLessThan(0.01);

		await page.goto(`${server.url}/?time=2020-04-08`);
		await waitForTime('2020-04-08');
		await page.getByRole('button', { name: 'One week later' }).click();
		await waitForTime('2020-04-15');
		expect(new URL(page.url()).searchParams.get('time')).toBe('2020-04-15');
		const april = await shareOfLevel('e2e-2020-04-15');
		// By mid-April most of the world had closed its borders completely.
		expect(april[4]).toBeGreaterThan(0.2);
		expect(april[0]).toBeLessThan(0.02);
	});

	it('steps with the keyboard on the timeline', async () => {
		await page.locator('#timeline-range').focus();
		await page.keyboard.press('ArrowLeft');
		await waitForTime('2020-04-14');
		// The series' last day: OxCGRT kept China to 8 January 2023, past everyone else, so it
		// is not what "latest" (no time in the URL) means.
		await page.keyboard.press('End');
		await waitForTime('2023-01-08');
		expect(new URL(page.url()).searchParams.get('time')).toBe('2023-01-08');
	});

	it('opens a country panel with its level history', async () => {
		await page.goto(`${server.url}/?time=2020-04-15`);
		await waitForTime('2020-04-15');
		await page.getByRole('combobox', { name: 'Countries' }).fill('ital');
		await page.keyboard.press('Enter');
		const panel = page.locator('[data-testid="country-panel"]');
		await panel.locator('svg path.step').waitFor();
		expect(await panel.locator('h2').innerText()).toBe('Italy');
		const d = (await panel.locator('svg path.step').getAttribute('d'))!;
		const heights = new Set([...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => m[1]));
		// Italy: no measures, screening, a ban on some regions, and (from 2021-07) quarantine.
		expect(heights.size).toBe(4);
		expect(await panel.innerText()).toContain('since 30 January 2020');
		expect(new URL(page.url()).searchParams.get('country')).toBe('ITA');
		await page.screenshot({ path: screenshotPath('e2e-italy') });
	});

	it('shows a tooltip naming country, level and since when', async () => {
		const box = (await map().boundingBox())!;
		// Central Brazil at this camera.
		await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.66);
		const tooltip = page.locator('.tooltip');
		await tooltip.waitFor({ timeout: 5000 });
		expect(await tooltip.innerText()).toMatch(/Level \d: .+\n[\s\S]*since \d+ \w+ 20\d\d|No data/);
	});

	it('fits a 360 px phone', async () => {
		const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
		await phone.goto(`${server.url}/?time=2020-04-15`);
		await phone.waitForSelector('[data-testid="map"][data-ready="true"]', { timeout: 30_000 });
		const width = await phone.evaluate(() => document.documentElement.scrollWidth);
		expect(width).toBeLessThanOrEqual(360);
		await phone.screenshot({ path: screenshotPath('e2e-phone'), fullPage: true });
		await phone.close();
	});

	it('logged no errors or warnings, and fetched nothing that failed', () => {
		expect(problems).toEqual([]);
	});
});
