import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, subscribe } from '../support/live.ts';
import { startServer, type RunningServer } from '../support/server.ts';

let server: RunningServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(() => server?.stop());

describe('the production server', () => {
	it('serves Socket.IO /live on the same port as the app', async () => {
		const health = (await (await fetch(`${server.url}/api/health`)).json()) as { seq: number };
		const socket = liveClient(server.url);
		try {
			expect(await subscribe(socket, { layers: ['border-status'] })).toEqual({
				ok: true,
				seq: health.seq
			});
			expect(await subscribe(socket, { layers: ['visa'] })).toMatchObject({ ok: false });
			expect(await subscribe(socket, { layers: ['border-status'], after: -1 })).toMatchObject({
				ok: false,
				error: expect.stringMatching(/^after: /)
			});
		} finally {
			socket.close();
		}
	});

	it('serves the page with its title, description and source line without JavaScript', async () => {
		const html = await (await fetch(`${server.url}/?time=2020-04-15`)).text();
		expect(html).toContain(
			'<title>Crossings: border controls and remittances around the world</title>'
		);
		expect(html).toMatch(/<meta name="description" content="[^"]+"/);
		expect(html).toMatch(
			/Oxford COVID-19 Government Response Tracker[^<]*<\/a>(<!--[^>]*-->)* \(CC BY 4\.0\)/
		);
		// 186 countries have data some day (all but Comoros); Grenada's start only in 2022.
		expect(html).toMatch(
			/On 15 April 2020, of 186 countries and territories tracked: [^<]*; 1 no data\./
		);
		expect((await fetch(`${server.url}/geo/countries-50m.json`)).status).toBe(200);
		expect((await fetch(`${server.url}/favicon.svg`)).status).toBe(200);
	});

	it('shuts down cleanly on SIGTERM, keeping the database for the next start', async () => {
		const again = await startServer({ databasePath: server.databasePath });
		expect(again.output()).not.toMatch(/seeded/);
		// A live reader sees its transport close, which its client answers by reconnecting
		// (with back-off): a server-side disconnect would tell it to stay away.
		const reader = liveClient(again.url);
		expect((await subscribe(reader, { layers: ['border-status'] })).ok).toBe(true);
		const reason = new Promise<string>((r) => reader.on('disconnect', r));
		const started = Date.now();
		expect(await again.stop()).toBe(0);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(await reason).toBe('transport close');
		expect(again.output()).toMatch(/SIGTERM: closing/);
	});
});
