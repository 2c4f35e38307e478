/**
 * The new layers are live like the others: a Passport Index snapshot, a COBAP revision and a
 * Banco de México month ingested by the CLI (another process) reach subscribed clients as one
 * event each, on the layers they subscribed to, and the same file again sends nothing.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesEvent } from '../../src/lib/domain/live.ts';
import { liveClient, subscribe, type LiveClient } from '../support/live.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { ROOT, startServer, tempDir, type RunningServer } from '../support/server.ts';

const dir = tempDir();
const data = (file: string) => readFileSync(join(ROOT, 'data', file), 'utf8');

function ingestCli(
	args: string[],
	dbPath: string
): Promise<{ status: number | null; out: string }> {
	return new Promise((resolve) => {
		const child = spawn(
			process.execPath,
			['--import', 'tsx', join(ROOT, 'scripts', 'ingest.ts'), ...args, '--db', dbPath],
			{ cwd: ROOT }
		);
		let out = '';
		child.stdout.on('data', (d: Buffer) => (out += d));
		child.stderr.on('data', (d: Buffer) => (out += d));
		child.on('close', (status) => resolve({ status, out }));
	});
}

let server: RunningServer;
let client: LiveClient;
const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
	server = await startServer({ databasePath: seededDatabaseCopy() });
	client = liveClient(server.url);
	const { seq } = (await (await fetch(`${server.url}/api/health`)).json()) as { seq: number };
	const ack = await subscribe(client, {
		layers: ['entry', 'bans', 'remittances-monthly'],
		after: seq
	});
	expect(ack.ok).toBe(true);
}, 120_000);
afterAll(async () => {
	client?.close();
	await server?.stop();
});

/**
 * Ingests `file` and returns the events it brought: waits for one when one is `expected`,
 * then lets any late or duplicate one arrive.
 */
async function ingested(
	args: string[],
	file: string,
	text: string,
	expected = true
): Promise<ChangesEvent[]> {
	writeFileSync(file, text);
	const before = client.events.length;
	const run = await ingestCli([...args, '--file', file], server.databasePath);
	expect(run.status, run.out).toBe(0);
	if (expected) await client.waitForEvents(before + 1, 10_000);
	await settle(expected ? 500 : 1500);
	return client.events.slice(before);
}

describe('live updates of the bilateral layers', () => {
	it('sends a new Passport Index snapshot as one entry event', async () => {
		const text = data('passport-index/legacy/2023-01-11/passport-index-tidy-iso3.csv')
			.replace('\nMEX,USA,visa required\n', '\nMEX,USA,e-visa\n')
			.replace('\nGBR,QAT,30\n', '\nGBR,QAT,90\n');
		const file = join(dir, 'passport-2023-06-01.csv');
		const events = await ingested(['passport-index', '--date', '2023-06-01'], file, text);
		expect(events).toHaveLength(1);
		const items = events[0]!.items!;
		expect(items.map((i) => [i.layer, i.iso3, i.period]).sort()).toEqual([
			['entry', 'QAT', '2023-06-01'],
			['entry', 'USA', '2023-06-01']
		]);
		// The API answers from the new snapshot at once.
		const visa = (await (
			await fetch(`${server.url}/api/visa?passport=MEX&date=2023-06-02`)
		).json()) as { snapshot: string; destinations: { iso3: string; requirement: string }[] };
		expect(visa.snapshot).toBe('2023-06-01');
		expect(visa.destinations.find((d) => d.iso3 === 'USA')!.requirement).toBe('e-visa');
		// The same file again: nothing.
		expect(await ingested(['passport-index', '--date', '2023-06-01'], file, text, false)).toEqual(
			[]
		);
	});

	it('sends a COBAP revision and a Banco de México month on their layers', async () => {
		// Cyprus's CY36 a week longer.
		const cobap = data('cobap/policy_list.csv').replace(
			/\r\n(CY36,[^\r]*?)06_21_21,06_28_21/,
			(_, head: string) => `\r\n${head}06_21_21,07_05_21`
		);
		expect(cobap).not.toBe(data('cobap/policy_list.csv'));
		const bans = await ingested(['cobap'], join(dir, 'policy_list.csv'), cobap);
		expect(bans).toHaveLength(1);
		expect(new Set(bans[0]!.items!.map((i) => i.layer))).toEqual(new Set(['bans']));
		expect(bans[0]!.items!.every((i) => i.iso3 === 'CYP')).toBe(true);

		const monthly = data('banxico-remesas/remesas_mensuales.csv').replace(
			'2020-04-01,1,Ingresos,9036401,2982653058',
			'2020-04-01,1,Ingresos,9036401,2982653999'
		);
		const months = await ingested(
			['banxico-remittances'],
			join(dir, 'remesas_mensuales.csv'),
			monthly
		);
		expect(months).toHaveLength(1);
		expect(months[0]!.items!.map((i) => [i.layer, i.iso3, i.period])).toEqual([
			['remittances-monthly', 'MEX', '2020-04']
		]);
	});
});
