import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceCell } from '../support/csvEdit.ts';
import { launchChromium, screenshotPath, watchedPage } from '../support/browser.ts';
import { ROOT, startServer, tempDir, type RunningServer } from '../support/server.ts';

const BX = 'API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv';
const dir = tempDir();

let server: RunningServer;
let browser: Browser;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ databasePath: join(dir, 'layers.db') }),
		launchChromium()
	]);
	({ page, problems } = await watchedPage(browser));
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

describe('the remittances and corridors layers in Chromium', () => {
	it('draws remittances received on a log scale, with a legend that says so', async () => {
		await page.goto(`${server.url}/?layer=remittances&time=2019`);
		await page.waitForSelector('[data-testid="map"][data-ready="true"][data-time="2019"]');
		const legend = page.locator('[data-testid="legend"]');
		expect(await legend.innerText()).toMatch(/Remittances received, 2019[\s\S]*Log scale/);
		// Classes are counted from the data: India and Mexico are in the top class.
		const top = await legend.locator('li').first().innerText();
		expect(Number(top.trim().split(/\s+/).at(-1))).toBeGreaterThan(5);
		await page.screenshot({ path: screenshotPath('e2e-remittances') });
	});

	it('switches to % of GDP and keeps it in the URL', async () => {
		await page.getByLabel('% of GDP').check();
		await page.waitForFunction(() =>
			document.querySelector('[data-testid="legend"]')?.textContent?.includes('% of GDP')
		);
		expect(new URL(page.url()).searchParams.get('measure')).toBe('share_gdp');
		await page.getByRole('combobox', { name: 'Countries' }).fill('Nepal');
		await page.keyboard.press('Enter');
		const panel = page.locator('[data-testid="country-panel"]');
		await panel.locator('svg path.line').first().waitFor();
		expect(await panel.innerText()).toContain('Nepal');
		await page.screenshot({ path: screenshotPath('e2e-remittances-nepal') });
	});

	it('opens ?layer=corridors&country=MEX on the money sent to Mexico', async () => {
		await page.goto(`${server.url}/?layer=corridors&country=MEX&time=2020-04-15`);
		await page.waitForSelector('[data-testid="map"][data-ready="true"][data-time="2020-04-15"]');
		const list = page.locator('[data-testid="corridor-list"]');
		await list.locator('li').first().waitFor();
		const text = await list.innerText();
		expect(text).toContain('Money sent to Mexico');
		expect((await list.locator('li').first().innerText()).split('\n')[1]).toBe('United States');
		const api = (await (
			await fetch(`${server.url}/api/corridors?country=MEX&direction=in&limit=10`)
		).json()) as { corridors: unknown[] };
		expect(await list.locator('li').count()).toBe(api.corridors.length);
		await page.screenshot({ path: screenshotPath('e2e-corridors-mex') });
	});

	it('shows where money goes from a sender, ranked as the API ranks it', async () => {
		await page.goto(`${server.url}/?layer=corridors&country=USA`);
		await page.waitForSelector('[data-testid="map"][data-ready="true"]');
		await page.getByRole('radio', { name: 'Sent to' }).click();
		const list = page.locator('[data-testid="corridor-list"]');
		await list.locator('h2', { hasText: 'Money sent from United States' }).waitFor();
		const api = (await (
			await fetch(`${server.url}/api/corridors?country=USA&direction=out&limit=10`)
		).json()) as { corridors: { to: string }[] };
		const names = new Map(
			(
				(await (await fetch(`${server.url}/api/countries`)).json()) as {
					iso3: string;
					name: string;
				}[]
			).map((c) => [c.iso3, c.name])
		);
		await expect
			.poll(() => list.locator('li button').allInnerTexts())
			.toEqual(api.corridors.map((c) => names.get(c.to)));
		// The arcs to Asia cross ±180°: the screenshot shows them cut there, not streaked.
		await page.screenshot({ path: screenshotPath('e2e-corridors-usa-out') });
	});

	it('updates an open remittances view when a new vintage is committed', async () => {
		await page.goto(`${server.url}/?layer=remittances&time=2019`);
		await page.waitForSelector('[data-testid="map"][data-ready="true"][data-time="2019"]');
		await page.waitForSelector('[data-testid="live-status"][data-status="live"]');
		const topCount = async () =>
			Number(
				(await page.locator('[data-testid="legend"] li').first().innerText())
					.trim()
					.split(/\s+/)
					.at(-1)
			);
		const before = await topCount();
		// A revised vintage in which India's 2019 inflow is a tenth of a million dollars.
		const file = join(dir, 'bx-revised.csv');
		const original = readFileSync(join(ROOT, 'data', 'worldbank-wdi', BX), 'utf8');
		const revised = replaceCell(original, '2019', 'IND', '100000');
		expect(revised).not.toBe(original);
		writeFileSync(file, revised);
		const seqBefore = Number(await page.locator('[data-testid="map"]').getAttribute('data-seq'));
		const run = spawnSync(
			join(ROOT, 'node_modules', '.bin', 'tsx'),
			[
				join(ROOT, 'scripts', 'ingest.ts'),
				'wb-indicator',
				'--file',
				file,
				'--db',
				server.databasePath
			],
			{ encoding: 'utf8' }
		);
		expect(run.status, run.stderr).toBe(0);
		await page.waitForSelector(`[data-testid="map"][data-seq="${seqBefore + 1}"]`);
		await expect.poll(topCount, { timeout: 5000 }).toBe(before - 1);
	});

	it('logged no errors or warnings', () => {
		expect(problems).toEqual([]);
	});
});
