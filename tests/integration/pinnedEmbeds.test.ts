/**
 * A pinned embed keeps the data it was published with: a later WDI revision and an editor's
 * restriction are undone for `asof` (the API, the embed's first render and its server-drawn
 * image), while the live view has them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastSeq } from '../../src/lib/server/db/changeLog.ts';
import { migrate } from '../../src/lib/server/db/migrations.ts';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import { wbIndicatorFeed } from '../../src/lib/server/ingest/feeds/wbIndicatorFeed.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { LEVELS } from '../../src/lib/domain/borderStatus.ts';
import { VALUE_COLORS, valueClass } from '../../src/lib/domain/remittances.ts';
import { replaceCell } from '../support/csvEdit.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { ROOT, startServer, type RunningServer } from '../support/server.ts';

const BX_FILE = join(ROOT, 'data/worldbank-wdi/API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv');

interface Entry {
	iso3: string;
	value: number | null;
}

let server: RunningServer;
let asof: number;
let published: Map<string, number | null>;
let publishedShare: Map<string, number | null>;
// Small enough to change Mexico's colour class, so the image shows the difference too.
const REVISED = 1_000_000;
const TOKEN = 'pinned-embeds-token';

const byIso3 = (countries: Entry[]) => new Map(countries.map((c) => [c.iso3, c.value]));

beforeAll(async () => {
	const path = seededDatabaseCopy();
	const db = openDatabase(path);
	asof = lastSeq(db);
	// What an article published at `asof` showed.
	const { remittancesIn } = await import('../../src/lib/server/db/remittances.ts');
	published = byIso3(remittancesIn(db, 2019, 'received'));
	publishedShare = byIso3(remittancesIn(db, 2019, 'share_gdp'));
	// Then the World Bank revises Mexico's 2019 inflow.
	const revised = replaceCell(readFileSync(BX_FILE, 'utf8'), '2019', 'MEX', String(REVISED));
	const summary = runIngest(db, wbIndicatorFeed, { source: BX_FILE, text: revised });
	expect(summary.rowsChanged).toBe(1);
	expect(db.prepare('SELECT measure FROM change_log WHERE seq = ?').pluck().get(summary.seq)).toBe(
		'received'
	);
	db.close();
	server = await startServer({ databasePath: path, env: { ADMIN_TOKEN: TOKEN } });
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

async function remittances(query: string): Promise<Map<string, number | null>> {
	const response = await fetch(`${server.url}/api/remittances?${query}`);
	expect(response.status).toBe(200);
	return byIso3(((await response.json()) as { countries: Entry[] }).countries);
}

const fillOf = (svg: string, iso3: string) =>
	new RegExp(`<path data-iso3="${iso3}" fill="([^"]+)"`).exec(svg)?.[1];
const svgOf = async (query: string) => (await fetch(`${server.url}/embed.svg?${query}`)).text();

describe('remittances as of a data version', () => {
	it('the current values carry the revision; asof undoes it and nothing else', async () => {
		const now = await remittances('year=2019&measure=received');
		expect(now.get('MEX')).toBe(REVISED);
		const then = await remittances(`year=2019&measure=received&asof=${asof}`);
		expect(then.get('MEX')).toBe(published.get('MEX'));
		expect(then.get('MEX')).not.toBe(REVISED);
		expect(then).toEqual(published);
		// Paid was not revised: the same with or without asof.
		expect(await remittances(`year=2019&measure=paid&asof=${asof}`)).toEqual(
			await remittances('year=2019&measure=paid')
		);
	});

	it('a share of GDP is computed from the values as they stood', async () => {
		const now = await remittances('year=2019&measure=share_gdp');
		expect(now.get('MEX')).not.toBeCloseTo(publishedShare.get('MEX')!, 6);
		const then = await remittances(`year=2019&measure=share_gdp&asof=${asof}`);
		expect(then.get('MEX')).toBeCloseTo(publishedShare.get('MEX')!, 9);
		expect(then.get('BRA')).toBeCloseTo(publishedShare.get('BRA')!, 9);
	});

	it('a pinned embed renders the published value; a live one the revision', async () => {
		const view = 'layer=remittances&time=2019';
		const pinned = await (await fetch(`${server.url}/embed?${view}&live=0&asof=${asof}`)).text();
		const live = await (await fetch(`${server.url}/embed?${view}`)).text();
		expect(pinned).toContain(`["MEX",${published.get('MEX')}]`);
		expect(pinned).not.toContain(`["MEX",${REVISED}]`);
		expect(live).toContain(`["MEX",${REVISED}]`);
	});

	it('the server-drawn image of a pinned view is drawn as the data stood', async () => {
		const view = 'layer=remittances&time=2019';
		const pinned = await svgOf(`${view}&live=0&asof=${asof}`);
		const live = await svgOf(view);
		expect(fillOf(pinned, 'MEX')).toBe(
			VALUE_COLORS[valueClass('received', published.get('MEX')!)!]
		);
		expect(fillOf(live, 'MEX')).toBe(VALUE_COLORS[valueClass('received', REVISED)!]);
		expect(fillOf(pinned, 'MEX')).not.toBe(fillOf(live, 'MEX'));
		// asof without live=0 is the live view.
		expect(fillOf(await svgOf(`${view}&asof=${asof}`), 'MEX')).toBe(fillOf(live, 'MEX'));
	});

	it('a pinned border-status image ignores a restriction recorded after it', async () => {
		const view = 'time=2020-04-15';
		const before = await svgOf(view);
		const at = lastSeqOver(asof);
		const response = await fetch(`${server.url}/api/restrictions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
			body: JSON.stringify({ iso3: 'NGA', effective_from: '2020-04-15', level: 0 })
		});
		expect(response.status).toBe(201);
		const after = await svgOf(view);
		expect(fillOf(after, 'NGA')).toBe(LEVELS[0]!.color);
		expect(fillOf(before, 'NGA')).not.toBe(LEVELS[0]!.color);
		expect(fillOf(await svgOf(`${view}&live=0&asof=${await at}`), 'NGA')).toBe(
			fillOf(before, 'NGA')
		);
	});

	it('an older database learns the measure of the remittance changes it already logged', () => {
		const db = openDatabase(seededDatabaseCopy());
		try {
			const measures = () =>
				db
					.prepare(
						`SELECT measure, count(*) AS n FROM change_log WHERE layer = 'remittances'
						GROUP BY measure ORDER BY measure`
					)
					.all();
			const logged = measures();
			expect(logged.map((m) => (m as { measure: string }).measure)).toEqual(['paid', 'received']);
			// As a database written before migration 7 was: no column, no record of it.
			db.exec(`ALTER TABLE change_log DROP COLUMN measure;
				DELETE FROM schema_migration WHERE version = 7;`);
			expect(migrate(db)).toEqual([7]);
			expect(measures()).toEqual(logged);
		} finally {
			db.close();
		}
	});

	it('refuses an asof that is not a data version', async () => {
		const response = await fetch(`${server.url}/api/remittances?year=2019&asof=yesterday`);
		expect(response.status).toBe(400);
		expect(await response.text()).toContain('asof');
	});
});

/** The server's data version now (after the revision, so later than `asof`). */
async function lastSeqOver(floor: number): Promise<number> {
	const health = (await (await fetch(`${server.url}/api/health`)).json()) as { seq: number };
	expect(health.seq).toBeGreaterThan(floor);
	return health.seq;
}
