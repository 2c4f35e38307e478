/**
 * Embeds as a publisher's reader meets them: framed by a page on another origin and sized by
 * /embed.js, pinned to the data as published (or following it live), readable without
 * JavaScript, and the rest of the app refusing to be framed.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotPath, watchedPage } from '../support/browser.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'e2e-embed-token';
let server: RunningServer;
let host: Server;
let hostUrl: string;
let browser: Browser;
let page: Page;
let problems: string[] = [];

/** An article on another origin: one embed with the publisher's script, one frame of `/`. */
function articleHtml(): string {
	return `<!doctype html><html><head><title>Article</title></head><body>
<h1>An article</h1>
<iframe id="embed" title="Crossings map" src="${server.url}/embed?region=Africa&time=2020-04-15&live=0&asof=1" style="width:640px;border:0" height="150"></iframe>
<iframe id="main" title="Crossings" src="${server.url}/" style="width:640px;height:300px"></iframe>
<script async src="${server.url}/embed.js"></script>
</body></html>`;
}

beforeAll(async () => {
	[server, browser] = await Promise.all([
		startServer({ databasePath: seededDatabaseCopy(), env: { ADMIN_TOKEN: TOKEN } }),
		launchChromium()
	]);
	host = createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
		res.end(articleHtml());
	});
	await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
	hostUrl = `http://127.0.0.1:${(host.address() as { port: number }).port}/`;
	({ page, problems } = await watchedPage(browser));
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await new Promise((resolve) => host?.close(resolve));
});

const seqOf = async () =>
	((await (await fetch(`${server.url}/api/health`)).json()) as { seq: number }).seq;

describe('embeds in Chromium', () => {
	it('is framed by another origin and sized to its content by /embed.js; / is not framed', async () => {
		await page.goto(hostUrl);
		const embed = page.frameLocator('#embed');
		await embed.locator('[data-testid="map"][data-ready="true"]').waitFor({ timeout: 30_000 });
		const contentHeight = await page
			.frames()
			.find((f) => f.url().includes('/embed'))!
			.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
		await expect
			.poll(async () => (await page.locator('#embed').boundingBox())!.height, { timeout: 10_000 })
			.toBe(contentHeight);
		expect(contentHeight).toBeGreaterThan(300);
		// The app's other pages refuse to be framed by another site: Chromium shows its error page.
		const main = page.frames().find((f) => f !== page.mainFrame() && !f.url().includes('/embed'));
		expect(main?.url()).toMatch(/^chrome-error:/);
		await page.screenshot({ path: screenshotPath('e2e-embed-article'), fullPage: true });
	});

	it('pinned ignores a new commit, even after a reload, while live applies it', async () => {
		const asof = await seqOf();
		const view = 'region=Africa&time=2020-04-15';
		const pinnedPage = (await watchedPage(browser)).page;
		await pinnedPage.goto(`${server.url}/embed?${view}&live=0&asof=${asof}`);
		await page.goto(`${server.url}/embed?${view}`);
		for (const p of [page, pinnedPage]) {
			await p.locator('[data-testid="map"][data-ready="true"]').waitFor({ timeout: 30_000 });
		}
		await page.waitForSelector('[data-testid="live-status"][data-status="live"]');
		const before = await pinnedPage.locator('[data-testid="summary"]').innerText();
		expect(await page.locator('[data-testid="summary"]').innerText()).toBe(before);
		expect(before).toContain('41 total closure');

		// An editor reopens Nigeria's border from that day on.
		const response = await fetch(`${server.url}/api/restrictions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
			body: JSON.stringify({ iso3: 'NGA', effective_from: '2020-04-15', level: 0 })
		});
		expect(response.status).toBe(201);
		const { seq } = (await response.json()) as { seq: number };
		await page.waitForSelector(`[data-testid="map"][data-seq="${seq}"]`, { timeout: 5000 });
		await expect
			.poll(() => page.locator('[data-testid="summary"]').innerText())
			.toContain('40 total closure');
		expect(await pinnedPage.locator('[data-testid="summary"]').innerText()).toBe(before);
		expect(await pinnedPage.locator('[data-testid="map"]').getAttribute('data-seq')).toBe(
			String(asof)
		);
		await pinnedPage.reload();
		await pinnedPage.locator('[data-testid="map"][data-ready="true"]').waitFor({ timeout: 30_000 });
		expect(await pinnedPage.locator('[data-testid="summary"]').innerText()).toBe(before);
		await pinnedPage.close();
	});

	it('says what it shows without JavaScript, and credits the layer it shows', async () => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const noJs = await context.newPage();
		await noJs.goto(`${server.url}/embed?layer=remittances&time=2020`);
		const text = await noJs.locator('body').innerText();
		expect(text).toContain('Remittances received in 2020');
		expect(text).toMatch(/In 2020, \d+ countries received/);
		expect(text).toContain('World Development Indicators');
		expect(text).not.toContain('Oxford COVID-19');
		await context.close();
		const head = await (await fetch(`${server.url}/embed?time=2020-04-15`)).text();
		expect(head).toContain('<meta name="robots" content="noindex"');
		expect(head).toMatch(/<link rel="canonical" href="[^"]+\/\?time=2020-04-15"/);
	});

	it('writes no warnings or errors to the console', () => {
		// The one expected complaint: the article's frame of `/`, which the test wants refused.
		expect(problems.filter((p) => !p.includes('directive: "frame-ancestors \'self\'"'))).toEqual(
			[]
		);
	});
});
