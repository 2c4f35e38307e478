/**
 * The presenter's stage in Chromium: keys move time and play/pause, story steps advance with
 * a clicker's PageDown, the legend reads at a glance at 1080p and at 4K; and follow sessions:
 * a follower mirrors the presenter's time, layer and camera within a second (also after a
 * reload and a server restart), and a page with a wrong key cannot lead.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotPath, watchedPage } from '../support/browser.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { freePort, startServer, type RunningServer } from '../support/server.ts';
import type { CreatedSession } from '../../src/lib/domain/session.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
let problems: string[] = [];
let port: number;
let databasePath: string;
let restarting = false;

beforeAll(async () => {
	[port, databasePath] = [await freePort(), seededDatabaseCopy()];
	[server, browser] = await Promise.all([
		startServer({ databasePath, env: { PORT: String(port) } }),
		launchChromium()
	]);
	({ page, problems } = await watchedPage(browser, () => restarting));
}, 90_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

const map = (p: Page) => p.locator('[data-testid="map"]');
const shownTime = (p: Page) => map(p).getAttribute('data-time');
const ready = (p: Page, time?: string) =>
	p
		.locator(`[data-testid="map"][data-ready="true"]${time ? `[data-time="${time}"]` : ''}`)
		.waitFor({ timeout: 30_000 });

describe('the stage', () => {
	it('moves time with the arrow keys, a week with Shift, and to the next change with ]', async () => {
		await page.goto(`${server.url}/present?time=2020-04-15`);
		await ready(page, '2020-04-15');
		await page.keyboard.press('ArrowRight');
		await ready(page, '2020-04-16');
		await page.keyboard.press('Shift+ArrowRight');
		await ready(page, '2020-04-23');
		await page.keyboard.press('ArrowLeft');
		await ready(page, '2020-04-22');
		// `]`: the next day on which some country's level changed, per the series API.
		const { series } = (await (await fetch(`${server.url}/api/border-status/series`)).json()) as {
			series: { first: string; runs: Record<string, [number, number, number][]> };
		};
		const dayIndex = (day: string) =>
			Math.round((Date.parse(day) - Date.parse(series.first)) / 86_400_000);
		const changeDays = new Set(
			Object.values(series.runs).flatMap((runs) => runs.slice(1).map(([from]) => from))
		);
		let next = dayIndex('2020-04-22') + 1;
		while (!changeDays.has(next)) next++;
		const expected = new Date(Date.parse(series.first) + next * 86_400_000)
			.toISOString()
			.slice(0, 10);
		await page.keyboard.press(']');
		await ready(page, expected);
		expect(new URL(page.url()).searchParams.get('time')).toBe(expected);
	});

	it('plays and pauses with Space, and switches layers with 1/2/3', async () => {
		await page.goto(`${server.url}/present?time=2020-03-01`);
		await ready(page, '2020-03-01');
		await page.keyboard.press(' ');
		await expect.poll(() => shownTime(page), { timeout: 5000 }).not.toBe('2020-03-01');
		await page.keyboard.press(' ');
		const paused = await shownTime(page);
		await page.waitForTimeout(600);
		expect(await shownTime(page)).toBe(paused);
		expect(paused! > '2020-03-01').toBe(true);

		await page.keyboard.press('2');
		await expect
			.poll(() => page.getByTestId('stage-title').innerText())
			.toMatch(/^Remittances received in \d{4}/);
		await page.keyboard.press('1');
		await expect
			.poll(() => page.getByTestId('stage-title').innerText())
			.toMatch(/^International travel controls on/);
	});

	it('steps through the example story with PageDown and PageUp', async () => {
		await page.goto(`${server.url}/present?story=example`);
		await ready(page);
		await page.keyboard.press('PageDown');
		await ready(page, '2020-01-15');
		expect(await page.getByTestId('caption').innerText()).toContain('178 of 186');
		expect(await page.getByTestId('summary').innerText()).toContain('178 no measures');
		await page.keyboard.press('PageDown');
		await ready(page, '2020-03-16');
		await page.keyboard.press('PageDown');
		await ready(page, '2020-04-15');
		expect(await page.getByTestId('summary').innerText()).toContain('129 total closure');
		await page.keyboard.press('PageUp');
		await ready(page, '2020-03-16');
		expect(await page.getByTestId('story-step').innerText()).toBe('Step 2 of 8');
		// The story travels in the address: a reload comes back to it.
		expect(new URL(page.url()).searchParams.get('story')).toMatch(/^[\w-]{40,}$/);
	});

	it('shows its keys on ?, and closes them with Escape', async () => {
		await page.keyboard.press('?');
		const help = page.getByTestId('help');
		await help.waitFor();
		expect(await help.innerText()).toContain('Play or pause time');
		await page.keyboard.press('Escape');
		await help.waitFor({ state: 'detached' });
	});

	it('reads at a glance: legend text ≥ 24 px at 1080p, the same share of the screen at 4K', async () => {
		const legendPx = async (width: number, height: number) => {
			const context = await browser.newContext({ viewport: { width, height } });
			const stage = await context.newPage();
			await stage.goto(`${server.url}/present?time=2020-04-15`);
			// Type size is CSS: the 1080p screenshot waits for the map, the 4K measure need not.
			if (width === 1920) await ready(stage, '2020-04-15');
			else await stage.locator('[data-testid="legend"] li').first().waitFor();
			const px = await stage
				.locator('[data-testid="legend"] li')
				.first()
				.evaluate((li) => parseFloat(getComputedStyle(li).fontSize));
			if (width === 1920) await stage.screenshot({ path: screenshotPath('e2e-present-1080p') });
			await context.close();
			return px;
		};
		const hd = await legendPx(1920, 1080);
		const uhd = await legendPx(3840, 2160);
		expect(hd).toBeGreaterThanOrEqual(24);
		expect(uhd / 2160).toBeCloseTo(hd / 1080, 3);
	});
});

describe('follow sessions', () => {
	let session: CreatedSession;
	let follower: Page;
	let followerProblems: string[] = [];
	const query = (p: Page, name: string) => new URL(p.url()).searchParams.get(name);
	/**
	 * The follower's view state follows the presenter. Delivery within a second is asserted
	 * where it is measured alone (tests/integration/sessions.test.ts: 200 followers); here two
	 * Chromium pages render beside the rest of the suite on two cores, so the window is wider.
	 */
	const mirrors = async (name: string, value: string | null) =>
		expect.poll(() => query(follower, name), { timeout: 3000, interval: 50 }).toBe(value);
	const cameraOf = async (p: Page) =>
		((await map(p).getAttribute('data-camera')) ?? '').split(',').map(Number);

	it("a follower opening the link gets the presenter's view at once", async () => {
		const response = await fetch(`${server.url}/api/sessions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ title: 'COVID-19 and people on the move' })
		});
		expect(response.status).toBe(201);
		session = (await response.json()) as CreatedSession;
		await page.goto(`${server.url}${session.presentUrl}&time=2020-04-15`);
		await ready(page, '2020-04-15');
		await page.locator('[data-testid="lead-status"][data-status="leading"]').waitFor();

		({ page: follower, problems: followerProblems } = await watchedPage(browser, () => restarting));
		await follower.goto(`${server.url}${session.followUrl}`);
		await ready(follower, '2020-04-15');
		const banner = follower.getByTestId('follow-banner');
		expect(await banner.getAttribute('data-state')).toBe('following');
		expect(await banner.innerText()).toContain('COVID-19 and people on the move');
		// The key stays with the presenter.
		expect(follower.url()).not.toContain(session.presenterKey);
		expect(await follower.content()).not.toContain(session.presenterKey);
	});

	it('mirrors time, layer and camera', async () => {
		await page.keyboard.press('ArrowRight');
		await mirrors('time', '2020-04-16');
		await ready(follower, '2020-04-16');
		await page.keyboard.press('2');
		await mirrors('layer', 'remittances');
		await page.keyboard.press('1');
		await mirrors('layer', null);

		await page.locator('.maplibregl-ctrl-zoom-in').click();
		await expect.poll(async () => (await cameraOf(page))[2], { timeout: 5000 }).toBeGreaterThan(1);
		const [lng, lat, zoom] = await cameraOf(page);
		await expect
			.poll(
				async () => {
					const [fLng, fLat, fZoom] = await cameraOf(follower);
					return (
						Math.abs(fZoom! - zoom!) < 0.01 &&
						Math.abs(fLng! - lng!) < 0.5 &&
						Math.abs(fLat! - lat!) < 0.5
					);
				},
				{ timeout: 5000 }
			)
			.toBe(true);
		await follower.screenshot({ path: screenshotPath('e2e-present-follower') });
	});

	it('keeps mirroring after the follower reloads and after the server restarts', async () => {
		await follower.reload();
		await ready(follower, '2020-04-16');
		await page.keyboard.press('ArrowRight');
		await mirrors('time', '2020-04-17');

		restarting = true;
		await server.stop();
		server = await startServer({ databasePath, env: { PORT: String(port) } });
		await page
			.locator('[data-testid="live-status"][data-status="live"]')
			.waitFor({ timeout: 20_000 });
		await follower
			.locator('[data-testid="live-status"][data-status="live"]')
			.waitFor({ timeout: 20_000 });
		restarting = false;
		await page.keyboard.press('ArrowRight');
		await expect.poll(() => query(follower, 'time'), { timeout: 5000 }).toBe('2020-04-18');
	});

	it('can be left and re-joined by the follower', async () => {
		await follower.getByRole('button', { name: 'Detach' }).click();
		await page.keyboard.press('ArrowRight');
		await page.locator('[data-testid="map"][data-time="2020-04-19"]').waitFor();
		await follower.waitForTimeout(500);
		expect(query(follower, 'time')).toBe('2020-04-18');
		await follower.getByRole('button', { name: 'Re-sync' }).click();
		await mirrors('time', '2020-04-19');
	});

	it('does not let a page with a wrong key lead', async () => {
		const { page: impostor, problems: impostorProblems } = await watchedPage(browser);
		await impostor.goto(
			`${server.url}/present?session=${session.id}&key=${'A'.repeat(43)}&time=2020-06-01`
		);
		await ready(impostor, '2020-06-01');
		await impostor.locator('[data-testid="lead-status"][data-status="refused"]').waitFor();
		expect(await impostor.getByTestId('lead-status').innerText()).toContain('wrong presenter key');
		await impostor.keyboard.press('ArrowRight');
		await follower.waitForTimeout(800);
		expect(query(follower, 'time')).toBe('2020-04-19');
		await impostor.close();
		expect(impostorProblems).toEqual([]);
	});

	it('mirrors into an embed too (`/embed?follow=ID`)', async () => {
		const { page: embed, problems: embedProblems } = await watchedPage(browser);
		await embed.goto(`${server.url}/embed?follow=${session.id}`);
		await ready(embed, '2020-04-19');
		expect(await embed.getByTestId('follow-banner').getAttribute('data-state')).toBe('following');
		await page.keyboard.press('ArrowRight');
		await ready(embed, '2020-04-20');
		await embed.close();
		expect(embedProblems).toEqual([]);
	});

	it('writes no warnings or errors to the console', () => {
		expect(problems).toEqual([]);
		expect(followerProblems).toEqual([]);
	});
});
