/**
 * The embed builder in Chromium: it opens from the toolbar prefilled with the view, writes a
 * pinned snippet (time, data version, resize script) or a live one, and closes on Escape.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotPath, watchedPage } from '../support/browser.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { startServer, type RunningServer } from '../support/server.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ databasePath: seededDatabaseCopy() }),
		launchChromium()
	]);
	({ page, problems } = await watchedPage(browser));
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

const code = () => page.inputValue('[data-testid="embed-code"]');
const dialog = () => page.locator('[data-testid="embed-dialog"]');

describe('the embed builder in Chromium', () => {
	it('writes a pinned snippet for the view shown', async () => {
		await page.goto(`${server.url}/?region=Africa&time=2020-04-15`);
		const map = page.locator('[data-testid="map"][data-ready="true"][data-time="2020-04-15"]');
		await map.waitFor({ timeout: 30_000 });
		const seq = await map.getAttribute('data-seq');
		expect(Number(seq)).toBeGreaterThan(0);

		await page.getByRole('button', { name: 'Embed', exact: true }).click();
		await expect.poll(() => dialog().evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
		// Labelled by its heading, for screen readers.
		expect(await page.getByRole('dialog', { name: 'Embed this map' }).count()).toBe(1);

		const snippet = await code();
		expect(snippet).toContain(`${server.url}/embed?`);
		expect(snippet).toContain('region=Africa');
		expect(snippet).toContain('time=2020-04-15');
		expect(snippet).toContain('live=0');
		expect(snippet).toContain(`asof=${seq}`);
		expect(snippet).toContain('title="Crossings: International travel controls on 15 April 2020');
		expect(snippet).toContain(`<script async src="${server.url}/embed.js"></script>`);
		const preview = await page.locator('[data-testid="embed-preview"]').getAttribute('src');
		expect(snippet).toContain(preview!.replace(/&/g, '&amp;'));
		await page.screenshot({ path: screenshotPath('e2e-embed-builder-pinned') });
	});

	it('follows new data when switched to live', async () => {
		await page.getByRole('radio', { name: /^Live/ }).check();
		const snippet = await code();
		expect(snippet).toContain('live=1');
		expect(snippet).not.toContain('asof=');
		expect(snippet).not.toContain('time=');
		expect(snippet).toContain('region=Africa');
		await page.getByRole('checkbox', { name: /Keep showing 15 April 2020/ }).check();
		expect(await code()).toContain('time=2020-04-15');
		await page.getByRole('checkbox', { name: 'Show the timeline' }).uncheck();
		expect(await code()).toContain('controls=0');
	});

	it('closes on Escape and gives focus back to its button', async () => {
		await page.keyboard.press('Escape');
		await expect.poll(() => dialog().evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Embed');
		expect(problems).toEqual([]);
	});
});
