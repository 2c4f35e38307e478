import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceCell } from '../support/csvEdit.ts';
import { launchChromium, screenshotPath, watchedPage } from '../support/browser.ts';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { C8_SNAPSHOT, ROOT, startServer, tempDir, type RunningServer } from '../support/server.ts';
import { shareOfLevels } from '../support/pixels.ts';

const TOKEN = 'e2e-token';
let server: RunningServer;
let browser: Browser;
let page: Page;
let problems: string[] = [];
/** While the test has stopped the server on purpose, failed reconnects are expected. */
let outage = false;
const dir = tempDir();

beforeAll(async () => {
	[server, browser] = await Promise.all([
		// Its own folder: the server is stopped and restarted on the same file below.
		startServer({ databasePath: join(dir, 'live.db'), env: { ADMIN_TOKEN: TOKEN } }),
		launchChromium()
	]);
	({ page, problems } = await watchedPage(browser, () => outage));
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
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
		// The changes explorer lists level changes in the series first; editors' notes are commits.
		const commits = feed.getByRole('button', { name: /^Commits/ });
		if (await commits.count()) await commits.click();
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
		const panel = page.locator('[data-testid="country-panel"]');
		expect(await panel.locator('h2').innerText()).toBe('Russia');
		await panel.getByText('Recorded by editors').waitFor();
		expect(await panel.innerText()).toContain('Test: borders reopened');
		expect(new URL(page.url()).searchParams.get('country')).toBe('RUS');
	});

	it('shows a lost connection, then catches up on what it missed', async () => {
		const port = new URL(server.url).port;
		const databasePath = server.databasePath;
		const seqBefore = Number(await page.locator('[data-testid="map"]').getAttribute('data-seq'));
		outage = true;
		await server.stop();
		await page.waitForSelector('[data-testid="live-status"][data-status="reconnecting"]');
		// While the server is down, another process commits a change.
		const file = join(dir, 'later.csv');
		writeFileSync(
			file,
			// Japan's last day of data (2022-12-31) revised to "no measures".
			replaceCell(readFileSync(C8_SNAPSHOT, 'utf8'), '31Dec2022', 'JPN', '0')
		);
		const ingest = spawnSync(
			join(ROOT, 'node_modules', '.bin', 'tsx'),
			[join(ROOT, 'scripts', 'ingest.ts'), 'oxcgrt-c8', '--file', file, '--db', databasePath],
			{ encoding: 'utf8' }
		);
		expect(ingest.status, ingest.stderr).toBe(0);
		const { seq } = JSON.parse(ingest.stdout.trim().split('\n').at(-1)!) as { seq: number };
		expect(seq).toBe(seqBefore + 1);
		server = await startServer({ databasePath, env: { ADMIN_TOKEN: TOKEN, PORT: port } });
		await page.waitForSelector('[data-testid="live-status"][data-status="live"]', {
			timeout: 15_000
		});
		outage = false;
		await page.waitForSelector(`[data-testid="map"][data-seq="${seq}"]`, { timeout: 5000 });
		expect(await page.locator('[data-testid="change-feed"]').innerText()).toContain('Japan');
	});

	it('logged no errors or warnings', () => {
		expect(problems).toEqual([]);
	});
});
