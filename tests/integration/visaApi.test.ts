/**
 * GET /api/visa through the real HTTP API of the built app on a database seeded from the
 * bundled snapshots: every passport of one snapshot (and a few destinations of others) equals
 * the file row for row, read independently of the app's parser; the snapshot chosen for a day;
 * the parameters' refusals; CSV; the OpenAPI document and the typed client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrossingsApi } from '../../src/lib/api/client.ts';
import { fileRules, ruleWords } from '../support/passportIndex.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { startServer, type RunningServer } from '../support/server.ts';

interface VisaRow {
	iso3: string;
	requirement: string;
	days: number | null;
	sourceTerm: string | null;
}

let server: RunningServer;
const get = (path: string) => fetch(server.url + path);
const getJson = async (path: string, status = 200) => {
	const response = await get(path);
	expect(response.status, path).toBe(status);
	return response.json();
};

/** The file's rules of one side of the pairs, in the API's order (by ISO3), by country. */
const grouped = new Map<string, Map<string, string[][]>>();
function expected(date: string, side: 'passport' | 'destination', iso3: string): string[][] {
	const key = `${date} ${side}`;
	let groups = grouped.get(key);
	if (!groups) {
		groups = new Map();
		for (const [pair, words] of fileRules(date)) {
			const [passport, destination] = pair.split('>') as [string, string];
			const [one, other] = side === 'passport' ? [passport, destination] : [destination, passport];
			const rows = groups.get(one) ?? [];
			rows.push([other, words]);
			groups.set(one, rows);
		}
		for (const rows of groups.values()) rows.sort(([a], [b]) => (a! < b! ? -1 : 1));
		grouped.set(key, groups);
	}
	return groups.get(iso3) ?? [];
}
const served = (rows: VisaRow[]) => rows.map((r) => [r.iso3, ruleWords(r)]);

beforeAll(async () => {
	server = await startServer({ databasePath: seededDatabaseCopy() });
});
afterAll(() => server?.stop());

describe('GET /api/visa', () => {
	it('equals the file for every passport of a snapshot, row for row', async () => {
		const date = '2022-11-06';
		const passports = [...new Set([...fileRules(date).keys()].map((k) => k.split('>')[0]!))];
		expect(passports).toHaveLength(199);
		for (const passport of passports) {
			const body = await getJson(`/api/visa?passport=${passport}&date=${date}`);
			expect(body.passport).toBe(passport);
			expect([body.date, body.snapshot]).toEqual([date, date]);
			expect(served(body.destinations), passport).toEqual(expected(date, 'passport', passport));
		}
	});

	it('equals the file for destinations of other vintages, from the latest snapshot on or before the day', async () => {
		const cases = [
			// 2019 numeric codes, letters and days of 2020, and the words of 2021.
			{ day: '2020-01-31', snapshot: '2019-12-17', destinations: ['GBR', 'USA'] },
			{ day: '2020-03-31', snapshot: '2020-03-09', destinations: ['QAT', 'NGA', 'XKX'] },
			{ day: '2021-08-09', snapshot: '2021-08-09', destinations: ['GBR', 'NZL'] }
		];
		for (const { day, snapshot, destinations } of cases) {
			for (const destination of destinations) {
				const body = await getJson(`/api/visa?destination=${destination}&date=${day}`);
				expect([body.destination, body.date, body.snapshot]).toEqual([destination, day, snapshot]);
				expect(served(body.passports), `${destination} ${day}`).toEqual(
					expected(snapshot, 'destination', destination)
				);
			}
		}
		// Qatar during the World Cup: every passport needed the Hayya permit.
		const qatar = await getJson('/api/visa?destination=qat&date=2022-12-18');
		expect(qatar.snapshot).toBe('2022-11-06');
		expect(new Set(qatar.passports.map(ruleWords))).toEqual(new Set(['e-visa Hayya Entry Permit']));
	});

	it('defaults to the latest snapshot, and says which snapshot answered', async () => {
		const body = await getJson('/api/visa?passport=NGA');
		expect([body.date, body.snapshot]).toEqual(['2023-01-11', '2023-01-11']);
		expect(await getJson('/api/visa?passport=NGA&date=latest')).toEqual(body);
		// A day after the last snapshot: still the last one.
		expect((await getJson('/api/visa?passport=NGA&date=2030-01-01')).snapshot).toBe('2023-01-11');
	});

	it('answers a day before the first snapshot with a 404 naming it', async () => {
		const body = await getJson('/api/visa?passport=NGA&date=2019-12-16', 404);
		expect(body.error).toBe(
			'date: no Passport Index snapshot on or before 2019-12-16; the first is 2019-12-17'
		);
	});

	it('refuses bad parameters, naming them', async () => {
		const refusals: [string, number, string][] = [
			['/api/visa', 400, 'passport: give exactly one of passport or destination'],
			['/api/visa?passport=NGA&destination=GBR', 400, 'passport: give exactly one'],
			['/api/visa?passport=NG', 400, 'passport: expected an ISO 3166 alpha-3 code'],
			['/api/visa?destination=G1R', 400, 'destination: expected an ISO 3166 alpha-3 code'],
			['/api/visa?passport=NGA&date=2021-02-30', 400, 'date:'],
			['/api/visa?passport=NGA&from=2021-01-01', 400, 'from: not accepted here'],
			['/api/visa?passport=NGA&region=Atlantis', 400, 'region: unknown region "Atlantis"'],
			['/api/visa?passport=XXX', 404, 'unknown country "XXX"']
		];
		for (const [path, status, message] of refusals) {
			const body = await getJson(path, status);
			expect(body.error, path).toContain(message);
		}
	});

	it('filters the other side by region, and gives the same rows as CSV', async () => {
		const europe = await getJson('/api/visa?destination=GBR&date=2021-05-13&region=Europe');
		expect(europe.passports.map((p: VisaRow) => p.iso3)).toContain('FRA');
		expect(europe.passports.map((p: VisaRow) => p.iso3)).not.toContain('NGA');
		const csv = await (
			await get('/api/visa?destination=GBR&date=2021-05-13&region=Europe&format=csv')
		).text();
		const [header, ...lines] = csv.trim().split('\r\n');
		expect(header).toBe('snapshot,passport,destination,requirement,days,sourceTerm');
		expect(lines).toEqual(
			europe.passports.map(
				(p: VisaRow) =>
					`2021-05-13,${p.iso3},GBR,${p.requirement},${p.days ?? ''},${p.sourceTerm ?? ''}`
			)
		);
	});

	it('is in the OpenAPI document and the typed client', async () => {
		const doc = await getJson('/api/openapi.json');
		const operation = doc.paths['/api/visa'].get;
		expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(
			expect.arrayContaining(['passport', 'destination', 'date'])
		);
		const api = new CrossingsApi(server.url);
		const byPassport = await api.visaOfPassport({ passport: 'KWT', date: '2021-01-01' });
		expect(byPassport.snapshot).toBe('2020-11-19');
		expect(byPassport.destinations.find((d) => d.iso3 === 'GBR')).toEqual({
			iso3: 'GBR',
			requirement: 'eta',
			days: null,
			sourceTerm: 'EVW'
		});
		const byDestination = await api.visaForDestination({ destination: 'GBR' });
		expect(byDestination.passports.length).toBe(198);
	});
});
