/**
 * Presenter follow sessions against the real server (server.ts on the built app) with real
 * socket.io clients: creating, leading, following, refusing, restarts, expiry and 200
 * followers mirroring a presenter within a second.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
	CreatedSession,
	SessionState,
	SessionView,
	SessionViewEvent
} from '../../src/lib/domain/session.ts';
import { follow, lead, liveClient, SAMPLE_VIEW, type LiveClient } from '../support/live.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { freePort, startServer, type RunningServer } from '../support/server.ts';

let server: RunningServer;
const opened: LiveClient[] = [];
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/** A socket that records the session views it hears. */
type Follower = LiveClient & { views: SessionViewEvent[] };
function client(url = server.url, options: { reconnect?: boolean } = {}): Follower {
	const socket = (
		options.reconnect
			? connect(`${url}/live`, {
					transports: ['websocket'],
					forceNew: true,
					reconnectionDelay: 100,
					reconnectionDelayMax: 200
				})
			: liveClient(url)
	) as Follower;
	socket.views = [];
	socket.on('session:view', (event) => socket.views.push(event));
	opened.push(socket);
	return socket;
}

function postSession(
	body?: string | object,
	type = 'application/json',
	url = server.url
): Promise<Response> {
	return fetch(`${url}/api/sessions`, {
		method: 'POST',
		...(body === undefined
			? {}
			: {
					headers: { 'content-type': type },
					body: typeof body === 'string' ? body : JSON.stringify(body)
				})
	});
}

async function newSession(title?: string, url = server.url): Promise<CreatedSession> {
	const response = await postSession(title === undefined ? undefined : { title }, undefined, url);
	expect(response.status).toBe(201);
	return (await response.json()) as CreatedSession;
}

const getSession = (id: string, url = server.url) => fetch(`${url}/api/sessions/${id}`);
const view = (step: number, overrides: Partial<SessionView> = {}): SessionView => ({
	...SAMPLE_VIEW,
	story: { id: 'spring-2020', step },
	...overrides
});

beforeAll(async () => {
	server = await startServer({
		databasePath: seededDatabaseCopy(),
		env: { SESSIONS_PER_HOUR: '1000' }
	});
});
afterAll(async () => {
	for (const c of opened) c.close();
	await server?.stop();
});

describe('POST /api/sessions', () => {
	it('creates sessions with fresh ids and keys; GET shows one without its key', async () => {
		const response = await postSession({ title: 'Border closures in spring 2020' });
		expect(response.status).toBe(201);
		expect(response.headers.get('cache-control')).toBe('no-store');
		const a = (await response.json()) as CreatedSession;
		const b = await newSession();
		for (const s of [a, b]) {
			expect(s.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
			expect(s.presenterKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
			expect(s.presentUrl).toBe(`/present?session=${s.id}&key=${s.presenterKey}`);
			expect(s.followUrl).toBe(`/?follow=${s.id}`);
			expect(Date.parse(s.expiresAt) - Date.now()).toBeGreaterThan(11.9 * 3_600_000);
		}
		expect(b.id).not.toBe(a.id);
		expect(b.presenterKey).not.toBe(a.presenterKey);

		const got = await getSession(a.id);
		expect(got.status).toBe(200);
		expect(got.headers.get('cache-control')).toBe('no-store');
		expect(got.headers.get('etag')).toBeNull();
		const text = await got.text();
		expect(text).not.toContain(a.presenterKey);
		expect(JSON.parse(text)).toEqual({
			id: a.id,
			title: 'Border closures in spring 2020',
			view: null,
			version: 0,
			updatedAt: expect.any(String),
			expiresAt: a.expiresAt
		});
		expect(((await (await getSession(b.id)).json()) as SessionState).title).toBeNull();
	});

	it('answers 404 for an unknown session, 400 for an invalid body, 415 for another type', async () => {
		const unknown = await getSession('AAAAAAAAAAAAAAAAAAAAAA');
		expect(unknown.status).toBe(404);
		expect(unknown.headers.get('cache-control')).toBe('no-store');
		expect(await unknown.json()).toEqual({ error: 'unknown or expired session' });

		const cases: [string | object, RegExp][] = [
			[{ title: 5 }, /^title: /],
			[{ title: 'x'.repeat(201) }, /^title: /],
			[{ title: 'ok', key: 'mine' }, /^key: unknown field$/],
			[[1], /^body: /],
			['{"title":', /^body: not valid JSON$/]
		];
		for (const [body, message] of cases) {
			const r = await postSession(body);
			expect(r.status, JSON.stringify(body)).toBe(400);
			expect(((await r.json()) as { error: string }).error).toMatch(message);
		}
		for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
			const r = await postSession('title=x', type);
			expect(r.status, type).toBe(415);
		}
		expect((await postSession({}, 'application/json; charset=utf-8')).status).toBe(201);
	});
});

describe('a presenter and followers', () => {
	it('gives a late follower the current view at once, then every change in order', async () => {
		const session = await newSession('Webinar');
		const presenter = client();
		expect(
			await lead(presenter, { id: session.id, key: session.presenterKey, view: view(0) })
		).toEqual({ ok: true, version: 1 });
		expect(
			await lead(presenter, { id: session.id, key: session.presenterKey, view: view(1) })
		).toEqual({ ok: true, version: 2 });

		const late = client();
		expect(await follow(late, session.id)).toEqual({
			ok: true,
			title: 'Webinar',
			view: view(1),
			version: 2
		});
		// Following twice joins once: nothing arrives twice.
		expect((await follow(late, session.id)).ok).toBe(true);
		for (let step = 2; step < 12; step++) {
			const ack = await lead(presenter, {
				id: session.id,
				key: session.presenterKey,
				view: view(step)
			});
			expect(ack).toEqual({ ok: true, version: step + 1 });
		}
		await settle(200);
		expect(late.views.map((e) => e.version)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
		expect(late.views.map((e) => e.view.story?.step)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
		expect(late.views.every((e) => e.id === session.id)).toBe(true);
		// The presenter follows nothing: it hears no echo of its own views.
		expect(presenter.views).toEqual([]);

		const state = (await (await getSession(session.id)).json()) as SessionState;
		expect(state).toMatchObject({ view: view(11), version: 12 });

		// A follower that asks without an ack gets the current view as an event.
		const eventOnly = client();
		eventOnly.emit('session:follow', { id: session.id });
		await settle(200);
		expect(eventOnly.views).toEqual([{ id: session.id, view: view(11), version: 12 }]);

		// After unfollowing, nothing more.
		late.emit('session:unfollow', { id: session.id });
		await settle(100);
		await lead(presenter, { id: session.id, key: session.presenterKey, view: view(12) });
		await settle(200);
		expect(late.views).toHaveLength(10);
		expect(eventOnly.views.at(-1)?.version).toBe(13);
	});

	it('refuses leads without the right key, and never sends the key to followers', async () => {
		const session = await newSession();
		const other = await newSession();
		const presenter = client();
		const follower = client();
		const followAck = await follow(follower, session.id);
		expect(followAck).toEqual({ ok: true, title: null, view: null, version: 0 });

		const refusals = [
			await lead(follower, { id: session.id, key: other.presenterKey, view: view(0) }),
			await lead(follower, { id: session.id, view: view(0) }),
			await lead(follower, { id: session.id, key: '', view: view(0) }),
			await lead(follower, { id: session.id, key: 42, view: view(0) }),
			await lead(follower, { id: 'AAAAAAAAAAAAAAAAAAAAAA', key: other.presenterKey, view: view(0) })
		];
		expect(refusals).toEqual([
			{ ok: false, error: 'wrong presenter key' },
			{ ok: false, error: 'key: the presenter key is required' },
			{ ok: false, error: 'wrong presenter key' },
			{ ok: false, error: 'key: the presenter key is required' },
			{ ok: false, error: 'unknown or expired session' }
		]);
		// A key proven for one session leads no other, even on the same socket.
		expect(await lead(presenter, { id: other.id, key: other.presenterKey, view: view(0) })).toEqual(
			{ ok: true, version: 1 }
		);
		expect(
			(await lead(presenter, { id: session.id, key: other.presenterKey, view: view(0) })).ok
		).toBe(false);
		await settle(200);
		expect(follower.views).toEqual([]);
		expect(((await (await getSession(session.id)).json()) as SessionState).version).toBe(0);

		// The presenter leads; nothing the follower receives carries the key.
		expect(
			await lead(presenter, { id: session.id, key: session.presenterKey, view: view(5) })
		).toEqual({ ok: true, version: 1 });
		await settle(200);
		expect(follower.views).toEqual([{ id: session.id, view: view(5), version: 1 }]);
		const heard = JSON.stringify([followAck, follower.views, await follow(follower, session.id)]);
		expect(heard).not.toContain(session.presenterKey);
		expect(await (await getSession(session.id)).text()).not.toContain(session.presenterKey);
	});

	it('refuses invalid views with a message naming the field, storing and sending nothing', async () => {
		const session = await newSession();
		const presenter = client();
		const follower = client();
		await follow(follower, session.id);
		const key = session.presenterKey;
		const bad: [unknown, string | RegExp][] = [
			[{ ...view(0), camera: { center: [200, 0], zoom: 3 } }, /^view\.camera\.center\.0: /],
			[
				{ ...view(0), camera: { center: [0, 0], zoom: 3, pitch: 40 } },
				'view.camera.pitch: unknown field'
			],
			[{ ...view(0), layer: 'visas' }, /^view\.layer: /],
			[{ ...view(0), time: 'yesterday' }, /^view\.time: /],
			[{ ...view(0), country: ['XX'] }, /^view\.country\.0: /],
			[{ ...view(0), caption: 'x'.repeat(501) }, /^view\.caption: /],
			[{ ...view(0), story: { id: 's', step: -1 } }, /^view\.story\.step: /],
			[{ ...view(0), secret: 1 }, 'view.secret: unknown field'],
			[{ ...view(0), note: 'x'.repeat(10_000) }, 'view: larger than 8192 bytes as JSON'],
			[undefined, /^view: /]
		];
		for (const [v, message] of bad) {
			const ack = await lead(presenter, { id: session.id, key, view: v });
			expect(ack.ok, JSON.stringify(v)?.slice(0, 80)).toBe(false);
			expect(ack.ok ? '' : ack.error).toMatch(message);
		}
		await settle(200);
		expect(follower.views).toEqual([]);
		expect(((await (await getSession(session.id)).json()) as SessionState).version).toBe(0);
	});

	it('limits leads per socket: a burst passes, the rest is refused and not stored', async () => {
		const session = await newSession();
		const presenter = client();
		const follower = client();
		await follow(follower, session.id);
		const acks = await Promise.all(
			Array.from({ length: 90 }, (_, i) =>
				lead(presenter, { id: session.id, key: session.presenterKey, view: view(i) })
			)
		);
		const accepted = acks.filter((a) => a.ok);
		const refused = acks.filter((a) => !a.ok);
		expect(accepted.length).toBeGreaterThanOrEqual(60);
		expect(refused.length).toBeGreaterThan(0);
		expect(refused[0]).toMatchObject({ error: expect.stringMatching(/too many leads/) });
		expect((refused[0] as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
		await settle(300);
		const versions = follower.views.map((e) => e.version);
		expect(versions).toEqual(accepted.map((_, i) => i + 1));
		expect(((await (await getSession(session.id)).json()) as SessionState).version).toBe(
			accepted.length
		);
	});
});

describe('200 followers', () => {
	it('each receive every view in order, within a second of the lead', async () => {
		const FOLLOWERS = 200;
		const VIEWS = 20;
		const session = await newSession('Fan-out');
		const presenter = client();
		const followers = Array.from({ length: FOLLOWERS }, () => client());
		const acks = await Promise.all(followers.map((f) => follow(f, session.id)));
		expect(acks.every((a) => a.ok)).toBe(true);

		const latencies: number[] = [];
		for (let version = 1; version <= VIEWS; version++) {
			const sent = performance.now();
			const arrived = new Promise<void>((resolve, reject) => {
				let waiting = FOLLOWERS;
				const timer = setTimeout(
					() => reject(new Error(`version ${version}: ${waiting} followers waited over 1 s`)),
					1000
				);
				for (const f of followers) {
					f.once('session:view', (e) => {
						if (e.version !== version) reject(new Error(`got ${e.version}, expected ${version}`));
						latencies.push(performance.now() - sent);
						if (--waiting === 0) {
							clearTimeout(timer);
							resolve();
						}
					});
				}
			});
			const ack = lead(presenter, {
				id: session.id,
				key: session.presenterKey,
				view: view(version, { time: `2020-04-${String(version).padStart(2, '0')}` })
			});
			await arrived;
			expect(await ack).toEqual({ ok: true, version });
		}
		await settle(200);
		for (const f of followers) {
			expect(f.views.map((e) => e.version)).toEqual(Array.from({ length: VIEWS }, (_, i) => i + 1));
		}
		latencies.sort((a, b) => a - b);
		const at = (q: number) =>
			latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
		console.log(
			`session fan-out to ${FOLLOWERS} followers × ${VIEWS} views: p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`
		);
		expect(latencies).toHaveLength(FOLLOWERS * VIEWS);
		expect(at(1)).toBeLessThan(1000);
		for (const f of followers) f.close();
	});
});

describe('a restart', () => {
	it('keeps the session: followers reconnect and follow again, the presenter leads on', async () => {
		const port = await freePort();
		const databasePath = seededDatabaseCopy();
		const env = { PORT: String(port) };
		let first: RunningServer | undefined = await startServer({ databasePath, env });
		let second: RunningServer | undefined;
		try {
			const session = await newSession('Survives', first.url);
			const presenter = client(first.url, { reconnect: true });
			const follower = client(first.url, { reconnect: true });
			// What a page does: follow again on every (re)connection.
			const followAcks: unknown[] = [];
			const followOnConnect = () =>
				void follow(follower, session.id).then((a) => followAcks.push(a));
			follower.on('connect', followOnConnect);
			if (follower.connected) followOnConnect();
			while (followAcks.length < 1) await settle(20);

			const key = session.presenterKey;
			expect(await lead(presenter, { id: session.id, key, view: view(1) })).toEqual({
				ok: true,
				version: 1
			});
			await settle(100);
			expect(follower.views.map((e) => e.version)).toEqual([1]);

			await first.stop();
			first = undefined;
			second = await startServer({ databasePath, env });
			const deadline = Date.now() + 10_000;
			while (followAcks.length < 2 && Date.now() < deadline) await settle(50);
			expect(followAcks[1]).toEqual({ ok: true, title: 'Survives', view: view(1), version: 1 });
			while (!presenter.connected && Date.now() < deadline) await settle(50);
			expect(await lead(presenter, { id: session.id, key, view: view(2) })).toEqual({
				ok: true,
				version: 2
			});
			await settle(200);
			expect(follower.views.map((e) => e.version)).toEqual([1, 2]);
			expect(follower.views.at(-1)?.view).toEqual(view(2));
		} finally {
			for (const c of opened.splice(0)) c.close();
			await first?.stop();
			await second?.stop();
		}
	});
});

describe('idle sessions', () => {
	it('expire: follow and lead are refused as unknown, the API says 404; creating is rate-limited', async () => {
		const tight = await startServer({
			databasePath: seededDatabaseCopy(),
			// 0.0003 h ≈ 1.1 s without a lead.
			env: { SESSION_IDLE_HOURS: '0.0003', SESSIONS_PER_HOUR: '3' }
		});
		try {
			const session = await newSession(undefined, tight.url);
			const presenter = client(tight.url);
			const follower = client(tight.url);
			const key = session.presenterKey;
			expect((await lead(presenter, { id: session.id, key, view: view(1) })).ok).toBe(true);
			expect((await follow(follower, session.id)).ok).toBe(true);
			await settle(1300);
			const refused = { ok: false, error: 'unknown or expired session' };
			expect(await follow(client(tight.url), session.id)).toEqual(refused);
			expect(await lead(presenter, { id: session.id, key, view: view(2) })).toEqual(refused);
			expect((await getSession(session.id, tight.url)).status).toBe(404);

			// Two more sessions make three this hour: the fourth is refused with a Retry-After.
			await newSession(undefined, tight.url);
			await newSession(undefined, tight.url);
			const fourth = await postSession(undefined, undefined, tight.url);
			expect(fourth.status).toBe(429);
			expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
			expect(((await fourth.json()) as { error: string }).error).toMatch(/too many sessions/);
		} finally {
			await tight.stop();
		}
	});
});
