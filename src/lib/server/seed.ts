import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db/open.ts';
import { FEEDS } from './ingest/feeds/index.ts';
import { runIngest, type IngestSummary } from './ingest/run.ts';

/** A snapshot shipped in data/ and the feed that reads it. */
export interface BundledSnapshot {
	feed: string;
	/** Its path under data/. */
	file: string;
}

export const BUNDLED_SNAPSHOTS: readonly BundledSnapshot[] = [
	{ feed: 'oxcgrt-c8', file: 'oxcgrt/c8_internationaltravel.csv' },
	{ feed: 'wb-indicator', file: 'worldbank-wdi/API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv' },
	{ feed: 'wb-indicator', file: 'worldbank-wdi/API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv' },
	{ feed: 'gdp', file: 'datasets-gdp/gdp.csv' },
	{
		feed: 'bilateral-remittances',
		file: 'worldbank-bilateral/WB_Bilateral_Remittance_Estimates_2017.xlsx'
	},
	{ feed: 'banxico-remittances', file: 'banxico-remesas/remesas_mensuales.csv' },
	{ feed: 'banxico-remittances', file: 'banxico-remesas/remesas_pais.csv' },
	{ feed: 'rpw', file: 'worldbank-rpw/36d1ed87-9a2d-41da-8eac-c1c25d45fa65_Data.csv' },
	// One run per dated snapshot, oldest first: the snapshot's date is its folder's name.
	{ feed: 'passport-index', file: 'passport-index/legacy/2019-12-17/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2020-02-07/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2020-03-09/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2020-04-02/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2020-05-09/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2020-11-19/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2021-01-25/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2021-02-24/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2021-05-13/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2021-08-09/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2021-12-14/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2022-06-06/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2022-11-06/passport-index-tidy-iso3.csv' },
	{ feed: 'passport-index', file: 'passport-index/legacy/2023-01-11/passport-index-tidy-iso3.csv' },
	{ feed: 'cobap', file: 'cobap/policy_list.csv' }
];

/** One bundled snapshot that was ingested at this start: its file and the run's summary. */
export interface BundledIngest extends IngestSummary {
	file: string;
	/** Time spent parsing, diffing and committing it, in ms. */
	ms: number;
}

/**
 * Brings the database up to the snapshots shipped in data/: each bundled file whose bytes
 * differ from the version of it last ingested goes through `runIngest`, which writes only the
 * values that differ (each with its change_log row, so open pages and catching-up clients see
 * them); a file ingested before with the same bytes is skipped after hashing it. A new
 * database gets every file; one seeded from older snapshots gets what they changed and added;
 * a second start with the same files writes nothing.
 *
 * The bytes last ingested are remembered per file in `bundled_snapshot`. A database made
 * before that table existed is matched by its runs: the latest run of the feed whose source
 * is this file, and its sha256.
 */
export function ingestBundledSnapshots(db: Db, dataDir: string): BundledIngest[] {
	const done: BundledIngest[] = [];
	const remembered = db.prepare('SELECT sha256 FROM bundled_snapshot WHERE file = ?').pluck();
	const lastRunOf = db.prepare(
		`SELECT id, sha256 FROM ingest_runs
			WHERE feed = ? AND (source = ? OR source LIKE ? ESCAPE '\\') ORDER BY id DESC LIMIT 1`
	);
	const remember = db.prepare(
		`INSERT INTO bundled_snapshot (file, sha256, run_id, ingested_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (file) DO UPDATE SET sha256 = excluded.sha256, run_id = excluded.run_id,
			ingested_at = excluded.ingested_at`
	);
	for (const { feed: name, file } of BUNDLED_SNAPSHOTS) {
		const feed = FEEDS[name];
		if (!feed) throw new Error(`bundled snapshot ${file}: no feed "${name}"`);
		const path = join(dataDir, file);
		const bytes = readFileSync(path);
		const sha256 = createHash('sha256').update(bytes).digest('hex');
		const known = remembered.get(file) as string | undefined;
		if (known === sha256) continue;
		if (known === undefined) {
			// Seeded before bundled_snapshot: the same bytes ingested from this file count too.
			const like = `%/${file.replace(/[\\%_]/g, '\\$&')}`;
			const run = lastRunOf.get(name, file, like) as { id: number; sha256: string } | undefined;
			if (run?.sha256 === sha256) {
				remember.run(file, sha256, run.id, new Date().toISOString());
				continue;
			}
		}
		const started = performance.now();
		// Bytes for every feed: the runner decodes them for the text ones.
		const summary = runIngest(db, feed, { source: path, bytes });
		remember.run(file, sha256, summary.runId, new Date().toISOString());
		done.push({ ...summary, file, ms: Math.round(performance.now() - started) });
	}
	return done;
}
