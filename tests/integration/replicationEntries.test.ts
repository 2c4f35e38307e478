/**
 * A replica's tables equal its primary's, table by table and row by row: a copy restored from
 * a snapshot, then every kind of commit (an editor's restriction and its retraction, a World
 * Bank indicator with an aggregate, GDP, Banco de México's months and quarters, RPW costs,
 * Passport Index snapshots new and older, a COBAP revision) applied from its stream entry.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastSeq } from '../../src/lib/server/db/changeLog.ts';
import { findRestriction, readRestrictions } from '../../src/lib/server/db/borderStatus.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import { FEEDS } from '../../src/lib/server/ingest/feeds/index.ts';
import { restrictionRetractions } from '../../src/lib/server/ingest/feeds/restrictions.ts';
import { commitRun, runIngest } from '../../src/lib/server/ingest/run.ts';
import {
	applyEntry,
	commitEntries,
	MAX_ENTRY_CHANGES,
	restoreSnapshot,
	SNAPSHOT_TABLES
} from '../../src/lib/server/replication/entries.ts';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { ROOT, tempDir } from '../support/server.ts';
import { apiMeta, apiRow } from '../support/worldBankApi.ts';

/**
 * One digest per table over all its rows in a fixed order, with each value's SQLite type (an
 * integer and a real of the same value are different rows).
 */
function digests(db: Db): Record<string, string> {
	return Object.fromEntries(
		SNAPSHOT_TABLES.map((table) => {
			const columns = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
			const typed = columns.map((c) => `${c}, typeof(${c})`).join(', ');
			// Ordered by every column (the values, not their types): a total order for any table.
			const order = columns.map((_, i) => 2 * i + 1).join(', ');
			const hash = createHash('sha256');
			for (const row of db
				.prepare(`SELECT ${typed} FROM ${table} ORDER BY ${order}`)
				.raw()
				.iterate()) {
				hash.update(JSON.stringify(row));
			}
			return [table, hash.digest('hex')];
		})
	);
}

let primary: Db;
let replica: Db;

/** Ships what the primary committed since the replica's seq; returns the entries' sizes. */
function follow(): number[] {
	const entries = commitEntries(primary, lastSeq(replica), lastSeq(primary));
	for (const entry of entries) {
		expect(entry.after).toBe(lastSeq(replica));
		expect(entry.resync).toBeUndefined();
		applyEntry(replica, entry);
	}
	return entries.map((e) => JSON.stringify(e).length);
}

const apiPage = (rows: object[]) => JSON.stringify([apiMeta(1, 1, 1000, rows.length), rows]);

beforeAll(() => {
	const primaryPath = seededDatabaseCopy();
	primary = openDatabase(primaryPath);
	replica = openDatabase(join(tempDir('crossings-replica-'), 'replica.db'));
	restoreSnapshot(replica, primaryPath);
});
afterAll(() => {
	primary?.close();
	replica?.close();
});

describe('replication entries', () => {
	it('a restored snapshot equals the primary', () => {
		expect(lastSeq(replica)).toBe(lastSeq(primary));
		expect(digests(replica)).toEqual(digests(primary));
	});

	it("reproduce an editor's restriction and its retraction exactly", () => {
		const csv =
			'iso3,effective_from,level,note,source_url\n' +
			'FRA,2021-03-01,4,closed,https://example.org/fra\nITA,2020-06-01,1,open,\n';
		runIngest(primary, FEEDS.restrictions!, { source: 'editors.csv', text: csv });
		follow();
		expect(digests(replica)).toEqual(digests(primary));
		const [fra] = readRestrictions(primary, 'FRA');
		commitRun(primary, restrictionRetractions, [findRestriction(primary, fra!.id)!], {
			source: 'api',
			sha256: 'retraction',
			rowsRead: 1
		});
		follow();
		expect(digests(replica)).toEqual(digests(primary));
		expect(readRestrictions(replica, 'FRA')).toEqual([]);
		expect(readRestrictions(replica, 'ITA')).toEqual(readRestrictions(primary, 'ITA'));
	});

	it('reproduce World Bank values, their aggregates and GDP exactly', () => {
		runIngest(primary, FEEDS['wb-indicator']!, {
			source: 'api.json',
			text: apiPage([
				apiRow('WLD', 'World', '2019', 1),
				apiRow('MEX', 'Mexico', '2019', 2),
				apiRow('MEX', 'Mexico', '2018', null)
			])
		});
		runIngest(primary, FEEDS.gdp!, {
			source: 'gdp.csv',
			text: 'Country Name,Country Code,Year,Value\r\nWorld,WLD,2019,3\r\nMexico,MEX,2019,4\r\n'
		});
		const sizes = follow();
		expect(sizes).toHaveLength(2);
		console.log(`entry sizes (bytes): ${sizes.join(', ')}`);
		expect(digests(replica)).toEqual(digests(primary));
	});

	it('carry the monthly, quarterly and cost tables, and reproduce their commits exactly', () => {
		for (const table of ['monthly_remittance', 'corridor_quarterly', 'corridor_cost']) {
			expect(SNAPSHOT_TABLES).toContain(table);
			// Seeded from the bundled files, so the restored snapshot compared above held them.
			expect(primary.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBeGreaterThan(0);
		}
		const data = (file: string) => readFileSync(join(ROOT, 'data', file), 'utf8');
		const monthly = data('banxico-remesas/remesas_mensuales.csv').replace(
			'2020-04-01,1,Ingresos,9036401,2982653058',
			'2020-04-01,1,Ingresos,9036402,2982653100'
		);
		const partner = data('banxico-remesas/remesas_pais.csv').replace(
			'2026-01-01,USA,Estados Unidos,2,Egresos,134428482',
			'2026-01-01,USA,Estados Unidos,2,Egresos,134428000'
		);
		const rpw = data('worldbank-rpw/36d1ed87-9a2d-41da-8eac-c1c25d45fa65_Data.csv').replace(
			',4.45392847061157,4.42629623413086,',
			',4.5,..,'
		);
		const at = lastSeq(primary);
		expect(
			runIngest(primary, FEEDS['banxico-remittances']!, { source: 'm.csv', text: monthly })
				.rowsChanged
		).toBe(2);
		expect(
			runIngest(primary, FEEDS['banxico-remittances']!, { source: 'p.csv', text: partner })
				.rowsChanged
		).toBe(1);
		expect(runIngest(primary, FEEDS.rpw!, { source: 'rpw.csv', text: rpw }).rowsChanged).toBe(2);
		// Each entry carries the rows of the periods it changed, not a whole table.
		const entries = commitEntries(primary, at, lastSeq(primary));
		expect(entries.map((e) => e.tables?.map((t) => [t.table, t.keys, t.rows.length]))).toEqual([
			[['monthly_remittance', ['2020-04'], 2]],
			[['corridor_quarterly', ['2026Q1'], 428]],
			[['corridor_cost', ['2017Q4', '2018Q1'], expect.any(Number)]]
		]);
		const sizes = follow();
		console.log(`entry sizes (bytes): ${sizes.join(', ')}`);
		expect(digests(replica)).toEqual(digests(primary));
	});

	it('reproduce Passport Index snapshots, a newer one and an older one, exactly', () => {
		const bundled = (date: string) =>
			readFileSync(
				join(ROOT, 'data', 'passport-index', 'legacy', date, 'passport-index-tidy-iso3.csv'),
				'utf8'
			);
		const edit = (text: string, lines: [string, string][]) =>
			lines.reduce((t, [from, to]) => t.replace(`\n${from}\n`, `\n${to}\n`), text);
		const feed = FEEDS['passport-index']!;
		// A snapshot after the bundled ones with three rules changed, then one dated between two
		// bundled ones: intervals are cut and joined around each, in both directions.
		const newer = runIngest(
			primary,
			feed,
			{
				source: 'newer.csv',
				text: edit(bundled('2023-01-11'), [
					['AFG,ALB,e-visa', 'AFG,ALB,visa required'],
					['GBR,QAT,30', 'GBR,QAT,90'],
					['KWT,GBR,e-visa', 'KWT,GBR,covid ban']
				])
			},
			{ snapshotDate: '2023-06-01' }
		);
		const older = runIngest(
			primary,
			feed,
			{
				source: 'older.csv',
				text: edit(bundled('2022-11-06'), [
					['AFG,ALB,e-visa', 'AFG,ALB,visa required'],
					['NGA,GHA,visa free', 'NGA,GHA,90'],
					['USA,CAN,180', 'USA,CAN,covid ban']
				])
			},
			{ snapshotDate: '2022-12-01' }
		);
		expect([newer.rowsChanged, older.rowsChanged]).toEqual([3, 3]);
		// Each entry carries the three pairs' intervals and its snapshot's row.
		for (const entry of commitEntries(primary, lastSeq(replica), lastSeq(primary))) {
			expect(entry.tables!.map((t) => [t.table, t.keys.length])).toEqual([
				['visa_requirement', 3],
				['passport_snapshot', 1]
			]);
		}
		const sizes = follow();
		expect(sizes).toHaveLength(2);
		console.log(`visa entry sizes (bytes): ${sizes.join(', ')}`);
		expect(digests(replica)).toEqual(digests(primary));
		expect(replica.prepare('SELECT snapshot FROM passport_snapshot').pluck().all()).toEqual(
			expect.arrayContaining(['2022-12-01', '2023-06-01'])
		);
	});

	it(
		'carry the ban tables: a COBAP revision, an EU policy under its members, a removal',
		{ timeout: 300_000 },
		() => {
			// The seed holds the bundled COBAP file; a revised copy of it changes three policies.
			const bundled = readFileSync(join(ROOT, 'data', 'cobap', 'policy_list.csv'), 'utf8');
			const lines = bundled.split('\r\n');
			const revised = lines
				// CY36 a week longer.
				.map((l) =>
					l.startsWith('CY36,') ? l.replace('06_21_21,06_28_21', '06_21_21,07_05_21') : l
				)
				// EU01 (the European Union) also bans Canadians: intervals under its 27 members.
				.map((l) =>
					l.startsWith('EU01,')
						? l.replace(
								',0,NA,0,NA,0,NA,0,NA,NA,1,"citizens',
								',1,Canada,0,NA,0,NA,0,NA,NA,1,"citizens'
							)
						: l
				)
				// LC02 withdrawn.
				.filter((l) => !l.startsWith('LC02,'))
				.join('\r\n');
			const summary = runIngest(primary, FEEDS.cobap!, {
				source: 'policy_list.csv',
				text: revised
			});
			expect(summary.rowsChanged).toBe(1 + 27 + (1 + 27) + (1 + 28));
			const sizes = follow();
			expect(sizes).toHaveLength(1);
			expect(digests(replica)).toEqual(digests(primary));
			const interval = "SELECT count(*) FROM ban_interval WHERE policy_id = 'EU01'";
			expect(replica.prepare(interval).pluck().get()).toBe(27);
			expect(
				replica.prepare("SELECT count(*) FROM ban_policy WHERE id = 'LC02'").pluck().get()
			).toBe(0);
			// Back to the bundled file: the same tables again on both sides.
			runIngest(primary, FEEDS.cobap!, { source: 'policy_list.csv', text: bundled });
			follow();
			expect(digests(replica)).toEqual(digests(primary));
			expect(replica.prepare(interval).pluck().get()).toBe(0);
		}
	);

	it('marks a commit too large to ship for a snapshot instead', () => {
		const at = lastSeq(primary);
		// The bundled OxCGRT run: hundreds of thousands of changes.
		const [first] = commitEntries(primary, 0, at);
		expect(first!.seq - 0).toBeGreaterThan(MAX_ENTRY_CHANGES);
		expect(first!.resync).toBe(true);
		expect(first!.changes).toBeUndefined();
	});
});
