import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesEvent } from '../../src/lib/domain/live.ts';
import { readGrid, writeGrid } from '../support/c8Variants.ts';
import { liveClient, subscribe, type LiveClient } from '../support/live.ts';
import { C8_SNAPSHOT, ROOT, startServer, tempDir, type RunningServer } from '../support/server.ts';

const TOKEN = 'test-token-0123456789';
const snapshot = readFileSync(C8_SNAPSHOT, 'utf8');
const dir = tempDir();

/** The snapshot with a few cells changed: a later vintage with revisions. */
function revised(cells: [iso3: string, header: string, level: string][]): string {
	const grid = readGrid(snapshot);
	for (const [iso3, header, level] of cells) {
		const row = grid.find((r) => r[1] === iso3)!;
		row[grid[0]!.indexOf(header)] = level;
	}
	return writeGrid(grid, { quoteAll: true });
}

function ingestCli(
	file: string,
	dbPath: string
): Promise<{ status: number | null; stdout: string }> {
	return new Promise((resolve) => {
		const child = spawn(
			join(ROOT, 'node_modules', '.bin', 'tsx'),
			[join(ROOT, 'scripts', 'ingest.ts'), 'oxcgrt-c8', '--file', file, '--db', dbPath],
			{ cwd: ROOT }
		);
		let stdout = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d));
		child.on('close', (status) => resolve({ status, stdout }));
	});
}

let server: RunningServer;
const health = async () =>
	(await (await fetch(`${server.url}/api/health`)).json()) as { seq: number };
const post = (body: unknown, token: string | null = TOKEN, type = 'application/json') =>
	fetch(`${server.url}/api/restrictions`, {
		method: 'POST',
		headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});

async function clients(n: number, after: number): Promise<LiveClient[]> {
	const all = Array.from({ length: n }, () => liveClient(server.url));
	const acks = await Promise.all(
		all.map((c) => subscribe(c, { layers: ['border-status'], after }))
	);
	expect(acks.every((a) => a.ok)).toBe(true);
	return all;
}
const closeAll = (all: LiveClient[]) => all.forEach((c) => c.close());
/** Lets any late or duplicate event arrive before counting. */
const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
	server = await startServer({
		databasePath: join(dir, 'live.db'),
		env: { ADMIN_TOKEN: TOKEN }
	});
});
afterAll(() => server?.stop());

describe('live updates over Socket.IO /live', () => {
	it('delivers an API write to 300 clients as one event each', async () => {
		const { seq } = await health();
		const all = await clients(300, seq);
		const started = Date.now();
		const response = await post({
			iso3: 'FRA',
			effective_from: '2021-06-20',
			level: 4,
			note: 'Test closure',
			source_url: 'https://example.org/fra'
		});
		expect(response.status).toBe(201);
		const { seq: written } = (await response.json()) as { seq: number };
		await Promise.all(all.map((c) => c.waitForEvents(1, 10_000)));
		const elapsed = Date.now() - started;
		await settle();
		for (const c of all) {
			expect(c.events).toEqual([
				{
					seq: written,
					after: seq,
					items: [
						{
							seq: written,
							layer: 'border-status',
							iso3: 'FRA',
							period: '2021-06-20/..',
							old: expect.any(Number),
							new: 4,
							source: 'restrictions',
							note: 'Test closure',
							sourceUrl: 'https://example.org/fra'
						}
					]
				}
			]);
		}
		console.log(`API write reached 300 clients in ${elapsed} ms`);
		closeAll(all);
	});

	it('delivers a commit by the ingest CLI (another process) to 300 clients as one event', async () => {
		const { seq } = await health();
		const all = await clients(300, seq);
		const file = join(dir, 'revised-1.csv');
		writeFileSync(
			file,
			revised([
				['ITA', '15Apr2020', '0'],
				['BRA', '16Apr2020', '0']
			])
		);
		const started = Date.now();
		const run = await ingestCli(file, server.databasePath);
		expect(run.status).toBe(0);
		await Promise.all(all.map((c) => c.waitForEvents(1, 10_000)));
		const elapsed = Date.now() - started;
		await settle();
		for (const c of all) {
			expect(c.events).toHaveLength(1);
			expect(c.events[0]!.after).toBe(seq);
			expect(c.events[0]!.items!.map((i) => [i.iso3, i.period, i.new])).toEqual([
				['BRA', '2020-04-16', 0],
				['ITA', '2020-04-15', 0]
			]);
		}
		console.log(`CLI commit reached 300 clients in ${elapsed} ms (including process start)`);
		closeAll(all);
	});

	it('sends nothing when the same file is ingested again', async () => {
		const { seq } = await health();
		const all = await clients(5, seq);
		const run = await ingestCli(join(dir, 'revised-1.csv'), server.databasePath);
		expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({ rowsChanged: 0 });
		await settle(500);
		expect(all.map((c) => c.events.length)).toEqual([0, 0, 0, 0, 0]);
		expect((await health()).seq).toBe(seq);
		closeAll(all);
	});

	it('replays exactly the missed changes, in order, to a client that comes back', async () => {
		const watcher = (await clients(1, (await health()).seq))[0]!;
		const offline = (await clients(1, (await health()).seq))[0]!;
		const seenBefore = (await health()).seq;
		offline.close();
		for (const [iso3, level] of [
			['DEU', 1],
			['ESP', 2],
			['DEU', 3]
		] as const) {
			const r = await post({ iso3, effective_from: '2021-06-25', level });
			expect(r.status).toBe(201);
		}
		await watcher.waitForEvents(3);
		const back = (await clients(1, seenBefore))[0]!;
		await back.waitForEvents(3);
		await settle();
		expect(back.events).toEqual(watcher.events);
		expect(back.events.map((e) => e.after)).toEqual([seenBefore, seenBefore + 1, seenBefore + 2]);
		expect(back.events.map((e) => e.items![0]!.old)).toEqual([
			expect.any(Number),
			expect.any(Number),
			1
		]);
		closeAll([watcher, back]);
	});

	it('replays exactly across a server restart', async () => {
		const before = (await health()).seq;
		await server.stop();
		// While the server is down, another process commits.
		const file = join(dir, 'revised-2.csv');
		writeFileSync(
			file,
			revised([
				['ITA', '15Apr2020', '0'],
				['BRA', '16Apr2020', '0'],
				['JPN', '01May2020', '0']
			])
		);
		expect((await ingestCli(file, join(dir, 'live.db'))).status).toBe(0);
		server = await startServer({ databasePath: join(dir, 'live.db'), env: { ADMIN_TOKEN: TOKEN } });
		const back = (await clients(1, before))[0]!;
		const [event] = await back.waitForEvents(1);
		expect(event).toMatchObject({ after: before, seq: before + 1 });
		expect(event!.items).toEqual([
			{
				seq: before + 1,
				layer: 'border-status',
				iso3: 'JPN',
				period: '2020-05-01',
				old: expect.any(Number),
				new: 0,
				source: 'oxcgrt-c8'
			}
		]);
		await settle();
		expect(back.events).toHaveLength(1);
		back.close();
	});

	it('announces a very large commit as a reload of its layer', async () => {
		const back = (await clients(1, 0))[0]!;
		const [first] = await back.waitForEvents(1);
		expect(first).toEqual({ seq: expect.any(Number), after: 0, reload: ['border-status'] });
		back.close();
	});

	it('never skips, repeats or reorders seqs while several writers commit at once', async () => {
		const { seq } = await health();
		const all = await clients(20, seq);
		const writes = Array.from({ length: 12 }, (_, i) =>
			post({
				iso3: ['NOR', 'SWE', 'FIN'][i % 3],
				effective_from: `2021-06-${10 + i}`,
				level: i % 5
			})
		);
		const files = [3, 4].map((k) => {
			const file = join(dir, `concurrent-${k}.csv`);
			writeFileSync(file, revised([['AUS', `0${k}Mar2021`, '0']]));
			return file;
		});
		const [responses, runs] = await Promise.all([
			Promise.all(writes),
			Promise.all(files.map((f) => ingestCli(f, server.databasePath)))
		]);
		expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
		expect(runs.map((r) => r.status)).toEqual([0, 0]);
		const last = (await health()).seq;
		for (const c of all) {
			await expect.poll(() => c.events.at(-1)?.seq, { timeout: 10_000 }).toBe(last);
			// Each event starts where the previous one ended.
			let previous = seq;
			for (const event of c.events) {
				expect(event.after).toBe(previous);
				previous = event.seq;
			}
		}
		closeAll(all);
	});
});

describe('several server processes on one database', () => {
	it('deliver a commit made through one of them exactly once to clients of each', async () => {
		const second = await startServer({ databasePath: server.databasePath });
		try {
			const { seq } = await health();
			const onFirst = await clients(3, seq);
			const onSecond = Array.from({ length: 3 }, () => liveClient(second.url));
			await Promise.all(
				onSecond.map((c) => subscribe(c, { layers: ['border-status'], after: seq }))
			);
			const response = await post({ iso3: 'ISL', effective_from: '2021-06-05', level: 2 });
			const { seq: written } = (await response.json()) as { seq: number };
			await Promise.all([...onFirst, ...onSecond].map((c) => c.waitForEvents(1)));
			await settle();
			for (const c of [...onFirst, ...onSecond]) {
				expect(c.events.map((e) => e.seq)).toEqual([written]);
			}
			closeAll([...onFirst, ...onSecond]);
		} finally {
			await second.stop();
		}
	});
});

describe('POST /api/restrictions', () => {
	it('refuses writes without or with a wrong token', async () => {
		const body = { iso3: 'FRA', effective_from: '2021-06-01', level: 1 };
		for (const token of [null, 'wrong', `${TOKEN}x`]) {
			const response = await post(body, token);
			expect(response.status).toBe(401);
			expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
		}
	});

	it('refuses invalid bodies with 400 naming the field', async () => {
		const cases: [unknown, RegExp][] = [
			[{ iso3: 'FRA', effective_from: '2021-06-01', level: 5 }, /level: expected a level 0–4/],
			[
				{ iso3: 'FRA', effective_from: '2021-02-30', level: 1 },
				/effective_from: expected a calendar date/
			],
			[{ iso3: 'ZZZ', effective_from: '2021-06-01', level: 1 }, /iso3: unknown country code "ZZZ"/],
			[
				{ iso3: 'FRA', effective_from: '2021-06-01', level: 1, source_url: 'javascript:alert(1)' },
				/source_url: expected an http\(s\) URL/
			],
			[{ effective_from: '2021-06-01', level: 1 }, /iso3: /],
			['{"iso3": ', /body: not valid JSON/],
			[[], /row: .*expected object/]
		];
		for (const [body, message] of cases) {
			const response = await post(body);
			expect(response.status, JSON.stringify(body)).toBe(400);
			expect(((await response.json()) as { error: string }).error).toMatch(message);
		}
		// A form post is refused either by SvelteKit's CSRF guard (403) or by the endpoint (415).
		const form = await post('iso3=FRA', TOKEN, 'application/x-www-form-urlencoded');
		expect([403, 415]).toContain(form.status);
		expect((await post('{}', TOKEN, 'application/xml')).status).toBe(415);
	});

	it('holds the level from effective_from until the next restriction, over feed values', async () => {
		const day = async (date: string, iso3: string) =>
			(
				(await (await fetch(`${server.url}/api/border-status?date=${date}`)).json()) as {
					countries: { iso3: string; level: number | null; since: string | null }[];
				}
			).countries.find((c) => c.iso3 === iso3);
		const before = await day('2021-03-09', 'PRT');
		expect(
			(await post({ iso3: 'PRT', effective_from: '2021-03-10', level: 4, note: 'n1' })).status
		).toBe(201);
		expect((await post({ iso3: 'PRT', effective_from: '2021-04-01', level: 0 })).status).toBe(201);
		expect(await day('2021-03-09', 'PRT')).toEqual(before);
		expect(await day('2021-03-10', 'PRT')).toMatchObject({ level: 4, since: '2021-03-10' });
		expect(await day('2021-03-31', 'PRT')).toMatchObject({ level: 4, since: '2021-03-10' });
		expect(await day('2021-06-30', 'PRT')).toMatchObject({ level: 0, since: '2021-04-01' });
		// The same restriction again changes nothing and says so.
		const again = await post({ iso3: 'PRT', effective_from: '2021-04-01', level: 0 });
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ changed: false });
		// The change log keeps the editor's note.
		const { changes } = (await (
			await fetch(`${server.url}/api/changes?after=${(await health()).seq - 2}`)
		).json()) as { changes: { iso3: string; note: string | null; source: string }[] };
		expect(changes.map((c) => [c.iso3, c.note, c.source])).toEqual([
			['PRT', 'n1', 'restrictions'],
			['PRT', null, 'restrictions']
		]);
	});
});

describe('a server without ADMIN_TOKEN', () => {
	it('has writes disabled', async () => {
		const readOnly = await startServer();
		const response = await fetch(`${readOnly.url}/api/restrictions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer anything' },
			body: JSON.stringify({ iso3: 'FRA', effective_from: '2021-06-01', level: 1 })
		});
		expect(response.status).toBe(403);
		await readOnly.stop();
	});
});

export type { ChangesEvent };
