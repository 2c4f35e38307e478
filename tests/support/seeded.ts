/**
 * A database seeded from the bundled snapshots, made once per test file in process and then
 * copied: a server started on a copy skips the seeding and is up in about a second.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import { ingestBundledSnapshots } from '../../src/lib/server/seed.ts';
import { ROOT, tempDir } from './server.ts';

let template: string | undefined;

/** A fresh copy of the seeded database, in a new temp folder; returns its path. */
export function seededDatabaseCopy(): string {
	if (!template) {
		template = join(tempDir('crossings-seed-'), 'seeded.db');
		const db = openDatabase(template);
		ingestBundledSnapshots(db, join(ROOT, 'data'));
		// Closing checkpoints the WAL into the file, so the copy is the whole database.
		db.close();
	}
	const copy = join(tempDir(), 'crossings.db');
	copyFileSync(template, copy);
	return copy;
}
