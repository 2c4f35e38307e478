import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Db } from './db/open.ts';
import { oxcgrtC8Feed } from './ingest/feeds/oxcgrtC8Feed.ts';
import { runIngest, type IngestSummary } from './ingest/run.ts';

/** The snapshots shipped in data/, each with the feed that reads it. */
export const BUNDLED_SNAPSHOTS = [
	{ feed: oxcgrtC8Feed, file: 'oxcgrt/c8_internationaltravel.csv', table: 'border_status_day' }
] as const;

/** Loads each bundled snapshot whose table is still empty; a seeded database is left alone. */
export function seedIfEmpty(db: Db, dataDir: string): IngestSummary[] {
	const summaries: IngestSummary[] = [];
	for (const { feed, file, table } of BUNDLED_SNAPSHOTS) {
		const empty = !db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get();
		if (!empty) continue;
		const path = join(dataDir, file);
		summaries.push(runIngest(db, feed, { source: path, text: readFileSync(path, 'utf8') }));
	}
	return summaries;
}
