/**
 * GET /api/bans on the built app, seeded from the bundled snapshots: every policy of the
 * bundled COBAP file is found by its destination and by each country it bans, on a day inside
 * its interval, and no longer on the day after its end. Each answer is compared whole with
 * what the file says for that day, so a policy that should not be there is caught too.
 *
 * By destination every query goes through HTTP. By origin there are about 28,000 (one per
 * banned country and day that tells intervals apart), which took minutes over HTTP on two
 * loaded cores: those ask the query the route answers with (`bansAgainst`, on the same
 * database file), and a sample of them goes through HTTP to show the route answers the same.
 */
import { readFileSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BansByDestinationBody, BansByOriginBody } from '../../src/lib/domain/apiSchemas.ts';
import { addDays } from '../../src/lib/domain/date.ts';
import { CrossingsApi } from '../../src/lib/api/client.ts';
import {
	COUNTRY_ALIASES,
	REFERENCE_COUNTRIES
} from '../../src/lib/server/db/reference/countries.generated.ts';
import {
	imposedBy,
	intervalsOf,
	parseCobap,
	type BanPolicy
} from '../../src/lib/server/ingest/feeds/cobap.ts';
import { bansAgainst } from '../../src/lib/server/db/bans.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { ROOT, startServer, type RunningServer } from '../support/server.ts';

const known = new Map(REFERENCE_COUNTRIES.map((c) => [c.iso3, c.iso3]));
for (const [alias, iso3] of Object.entries(COUNTRY_ALIASES)) known.set(alias, iso3);
const parsed = parseCobap(readFileSync(join(ROOT, 'data', 'cobap', 'policy_list.csv'), 'utf8'), {
	file: 'policy_list.csv',
	resolveCountry: (code) => known.get(code.trim().toUpperCase()) ?? null
});
/** The policies in force on some day (NOPOLICYIMPLEMENTED rows are never). */
const policies = parsed.value.policies.filter((p) => p.start !== null);
const byId = new Map(policies.map((p) => [p.id, p]));
const inForce = (s: { start: string | null; end: string | null }, day: string) =>
	s.start !== null && s.start <= day && (s.end === null || day <= s.end);

interface Span {
	start: string;
	end: string | null;
}

/**
 * Days to ask about so that each span has one inside it (the fewest: the classic greedy
 * stabbing, by earliest end) and, for each span that ends, the day after its end.
 */
function daysFor(spans: Span[]): string[] {
	const days = new Set<string>();
	let last: string | null = null;
	const byEnd = [...spans].sort((a, b) => (a.end ?? '9999').localeCompare(b.end ?? '9999'));
	for (const s of byEnd) {
		if (last !== null && inForce(s, last)) continue;
		const day: string = s.end ?? s.start;
		days.add(day);
		last = day;
	}
	for (const s of spans) if (s.end !== null) days.add(addDays(s.end, 1));
	return [...days].sort();
}

/** Runs `work` over `items`, `width` at a time. */
async function pool<T>(items: T[], width: number, work: (item: T, index: number) => Promise<void>) {
	let next = 0;
	await Promise.all(
		Array.from({ length: width }, async () => {
			while (next < items.length) {
				const index = next++;
				await work(items[index]!, index);
			}
		})
	);
}

let server: RunningServer;
const get = (path: string) =>
	fetch(server.url + path, { headers: { 'accept-encoding': 'identity' } });

/**
 * The bulk checks' client: node:http on kept-alive sockets, which costs this process a third
 * of what fetch does per request (the checks make tens of thousands).
 */
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
function getBody<T>(path: string): Promise<T> {
	return new Promise((resolve, reject) => {
		httpGet(server.url + path, { agent, headers: { 'accept-encoding': 'identity' } }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (body += chunk));
			res.on('end', () =>
				res.statusCode === 200
					? resolve(JSON.parse(body) as T)
					: reject(new Error(`${path}: ${res.statusCode} ${body}`))
			);
		}).on('error', reject);
	});
}

let db: Db;

beforeAll(async () => {
	expect(parsed.problems.total).toBe(0);
	const databasePath = seededDatabaseCopy();
	server = await startServer({ databasePath });
	db = openDatabase(databasePath, { readonly: true });
});
afterAll(async () => {
	agent.destroy();
	db?.close();
	await server?.stop();
});

describe('GET /api/bans', () => {
	it('answers a destination with its policies in force, in the documented shape', async () => {
		const api = new CrossingsApi(server.url);
		const body = await api.bans({ destination: 'cyp', date: '2021-06-21' });
		expect(body.destination).toBe('CYP');
		expect(body.date).toBe('2021-06-21');
		const cy36 = body.policies.find((p) => p.id === 'CY36');
		expect(cy36).toEqual({
			id: 'CY36',
			issuer: 'CYP',
			type: 'PARTIAL',
			subtype: 'HISTORY_BAN',
			start: '2021-06-21',
			end: '2021-06-28',
			citizens: [],
			travellers: byId.get('CY36')!.detail.travellers,
			criteria: [],
			air: null,
			land: null,
			sea: null,
			exceptions: { people: [], countries: [], work: false },
			sources: [
				{
					kind: 'government',
					url: 'https://web.archive.org/web/20210725121754/https://www.pio.gov.cy/coronavirus/uploads/21062021_Epidemiological%20risk%20assessmentEN.pdf'
				}
			],
			sourceQuality: 'Very Sure'
		});
		// Kosovo under OxCGRT's code, Somaliland under COBAP's.
		expect((await api.bans({ destination: 'RKS', date: '2021-01-01' })).destination).toBe('XKX');
		const sol = await api.bans({ destination: 'SOL', date: '2020-03-20' });
		expect(sol.policies.map((p) => p.id)).toEqual(['XS02']);
	});

	it('answers an origin with the destinations that banned its citizens or travellers', async () => {
		const api = new CrossingsApi(server.url);
		const body = await api.bans({ origin: 'BLM', date: '2020-03-20' });
		expect(body.origin).toBe('BLM');
		const lca = body.destinations.find((d) => d.iso3 === 'LCA');
		// Saint Lucia's LC02 banned both (its lists say "Saint- Barthélemy").
		expect(lca?.policies.find((p) => p.id === 'LC02')?.grounds).toEqual([
			'citizenship',
			'travel history'
		]);
		// A European Union policy answers under each member state, issued by EUR.
		// On 1 July 2020 EU03 ends and EU06 starts: ends are inclusive.
		const eu = await api.bans({ destination: 'DEU', date: '2020-07-01' });
		expect(eu.policies.filter((p) => p.issuer === 'EUR').map((p) => p.id)).toEqual([
			'EU03',
			'EU06'
		]);
		const own = await api.bans({ destination: 'EUR', date: '2020-07-01' });
		expect(own.policies.map((p) => p.id).sort()).toEqual(['EU03', 'EU06']);
	});

	it('refuses anything but one country and one day, naming the parameter', async () => {
		const cases: [string, RegExp][] = [
			['/api/bans?destination=ITA', /^date: expected a calendar date/],
			['/api/bans?destination=ITA&date=2020-02-30', /^date: expected a calendar date/],
			['/api/bans?destination=ITA&date=20200401', /^date: /],
			['/api/bans?date=2020-04-01', /^destination: give exactly one of destination and origin/],
			['/api/bans?destination=ITA&origin=FRA&date=2020-04-01', /^destination: give exactly one/],
			['/api/bans?destination=IT&date=2020-04-01', /^destination: expected an ISO 3166 alpha-3/],
			['/api/bans?destination=ZZZ&date=2020-04-01', /^destination: unknown country "ZZZ"/],
			['/api/bans?origin=ZZZ&date=2020-04-01', /^origin: unknown country "ZZZ"/],
			['/api/bans?origin=EUR&date=2020-04-01', /^origin: EUR \(the European Union\)/]
		];
		for (const [path, message] of cases) {
			const response = await get(path);
			expect(response.status, path).toBe(400);
			expect(((await response.json()) as { error: string }).error, path).toMatch(message);
		}
	});

	it(
		'finds every bundled policy by its destination inside its interval, never the day after',
		{ timeout: 600_000 },
		async () => {
			// Imposing places: each destination, the EU's member states for its policies, and EUR.
			const byPlace = new Map<string, BanPolicy[]>();
			const add = (place: string, p: BanPolicy) =>
				byPlace.set(place, [...(byPlace.get(place) ?? []), p]);
			for (const p of policies) {
				for (const place of imposedBy(p)) add(place, p);
				if (p.destination === 'EUR') add('EUR', p);
			}
			const queries = [...byPlace].flatMap(([place, list]) =>
				daysFor(list.map((p) => ({ start: p.start!, end: p.end }))).map((day) => ({
					place,
					day,
					list
				}))
			);
			const seen = new Set<string>();
			await pool(queries, 8, async ({ place, day, list }) => {
				const body = await getBody<BansByDestinationBody>(
					`/api/bans?destination=${place}&date=${day}`
				);
				const expected = list.filter((p) => inForce(p, day)).map((p) => p.id);
				expect(body.policies.map((p) => p.id).sort(), `${place} ${day}`).toEqual(expected.sort());
				for (const p of body.policies) {
					expect(p.citizens).toEqual(byId.get(p.id)!.detail.citizens);
					expect(p.travellers).toEqual(byId.get(p.id)!.detail.travellers);
					seen.add(p.id);
				}
			});
			expect(seen.size).toBe(policies.length);
			console.log(`destination: ${queries.length} requests for ${policies.length} policies`);
		}
	);

	it(
		'finds every bundled policy by each country it bans, inside its interval, never the day after',
		{ timeout: 1_200_000 },
		async () => {
			const intervals = policies.flatMap(intervalsOf);
			const byTarget = new Map<string, typeof intervals>();
			for (const i of intervals) byTarget.set(i.target, [...(byTarget.get(i.target) ?? []), i]);
			const queries = [...byTarget].flatMap(([target, list]) =>
				daysFor(list).map((day) => ({ target, day, list }))
			);
			const found = new Set<string>();
			const started = performance.now();
			// Every 100th query also over HTTP, which must answer exactly what the query does.
			let overHttp = 0;
			await pool(queries, 8, async ({ target, day, list }, index) => {
				const body: BansByOriginBody = {
					origin: target,
					date: day,
					destinations: bansAgainst(db, target, day)
				};
				if (index % 100 === 0) {
					overHttp++;
					expect(await getBody<BansByOriginBody>(`/api/bans?origin=${target}&date=${day}`)).toEqual(
						JSON.parse(JSON.stringify(body))
					);
				}
				const expected = new Map<string, Set<string>>();
				for (const i of list) {
					if (!inForce(i, day)) continue;
					const key = `${i.destination} ${i.policy}`;
					expected.set(key, (expected.get(key) ?? new Set()).add(i.kind));
				}
				const got = new Map<string, Set<string>>();
				for (const d of body.destinations) {
					for (const p of d.policies) {
						got.set(
							`${d.iso3} ${p.id}`,
							new Set(p.grounds.map((g) => (g === 'citizenship' ? 'citizens' : 'travellers')))
						);
						found.add(`${d.iso3} ${p.id} ${target}`);
					}
				}
				expect(got, `${target} ${day}`).toEqual(expected);
			});
			// Every (destination, policy, banned country) was found on some day.
			const pairs = new Set(intervals.map((i) => `${i.destination} ${i.policy} ${i.target}`));
			expect(found).toEqual(pairs);
			console.log(
				`origin: ${queries.length} queries (${overHttp} also over HTTP) for ${intervals.length} intervals in ${Math.round(performance.now() - started)} ms`
			);
		}
	);
});
