/**
 * A primary and a replica on separate SQLite files behind one real redis-server: the replica
 * boots from the primary's snapshot, follows its commits through the Redis stream (its API
 * and its live clients see what the primary's see, with the same seqs), resumes after a
 * restart without gaps, and refuses writes with the primary's address; presenter sessions,
 * kept in Redis, work across both.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedSession, SessionViewEvent } from '../../src/lib/domain/session.ts';
import {
	follow,
	lead,
	liveClient,
	SAMPLE_VIEW,
	subscribe,
	type LiveClient
} from '../support/live.ts';
import { startRedis, type RunningRedis } from '../support/redis.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { startServer, tempDir, type RunningServer } from '../support/server.ts';

const TOKEN = 'replica-admin-token-0123456789';
const REPLICATION_TOKEN = 'replication-token-0123456789';

let redis: RunningRedis;
let primary: RunningServer;
let replica: RunningServer;
const replicaDir = tempDir('crossings-replica-');
const replicaDatabase = join(replicaDir, 'replica.db');
const opened: LiveClient[] = [];

function startReplica(): Promise<RunningServer> {
	return startServer({
		databasePath: replicaDatabase,
		env: {
			ROLE: 'replica',
			REDIS_URL: redis.url,
			PRIMARY_URL: primary.url,
			REPLICATION_TOKEN
		}
	});
}

/** Every write sets France from 1 March 2021 to a level unlike the one before: always a change. */
let writes = 0;
async function write(): Promise<number> {
	const response = await fetch(`${primary.url}/api/restrictions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
		body: JSON.stringify({
			iso3: 'FRA',
			effective_from: '2021-03-01',
			level: [4, 1, 3, 0][writes++ % 4],
			note: `write ${writes}`
		})
	});
	expect(response.status).toBe(201);
	return ((await response.json()) as { seq: number }).seq;
}

const json = async (url: string) => {
	const response = await fetch(url);
	expect(response.status).toBe(200);
	return response.json();
};
const seqOf = async (url: string) => ((await json(`${url}/api/health`)) as { seq: number }).seq;

/** Waits until the replica's last seq is the primary's. */
async function caughtUp(timeoutMs = 5000): Promise<void> {
	const want = await seqOf(primary.url);
	const deadline = Date.now() + timeoutMs;
	while ((await seqOf(replica.url)) !== want) {
		if (Date.now() > deadline) throw new Error(`replica did not reach seq ${want}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** The reads a replica must answer exactly as its primary does. */
async function expectSameReads(): Promise<void> {
	const seq = await seqOf(primary.url);
	for (const path of [
		'/api/border-status?date=2020-04-15',
		'/api/border-status?date=2021-03-02',
		'/api/border-status/FRA',
		'/api/restrictions?country=FRA',
		'/api/remittances?year=2019&measure=received',
		'/api/corridors?country=MEX&direction=in&limit=20',
		'/api/corridors?country=MEX&direction=out&limit=20',
		'/api/remittances/monthly/MEX',
		'/api/visa?destination=QAT&date=2022-12-01',
		`/api/changes?after=${Math.max(0, seq - 300)}&limit=1000`,
		'/api/changes?after=0&limit=200'
	]) {
		expect(await json(`${replica.url}${path}`), path).toEqual(await json(`${primary.url}${path}`));
	}
}

beforeAll(async () => {
	redis = await startRedis();
	primary = await startServer({
		databasePath: seededDatabaseCopy(),
		env: { REDIS_URL: redis.url, ADMIN_TOKEN: TOKEN, REPLICATION_TOKEN }
	});
	replica = await startReplica();
}, 120_000);
afterAll(async () => {
	for (const c of opened) c.close();
	await replica?.stop();
	await primary?.stop();
	await redis?.stop();
	rmSync(dirname(replicaDatabase), { recursive: true, force: true });
});

describe('a replica following its primary through Redis', () => {
	it('bootstraps from a snapshot and answers reads as the primary does', async () => {
		expect(replica.output()).toMatch(/bootstrapped from .* at seq \d+/);
		expect(await seqOf(replica.url)).toBe(await seqOf(primary.url));
		expect(await json(`${replica.url}/api/health`)).toMatchObject({ role: 'replica' });
		expect(await json(`${primary.url}/api/health`)).toMatchObject({ role: 'primary' });
		await expectSameReads();
	});

	it("brings an editor's write to the replica's API and to its live clients once, same seq", async () => {
		const client = liveClient(replica.url);
		opened.push(client);
		expect((await subscribe(client, { layers: ['border-status'] })).ok).toBe(true);
		const started = performance.now();
		const seq = await write();
		await client.waitForEvents(1);
		const lag = performance.now() - started;
		console.log(`replica lag (write on primary → event on replica client): ${lag.toFixed(0)} ms`);
		// Time for a duplicate to show up.
		await new Promise((r) => setTimeout(r, 500));
		expect(client.events.map((e) => e.seq)).toEqual([seq]);
		expect(client.events[0]!.items!.length).toBeGreaterThan(0);
		await caughtUp();
		await expectSameReads();
	});

	it('resumes after a restart from its last applied seq, without gaps', async () => {
		await replica.stop();
		const seqs = [await write(), await write()];
		replica = await startReplica();
		expect(replica.output()).not.toMatch(/bootstrapped/);
		const started = performance.now();
		await caughtUp();
		console.log(
			`replica restart: caught up with 2 commits in ${(performance.now() - started).toFixed(0)} ms after listening`
		);
		await expectSameReads();
		// A client resuming from before the two writes gets them, in order, from the replica.
		const client = liveClient(replica.url);
		opened.push(client);
		const after = seqs[0]! - 1;
		expect((await subscribe(client, { layers: ['border-status'], after })).ok).toBe(true);
		await client.waitForEvents(2);
		expect(client.events.map((e) => e.seq)).toEqual(seqs);
	});

	it('takes a new snapshot when the stream was trimmed past its seq', async () => {
		await replica.stop();
		await write();
		// The entry the replica needs next is gone, as after a long absence (MAXLEN).
		const admin = new Redis(redis.url);
		await admin.xtrim('crossings:commits', 'MAXLEN', 0);
		admin.disconnect();
		await write();
		replica = await startReplica();
		await caughtUp(10_000);
		expect(replica.output()).toMatch(/gap in the commit stream, taking a snapshot/);
		await expectSameReads();
	});

	it('refuses writes with 503 and the address of the primary', async () => {
		const response = await fetch(`${replica.url}/api/restrictions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
			body: JSON.stringify({ iso3: 'FRA', effective_from: '2021-03-01', level: 2 })
		});
		expect(response.status).toBe(503);
		const body = (await response.json()) as { error: string; primary: string };
		expect(body.error).toContain(primary.url);
		expect(body.primary).toBe(primary.url);
		expect((await fetch(`${replica.url}/api/restrictions/1`, { method: 'DELETE' })).status).toBe(
			503
		);
	});

	it('shares presenter sessions with the primary through Redis: created on either, led on one, followed on the other', async () => {
		for (const [creator, presenter, audience] of [
			[replica, primary, replica],
			[primary, replica, primary]
		] as const) {
			const response = await fetch(`${creator.url}/api/sessions`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ title: 'Replicated webinar' })
			});
			expect(response.status).toBe(201);
			const created = (await response.json()) as CreatedSession;
			const leader = liveClient(presenter.url);
			const follower = liveClient(audience.url);
			opened.push(leader, follower);
			const heard: SessionViewEvent[] = [];
			follower.on('session:view', (event) => heard.push(event));
			const joined = await follow(follower, created.id);
			expect(joined).toMatchObject({
				ok: true,
				title: 'Replicated webinar',
				view: null,
				version: 0
			});
			for (let i = 1; i <= 5; i++) {
				const view = { ...SAMPLE_VIEW, time: `2020-04-1${i}` };
				expect(await lead(leader, { id: created.id, key: created.presenterKey, view })).toEqual({
					ok: true,
					version: i
				});
			}
			expect(
				await lead(leader, { id: created.id, key: 'x'.repeat(43), view: SAMPLE_VIEW })
			).toEqual({ ok: false, error: 'wrong presenter key' });
			const deadline = Date.now() + 5000;
			while (heard.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
			await new Promise((r) => setTimeout(r, 200));
			expect(heard.map((e) => [e.version, e.view.time])).toEqual(
				[1, 2, 3, 4, 5].map((v) => [v, `2020-04-1${v}`])
			);
			// Both machines answer the session alike, and neither gives away the key.
			const [onPrimary, onReplica] = await Promise.all(
				[primary, replica].map((s) => json(`${s.url}/api/sessions/${created.id}`))
			);
			expect(onReplica).toEqual(onPrimary);
			expect(onPrimary).toMatchObject({ version: 5, view: { time: '2020-04-15' } });
			expect(JSON.stringify(onPrimary)).not.toContain(created.presenterKey);
			leader.close();
			follower.close();
		}
	});

	it('refuses a snapshot without the replication token', async () => {
		expect((await fetch(`${primary.url}/api/replication/snapshot`)).status).toBe(401);
	});
});
