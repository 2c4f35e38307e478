/**
 * The analyst's workspace in Chromium: a region filter that reaches the table, the map and
 * the changes; sorting; a selection that survives a reload; the chart tab; an export whose
 * rows are the table's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotPath, watchedPage } from '../support/browser.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { ROOT, startServer, tempDir, type RunningServer } from '../support/server.ts';

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

/** African countries by the reference file itself, not by our code. */
function africa(): Set<string> {
	const rows = parse(readFileSync(join(ROOT, 'data/reference/iso3166-countries.csv')), {
		columns: true
	}) as Record<string, string>[];
	return new Set(rows.filter((r) => r.region === 'Africa').map((r) => r['alpha-3']!));
}

const rowsShown = () =>
	page
		.locator('[data-testid="table"] tbody tr')
		.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.iso3!));

describe('the analyst workspace in Chromium', () => {
	it('shows exactly the African countries with data in the table tab', async () => {
		await page.goto(`${server.url}/?region=Africa&tab=table&time=2020-04-15`);
		await page.waitForSelector('[data-testid="table"] tbody tr');
		const api = (await (
			await fetch(`${server.url}/api/border-status?date=2020-04-15&region=Africa`)
		).json()) as { countries: { iso3: string; level: number | null }[] };
		const withData = api.countries.filter((c) => c.level !== null).map((c) => c.iso3);
		const shown = await rowsShown();
		expect(shown.length).toBeGreaterThan(40);
		expect(shown.every((iso3) => africa().has(iso3))).toBe(true);
		// Every African country with data that day is a row (a row may also be a country whose
		// data starts later: it has border-status data, just not on this day).
		expect(withData.every((iso3) => shown.includes(iso3))).toBe(true);
		await page.waitForSelector('[data-testid="map"][data-ready="true"][data-time="2020-04-15"]', {
			timeout: 30_000
		});
		await page.screenshot({ path: screenshotPath('e2e-analyst-table-africa') });
	});

	it('sorts by a column, both ways', async () => {
		const api = (await (
			await fetch(`${server.url}/api/border-status/table?date=2020-04-15&region=Africa`)
		).json()) as { rows: { iso3: string; longestClosureDays: number }[] };
		const longest = new Map(api.rows.map((r) => [r.iso3, r.longestClosureDays]));
		const sortBy = page.locator('[data-testid="table"] thead button', {
			hasText: 'Longest closure'
		});
		const shownDays = async () => (await rowsShown()).map((iso3) => longest.get(iso3)!);
		await sortBy.click();
		const first = await shownDays();
		expect(first).toEqual([...first].sort((a, b) => b - a));
		expect(first[0]).toBeGreaterThan(first.at(-1)!);
		await sortBy.click();
		const second = await shownDays();
		expect(second).toEqual([...first].sort((a, b) => a - b));
		const sorted = page.locator(
			'[data-testid="table"] thead th[aria-sort]:not([aria-sort="none"])'
		);
		expect(await sorted.count()).toBe(1);
		expect(await sorted.getAttribute('aria-sort')).toBe('ascending');
	});

	it('keeps a selection across a reload and outlines it', async () => {
		await page.goto(`${server.url}/?region=Africa&tab=table&time=2020-04-15`);
		await page.waitForSelector('[data-testid="table"] tbody tr[data-iso3="NGA"]');
		await page.locator('[data-testid="table"] tbody tr[data-iso3="NGA"]').focus();
		await page.keyboard.press('Enter');
		const search = page.getByRole('combobox', { name: 'Countries' });
		await search.fill('kenya');
		await page.keyboard.press('Enter');
		await expect.poll(() => new URL(page.url()).searchParams.get('country')).toBe('NGA~KEN');
		await page.reload();
		await page.waitForSelector('[data-testid="country-picker"] li');
		const chips = await page.locator('[data-testid="country-picker"] li').allInnerTexts();
		expect(chips.join(' ')).toContain('Nigeria');
		expect(chips.join(' ')).toContain('Kenya');
		expect(
			await page
				.locator('[data-testid="table"] tbody tr[aria-selected="true"]')
				.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.iso3))
		).toEqual(expect.arrayContaining(['NGA', 'KEN']));
		expect(new URL(page.url()).search).toBe(
			'?time=2020-04-15&region=Africa&country=NGA~KEN&tab=table'
		);
	});

	it('draws the chart tab for the filter and the selection', async () => {
		await page.getByRole('tab', { name: 'Chart' }).click();
		await page.waitForSelector('[data-testid="charts"] svg path');
		const charts = page.locator('[data-testid="charts"]');
		expect(await charts.locator('svg').count()).toBeGreaterThanOrEqual(3);
		const text = await charts.innerText();
		expect(text).toContain('Nigeria');
		expect(text).toContain('Kenya');
		expect(text).toMatch(/2020/);
		expect(new URL(page.url()).searchParams.get('tab')).toBe('chart');
		await page.screenshot({ path: screenshotPath('e2e-analyst-chart') });
	});

	it('lists level changes on bundled data, within the region', async () => {
		const items = page.locator('[data-testid="changes"] li');
		await items.first().waitFor();
		expect(await items.count()).toBeGreaterThan(0);
	});

	it('downloads a CSV whose rows are the table', async () => {
		await page.goto(`${server.url}/?region=Africa&tab=table&time=2020-04-15`);
		await page.waitForSelector('[data-testid="table"] tbody tr');
		const shown = await rowsShown();
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.locator('[data-testid="export-csv"]').click()
		]);
		expect(download.suggestedFilename()).toBe('crossings-border-status-africa-2020-04-15.csv');
		const file = join(tempDir(), download.suggestedFilename());
		await download.saveAs(file);
		const text = readFileSync(file, 'utf8');
		expect(text).toMatch(/^# title: /);
		expect(text).toMatch(/# licence: CC BY 4\.0/);
		const rows = parse(text, { columns: true, comment: '#' }) as Record<string, string>[];
		expect(rows.map((r) => r.iso3)).toEqual(shown);
		// The same rows as the API's table, field by field.
		const api = await (
			await fetch(`${server.url}/api/border-status/table?date=2020-04-15&region=Africa&format=csv`)
		).text();
		const apiRows = parse(api, { columns: true }) as Record<string, string>[];
		const byIso3 = new Map(apiRows.map((r) => [r.iso3, r]));
		for (const row of rows) expect(row).toEqual(byIso3.get(row.iso3!));
	});

	it('downloads the same rows as JSON, and the map as a PNG with its title and legend', async () => {
		const save = async (testid: string) => {
			const [download] = await Promise.all([
				page.waitForEvent('download'),
				page.locator(`[data-testid="${testid}"]`).click()
			]);
			const file = join(tempDir(), download.suggestedFilename());
			await download.saveAs(file);
			return { name: download.suggestedFilename(), bytes: readFileSync(file) };
		};
		const csv = parse((await save('export-csv')).bytes, { columns: true, comment: '#' }) as Record<
			string,
			string
		>[];
		const json = await save('export-json');
		expect(json.name).toBe('crossings-border-status-africa-2020-04-15.json');
		const doc = JSON.parse(json.bytes.toString('utf8')) as {
			meta: { source: string; dataVersion: number; filters: Record<string, string> };
			rows: Record<string, unknown>[];
		};
		expect(doc.meta.filters).toMatchObject({ region: 'Africa', date: '2020-04-15' });
		expect(doc.meta.source).toContain('Oxford COVID-19 Government Response Tracker');
		expect(doc.rows.map((r) => r.iso3)).toEqual(csv.map((r) => r.iso3));
		for (const [i, row] of doc.rows.entries()) {
			for (const [key, value] of Object.entries(row)) {
				expect(csv[i]![key], `${String(row.iso3)} ${key}`).toBe(
					value === null ? '' : String(value)
				);
			}
		}
		const png = await save('export-png');
		expect(png.name).toBe('crossings-border-status-africa-2020-04-15-map.png');
		expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
		const map = (await page.locator('[data-testid="map"] canvas').boundingBox())!;
		// IHDR: the image is the map plus a title above and a legend and credits below.
		expect(png.bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(Math.floor(map.width));
		expect(png.bytes.readUInt32BE(20)).toBeGreaterThan(map.height + 80);
	});

	it('refuses an unknown region in the API with the accepted names, and says so on the page', async () => {
		const response = await fetch(`${server.url}/api/border-status?region=Atlantis`);
		expect(response.status).toBe(400);
		expect(JSON.stringify(await response.json())).toContain('Sub-Saharan Africa');
		await page.goto(`${server.url}/?region=Atlantis`);
		await expect
			.poll(() => page.locator('[data-testid="region-picker"]').innerText())
			.toContain('No region is called “Atlantis”');
	});

	it('writes no warnings or errors to the console', () => {
		expect(problems).toEqual([]);
	});
});
