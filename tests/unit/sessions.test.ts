import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import { TokenBucket } from '../../src/lib/server/live/sessionSocket.ts';
import {
	createSession,
	parseSessionView,
	readSession,
	storeView,
	sweepExpiredSessions,
	verifyPresenter
} from '../../src/lib/server/live/sessions.ts';
import { SAMPLE_VIEW } from '../support/live.ts';
import { tempDir } from '../support/server.ts';

const VIEW = SAMPLE_VIEW;

describe('a presenter view', () => {
	it('is accepted as the contract describes it', () => {
		expect(parseSessionView(VIEW)).toEqual({ ok: true, view: VIEW });
		const bare = { ...VIEW, region: null, country: [], camera: null, story: null, caption: null };
		expect(parseSessionView(bare)).toEqual({ ok: true, view: bare });
		expect(parseSessionView({ ...VIEW, time: 'latest' }).ok).toBe(true);
		expect(parseSessionView({ ...VIEW, time: '2019' }).ok).toBe(true);
		const camera = { center: VIEW.camera!.center, zoom: VIEW.camera!.zoom };
		expect(parseSessionView({ ...VIEW, camera }).ok).toBe(true);
	});

	it('is refused with a message naming the field', () => {
		const error = (view: unknown) => {
			const result = parseSessionView(view);
			expect(result.ok).toBe(false);
			return result.ok ? '' : result.error;
		};
		const cam = VIEW.camera!;
		expect(error({ ...VIEW, layer: 'visas' })).toMatch(/^view\.layer: /);
		expect(error({ ...VIEW, time: '2020-02-30' })).toMatch(/^view\.time: expected latest/);
		expect(error({ ...VIEW, region: 'x'.repeat(101) })).toMatch(/^view\.region: /);
		expect(error({ ...VIEW, country: ['ita'] })).toMatch(/^view\.country\.0: expected an ISO/);
		expect(error({ ...VIEW, country: Array(51).fill('ITA') })).toMatch(/^view\.country: /);
		expect(error({ ...VIEW, measure: 'sent' })).toMatch(/^view\.measure: /);
		expect(error({ ...VIEW, camera: { ...cam, center: [181, 0] } })).toMatch(
			/^view\.camera\.center\.0: /
		);
		expect(error({ ...VIEW, camera: { ...cam, center: [0, -91] } })).toMatch(
			/^view\.camera\.center\.1: /
		);
		expect(error({ ...VIEW, camera: { ...cam, center: [0] } })).toMatch(/^view\.camera\.center/);
		expect(error({ ...VIEW, camera: { ...cam, zoom: 25 } })).toMatch(/^view\.camera\.zoom: /);
		expect(error({ ...VIEW, camera: { ...cam, zoom: Infinity } })).toMatch(/^view\.camera\.zoom/);
		expect(error({ ...VIEW, camera: { ...cam, zoom: NaN } })).toMatch(/^view\.camera\.zoom/);
		expect(error({ ...VIEW, camera: { ...cam, bearing: 30 } })).toMatch(/^view\.camera\.bearing/);
		expect(error({ ...VIEW, camera: { ...cam, pitch: 10 } })).toBe(
			'view.camera.pitch: unknown field'
		);
		expect(error({ ...VIEW, story: { id: 's', step: 1.5 } })).toMatch(/^view\.story\.step: /);
		expect(error({ ...VIEW, story: { id: 's', step: -1 } })).toMatch(/^view\.story\.step: /);
		expect(error({ ...VIEW, story: { id: 'x'.repeat(65), step: 0 } })).toMatch(
			/^view\.story\.id: /
		);
		expect(error({ ...VIEW, caption: 'x'.repeat(501) })).toMatch(/^view\.caption: /);
		expect(error({ ...VIEW, title: 'x'.repeat(201) })).toMatch(/^view\.title: /);
		expect(error({ ...VIEW, theme: 'dark' })).toBe('view.theme: unknown field');
		const untitled: Partial<typeof VIEW> = { ...VIEW };
		delete untitled.title;
		expect(error(untitled)).toMatch(/^view\.title: /);
		expect(error(null)).toMatch(/^view: /);
		expect(error({ ...VIEW, padding: 'x'.repeat(9000) })).toBe(
			'view: larger than 8192 bytes as JSON'
		);
	});
});

describe('sessions in the database', () => {
	const db = openDatabase(join(tempDir(), 'sessions.db'));
	afterAll(() => db.close());
	const HOUR = 3_600_000;
	const t0 = Date.parse('2026-01-01T00:00:00Z');

	it('are created with a 22-character id and a 43-character key, the key stored as a hash', () => {
		const a = createSession(db, { title: 'Webinar', now: t0, idleMs: HOUR });
		const b = createSession(db, { now: t0, idleMs: HOUR });
		expect(a.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(a.presenterKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(b.id).not.toBe(a.id);
		expect(b.presenterKey).not.toBe(a.presenterKey);
		expect(a.expiresAt).toBe('2026-01-01T01:00:00.000Z');
		expect(a.presentUrl).toBe(`/present?session=${a.id}&key=${a.presenterKey}`);
		expect(a.followUrl).toBe(`/?follow=${a.id}`);
		const stored = db.prepare('SELECT * FROM presenter_session WHERE id = ?').get(a.id);
		expect(JSON.stringify(stored)).not.toContain(a.presenterKey);
		expect(readSession(db, a.id, t0)).toEqual({
			id: a.id,
			title: 'Webinar',
			view: null,
			version: 0,
			updatedAt: '2026-01-01T00:00:00.000Z',
			expiresAt: '2026-01-01T01:00:00.000Z'
		});
	});

	it('are led with the key only, each view a new version that pushes the expiry back', () => {
		const s = createSession(db, { now: t0, idleMs: HOUR });
		expect(verifyPresenter(db, s.id, s.presenterKey, t0)).toBe('presenter');
		expect(verifyPresenter(db, s.id, s.presenterKey.slice(1) + 'A', t0)).toBe('wrong-key');
		expect(verifyPresenter(db, s.id, '', t0)).toBe('wrong-key');
		expect(verifyPresenter(db, 'nope', s.presenterKey, t0)).toBe('unknown');
		expect(storeView(db, s.id, VIEW, { now: t0 + 1000, idleMs: HOUR })).toEqual({
			version: 1,
			updatedAt: '2026-01-01T00:00:01.000Z',
			expiresAt: '2026-01-01T01:00:01.000Z'
		});
		const later = { ...VIEW, time: '2020-05-01' };
		expect(storeView(db, s.id, later, { now: t0 + 50 * 60_000, idleMs: HOUR })?.version).toBe(2);
		// Idle for less than an hour since the last lead: still there, with the last view.
		expect(readSession(db, s.id, t0 + 100 * 60_000)).toMatchObject({ view: later, version: 2 });
	});

	it('end after the idle time without a lead: refused as unknown, then swept', () => {
		const s = createSession(db, { now: t0, idleMs: HOUR });
		const after = t0 + HOUR;
		expect(readSession(db, s.id, after)).toBeNull();
		expect(verifyPresenter(db, s.id, s.presenterKey, after)).toBe('unknown');
		expect(storeView(db, s.id, VIEW, { now: after, idleMs: HOUR })).toBeNull();
		expect(sweepExpiredSessions(db, after)).toBeGreaterThanOrEqual(1);
		expect(db.prepare('SELECT 1 FROM presenter_session WHERE id = ?').get(s.id)).toBeUndefined();
	});
});

describe('the leads bucket', () => {
	it('lets a burst through, then one per refill, and says how long to wait', () => {
		const bucket = new TokenBucket(30, 60, 0);
		for (let i = 0; i < 60; i++) expect(bucket.take(0)).toBe(0);
		expect(bucket.take(0)).toBe(34);
		expect(bucket.take(34)).toBe(0);
		expect(bucket.take(34)).toBeGreaterThan(0);
		// Idle for long: back to the burst, no more.
		expect(bucket.take(60_000)).toBe(0);
		let taken = 1;
		while (bucket.take(60_000) === 0) taken++;
		expect(taken).toBe(60);
	});
});
