/**
 * Who may travel where, in Chromium on the real bundled data: the "who can enter" layer for a
 * passport and for a destination (colours, legend, COBAP outlines, the sentence), corridors
 * with their bans and costs, and Mexico's monthly remittances.
 */
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAN_OUTLINE_COLOR, ENTRY_COLORS } from '../../src/lib/domain/entry.ts';
import { VISA_REQUIREMENTS, type VisaRequirement } from '../../src/lib/domain/visaRequirement.ts';
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
}, 120_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

const api = async <T>(path: string): Promise<T> => (await fetch(`${server.url}${path}`)).json();

/** Pixels of the map canvas within a small distance of each colour, from a real screenshot. */
async function pixelsOf(
	name: string,
	colors: Record<string, string>
): Promise<Record<string, number>> {
	const canvas = page.locator('[data-testid="map"] canvas');
	const png = PNG.sync.read(await canvas.screenshot({ path: screenshotPath(name) }));
	const targets = Object.entries(colors).map(
		([key, hex]) => [key, [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))] as const
	);
	const counts = Object.fromEntries(targets.map(([key]) => [key, 0]));
	for (let p = 0; p < png.data.length; p += 4) {
		for (const [key, [r, g, b]] of targets) {
			const d =
				Math.abs(png.data[p]! - r!) +
				Math.abs(png.data[p + 1]! - g!) +
				Math.abs(png.data[p + 2]! - b!);
			if (d <= 10) counts[key]!++;
		}
	}
	return counts;
}

describe('the who-can-enter layer', () => {
	it('colours destinations by what a Mexican passport needed, as /api/visa says', async () => {
		const day = '2020-12-01';
		await page.goto(`${server.url}/?layer=entry&country=MEX&time=${day}`);
		await page.waitForSelector(`[data-testid="map"][data-ready="true"][data-time="${day}"]`);
		const visa = await api<{
			snapshot: string;
			destinations: { iso3: string; requirement: VisaRequirement }[];
		}>(`/api/visa?passport=MEX&date=${day}`);
		expect(visa.snapshot).toBe('2020-11-19');
		const counts = new Map<VisaRequirement, number>();
		for (const d of visa.destinations.filter((d) => d.iso3 !== 'MEX')) {
			counts.set(d.requirement, (counts.get(d.requirement) ?? 0) + 1);
		}

		// The legend names every category, with the API's count beside it.
		const legend = page.locator('[data-testid="legend"]');
		const text = await legend.innerText();
		expect(text).toContain('What its passport holders needed');
		expect(text).toContain('Passport Index snapshot of 2020-11-19');
		for (const r of VISA_REQUIREMENTS) {
			const row = legend.locator('li', { hasText: r.label }).first();
			expect(Number((await row.innerText()).trim().split(/\s+/).at(-1))).toBe(
				counts.get(r.id) ?? 0
			);
		}

		// Every category with a country in it is drawn in its colour.
		const drawn = await pixelsOf('e2e-entry-mex', ENTRY_COLORS);
		for (const [requirement, n] of counts) {
			if (n >= 3) expect(drawn[requirement], requirement).toBeGreaterThan(0);
		}
		// No Mexican was refused admission anywhere: that colour is (nearly) absent.
		expect(counts.get('no-admission')).toBeUndefined();
		expect(drawn['no-admission']!).toBeLessThan(400);
		const summary = await page.locator('[data-testid="summary"]').innerText();
		expect(summary).toMatch(
			/^On 1 December 2020, holders of a passport of Mexico could enter \d+ of/
		);
	});

	it('outlines the countries whose COBAP policies banned Mexicans that day', async () => {
		const day = '2020-04-15';
		await page.goto(`${server.url}/?layer=entry&country=MEX&time=${day}`);
		await page.waitForSelector(`[data-testid="map"][data-ready="true"][data-time="${day}"]`);
		const bans = await api<{ destinations: { iso3: string }[] }>(
			`/api/bans?origin=MEX&date=${day}`
		);
		expect(bans.destinations.length).toBeGreaterThan(0);
		const panel = page.locator('[data-testid="entry-panel"]');
		await expect.poll(() => panel.locator('li').count()).toBe(bans.destinations.length);
		const drawn = await pixelsOf('e2e-entry-mex-bans', { ban: BAN_OUTLINE_COLOR });
		expect(drawn.ban).toBeGreaterThan(200);
		const legend = await page.locator('[data-testid="legend"]').innerText();
		expect(legend).toContain('Bans its citizens or travellers (COBAP)');
	});

	it('turns round to who could enter a destination', async () => {
		await page.getByRole('radio', { name: 'Entering Mexico' }).click();
		const legend = page.locator('[data-testid="legend"]');
		await expect.poll(() => legend.innerText()).toContain('What each passport needed');
		const summary = page.locator('[data-testid="summary"]');
		await expect
			.poll(() => summary.innerText())
			.toMatch(/^On 15 April 2020, Mexico let holders of/);
		await page.screenshot({ path: screenshotPath('e2e-entry-into-mex') });
	});
});

describe('corridors and Mexico’s months', () => {
	it('says what sending $200 cost and whether a ban stood in the way', async () => {
		await page.goto(`${server.url}/?layer=corridors&country=MEX&time=2020-04-15`);
		await page.waitForSelector('[data-testid="map"][data-ready="true"][data-time="2020-04-15"]');
		const list = page.locator('[data-testid="corridor-list"]');
		const answer = await api<{
			corridors: { from: string; cost: { percent: number; quarter: string } | null }[];
		}>('/api/corridors?country=MEX&direction=in&limit=10');
		const usa = answer.corridors.find((c) => c.from === 'USA')!;
		expect(usa.cost).not.toBeNull();
		await expect
			.poll(() => list.locator('[data-testid="corridor-cost"]').first().innerText())
			.toBe(`Sending $200 cost ${usa.cost!.percent.toFixed(1)}% (${usa.cost!.quarter})`);
		// Bans on Mexicans among the partners, as /api/bans lists them.
		const banned = new Set(
			(
				await api<{ destinations: { iso3: string }[] }>('/api/bans?origin=MEX&date=2020-04-15')
			).destinations.map((d) => d.iso3)
		);
		const partnersBanned = answer.corridors.filter((c) => banned.has(c.from)).length;
		await expect
			.poll(() => list.locator('[data-testid="corridor-ban"]').count())
			.toBe(partnersBanned);
		await page.screenshot({ path: screenshotPath('e2e-corridors-bans') });
	});

	it('draws Mexico’s remittances by month and tells others they exist only for Mexico', async () => {
		await page.goto(`${server.url}/?layer=remittances&country=MEX&time=2020`);
		const monthly = page.locator('[data-testid="monthly-remittances"]');
		await monthly.locator('[data-testid="monthly-chart"] path.line').first().waitFor();
		expect(await monthly.innerText()).toMatch(/In April 2020 Mexico received US\$2\.98 billion/);
		await page.screenshot({ path: screenshotPath('e2e-monthly-mex') });
		await page.goto(`${server.url}/?layer=remittances&country=GTM&time=2020`);
		await expect
			.poll(() => page.locator('[data-testid="monthly-remittances"]').innerText())
			.toContain('Monthly figures exist only for Mexico so far');
	});

	it('logged no console problems', () => {
		expect(problems).toEqual([]);
	});
});
