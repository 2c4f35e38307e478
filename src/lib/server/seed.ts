import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Db } from './db/open.ts';
import { FEEDS } from './ingest/feeds/index.ts';
import { runIngest, type IngestSummary } from './ingest/run.ts';

/** The snapshots shipped in data/, each with the feed that reads it and a test for "not loaded yet". */
export const BUNDLED_SNAPSHOTS: { feed: string; file: string; missing: string }[] = [
	{
		feed: 'oxcgrt-c8',
		file: 'oxcgrt/c8_internationaltravel.csv',
		missing: 'SELECT NOT EXISTS (SELECT 1 FROM border_status_day)'
	},
	{
		feed: 'wb-indicator',
		file: 'worldbank-wdi/API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv',
		missing: "SELECT NOT EXISTS (SELECT 1 FROM remittance WHERE measure = 'received')"
	},
	{
		feed: 'wb-indicator',
		file: 'worldbank-wdi/API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv',
		missing: "SELECT NOT EXISTS (SELECT 1 FROM remittance WHERE measure = 'paid')"
	},
	{
		feed: 'gdp',
		file: 'datasets-gdp/gdp.csv',
		missing: 'SELECT NOT EXISTS (SELECT 1 FROM gdp)'
	},
	{
		feed: 'bilateral-remittances',
		file: 'worldbank-bilateral/WB_Bilateral_Remittance_Estimates_2017.xlsx',
		missing: 'SELECT NOT EXISTS (SELECT 1 FROM corridor)'
	}
];

/** Loads each bundled snapshot whose data is not in the database yet; the rest is left alone. */
export function seedIfEmpty(db: Db, dataDir: string): IngestSummary[] {
	const summaries: IngestSummary[] = [];
	for (const { feed: name, file, missing } of BUNDLED_SNAPSHOTS) {
		const feed = FEEDS[name];
		if (!feed) throw new Error(`bundled snapshot ${file}: no feed "${name}"`);
		if (!db.prepare(missing).pluck().get()) continue;
		const path = join(dataDir, file);
		// Bytes for every feed: the runner decodes them for the text ones.
		summaries.push(runIngest(db, feed, { source: path, bytes: readFileSync(path) }));
	}
	return summaries;
}
