import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGrid } from '../support/c8Variants.ts';
import { C8_SNAPSHOT, startServer, type RunningServer } from '../support/server.ts';

// The feed, read independently of the app's parser: header days, and cells quoted to 2021,
// bare from 2022 on, missing as "" or NA.
const grid = readGrid(readFileSync(C8_SNAPSHOT, 'utf8'));
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
const feedDays = grid[0]!
	.slice(3)
	.map(
		(h) =>
			`${h.slice(5)}-${String(MONTHS.indexOf(h.slice(2, 5)) / 3 + 1).padStart(2, '0')}-${h.slice(0, 2)}`
	);
const feed = new Map(
	grid
		.slice(1)
		.map((r) => [
			r[1] === 'RKS' ? 'XKX' : r[1]!,
			r.slice(3).map((c) => (c === '' || c === 'NA' ? null : Number(c)))
		])
);

let server: RunningServer;
const get = (path: string) => fetch(server.url + path);
const getJson = async (path: string, status = 200) => {
	const response = await get(path);
	expect(response.status, path).toBe(status);
	return response.json();
};

beforeAll(async () => {
	server = await startServer();
});
afterAll(() => server?.stop());

describe('the API on a server seeded from the bundled snapshot', () => {
	it('reports health and the last change seq', async () => {
		const health = await getJson('/api/health');
		expect(health).toMatchObject({
			ok: true,
			// The file runs to 2023-02-20; values end 2022-12-31, China's on 2023-01-08.
			borderStatus: { first: '2020-01-01', last: '2023-01-08' }
		});
		expect(health.seq).toBeGreaterThan(100_000);
		expect(server.output()).toMatch(/seeded oxcgrt-c8: \d+ values/);
	});

	it('lists countries with their classifications', async () => {
		const countries = await getJson('/api/countries');
		expect(countries.length).toBe(251);
		expect(countries.find((c: { iso3: string }) => c.iso3 === 'NAM')).toEqual({
			iso3: 'NAM',
			iso2: 'NA',
			name: 'Namibia',
			m49Region: 'Africa',
			m49Subregion: 'Sub-Saharan Africa',
			m49IntermediateRegion: 'Southern Africa',
			wbRegion: 'Sub-Saharan Africa',
			incomeGroup: 'Lower middle income'
		});
		expect(countries.map((c: { iso3: string }) => c.iso3)).toContain('XKX');
		const csv = await (await get('/api/countries?format=csv')).text();
		expect(csv.split('\r\n')[0]).toBe(
			'iso3,iso2,name,m49Region,m49Subregion,m49IntermediateRegion,wbRegion,incomeGroup'
		);
		expect(csv).toContain('KOR,KR,South Korea,Asia,Eastern Asia,,East Asia & Pacific,High income');
		// Namibia's ISO alpha-2 code is "NA": a code, not a missing value.
		expect(csv).toContain('NAM,NA,Namibia,Africa,Sub-Saharan Africa,Southern Africa,');
	});

	it('equals the feed for every country on every date', async () => {
		expect(feedDays).toHaveLength(1147);
		expect(feedDays.at(-1)).toBe('2023-02-20');
		for (const [i, date] of feedDays.entries()) {
			const body = await getJson(`/api/border-status?date=${date}`);
			expect(body.date).toBe(date);
			const levels = new Map(
				body.countries.map((c: { iso3: string; level: number | null }) => [c.iso3, c.level])
			);
			for (const [iso3, values] of feed) {
				if (levels.get(iso3) !== values[i]) {
					expect([date, iso3, levels.get(iso3)]).toEqual([date, iso3, values[i]]);
				}
			}
		}
	});

	it('equals the feed in every country history', async () => {
		for (const [iso3, values] of feed) {
			const body = await getJson(`/api/border-status/${iso3}`);
			expect(body.iso3).toBe(iso3);
			const expanded: (number | null)[] = [];
			for (const run of body.history) {
				const n = (Date.parse(run.to) - Date.parse(run.from)) / 86_400_000 + 1;
				for (let k = 0; k < n; k++) expanded.push(run.level);
			}
			// The history runs to the last day with data; the file's days after it are all NA.
			const inRange = feedDays.indexOf('2023-01-08') + 1;
			expect(expanded, iso3).toEqual(values.slice(0, inRange));
			expect(values.slice(inRange).every((v) => v === null)).toBe(true);
		}
	});

	it('says since when a level holds, and defaults to the last day nearly all have data', async () => {
		// China's data run to 2023-01-08, everyone else's to 2022-12-31: "latest" is the latter.
		const latest = await getJson('/api/border-status');
		expect(latest.date).toBe('2022-12-31');
		expect(latest.countries.filter((c: { level: unknown }) => c.level !== null)).toHaveLength(185);
		const china = await getJson('/api/border-status?date=2023-01-08');
		expect(china.countries.filter((c: { level: unknown }) => c.level !== null)).toHaveLength(1);
		const italy = (await getJson('/api/border-status?date=2020-04-15')).countries.find(
			(c: { iso3: string }) => c.iso3 === 'ITA'
		);
		const values = feed.get('ITA')!;
		const i = feedDays.indexOf('2020-04-15');
		let start = i;
		while (start > 0 && values[start - 1] === values[i]) start--;
		expect(italy).toEqual({ iso3: 'ITA', name: 'Italy', level: values[i], since: feedDays[start] });
	});

	it('filters by region names of every classification, case-insensitively', async () => {
		const southAmerica = await getJson('/api/border-status?date=2020-04-01&region=south%20america');
		const codes = southAmerica.countries.map((c: { iso3: string }) => c.iso3);
		expect(codes).toContain('BRA');
		expect(codes).not.toContain('MEX');
		const lowIncome = await getJson('/api/border-status?region=Low%20income');
		expect(lowIncome.countries.length).toBeGreaterThan(20);
		const wb = await getJson('/api/border-status?region=sub-saharan%20africa');
		expect(wb.countries.map((c: { iso3: string }) => c.iso3)).toContain('NGA');
		const unknown = await getJson('/api/border-status?region=Atlantis', 400);
		expect(unknown.error).toMatch(/unknown region "Atlantis"/);
		expect(unknown.accepted.incomeGroup).toContain('High income');
	});

	it('gives CSV with a header row', async () => {
		const response = await get('/api/border-status?date=2020-04-15&format=csv');
		expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
		const lines = (await response.text()).trim().split('\r\n');
		expect(lines[0]).toBe('date,iso3,name,level,since');
		expect(lines.length).toBe(252);
		const kosovo = lines.find((l) => l.includes(',XKX,'))!.split(',');
		expect(kosovo.slice(0, 4)).toEqual([
			'2020-04-15',
			'XKX',
			'Kosovo',
			String(feed.get('XKX')![feedDays.indexOf('2020-04-15')])
		]);
		expect(lines).toContain('2020-04-15,COM,Comoros,,');
	});

	it('answers bad parameters with 400 and unknown countries with 404, never 500', async () => {
		for (const path of [
			'/api/border-status?date=2020-02-30',
			'/api/border-status?date=15-04-2020',
			'/api/border-status?format=xml',
			'/api/changes?after=-1',
			'/api/changes?limit=abc',
			'/api/border-status/ITA?format=pdf'
		]) {
			const body = await getJson(path, 400);
			expect(body.error, path).toEqual(expect.any(String));
		}
		for (const path of [
			'/api/border-status/ZZZ',
			'/api/border-status/ITALY',
			'/api/border-status/%00'
		]) {
			expect((await get(path)).status, path).toBe(404);
		}
	});

	it('resolves publishers aliases: OxCGRT RKS is Kosovo', async () => {
		const kosovo = await getJson('/api/border-status/rks');
		expect(kosovo.iso3).toBe('XKX');
		expect(kosovo.name).toBe('Kosovo');
	});

	it('pages through the change log in seq order', async () => {
		const { changes } = await getJson('/api/changes?after=10&limit=3');
		expect(changes.map((c: { seq: number }) => c.seq)).toEqual([11, 12, 13]);
		expect(changes[0]).toMatchObject({ layer: 'border-status', source: 'oxcgrt-c8', old: null });
		const { seq } = await getJson('/api/health');
		const latest = (await getJson('/api/changes?latest=3')).changes as { seq: number }[];
		expect(latest.map((c) => c.seq)).toEqual([seq - 2, seq - 1, seq]);
		// The seed adds first values (old null), except the Passport Index snapshots after the
		// first: theirs are the only changes from one value to another.
		const level = (await getJson('/api/changes?latest=5&kind=level')).changes;
		expect(level).toHaveLength(5);
		for (const c of level) expect(c).toMatchObject({ layer: 'entry', source: 'passport-index' });
		// One layer's, as the dashboard's list asks: the seed has no level change of border status.
		const border = await getJson('/api/changes?latest=5&kind=level&layer=border-status');
		expect(border.changes).toEqual([]);
		const firsts = (await getJson('/api/changes?latest=3&layer=border-status')).changes;
		expect(firsts.map((c: { layer: string }) => c.layer)).toEqual(Array(3).fill('border-status'));
		const refused = await get('/api/changes?layer=visas');
		expect(refused.status).toBe(400);
		expect(((await refused.json()) as { error: string }).error).toMatch(/^layer/);
		const csv = await (await get('/api/changes?after=0&limit=2&format=csv')).text();
		expect(csv.split('\r\n')[0]).toBe('seq,at,layer,iso3,period,old,new,source,note,sourceUrl');
	});

	it('lets no other site frame a page, and sends no-sniff', async () => {
		for (const path of ['/', '/api/health']) {
			const response = await get(path);
			expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
			expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		}
	});
});
