/**
 * A database seeded from the bundled snapshots, then copied: a server started on a copy skips
 * the seeding and is up in about a second.
 *
 * Seeding every bundled file takes seconds (the Passport Index snapshots alone about as long
 * as the rest), and most test files want a seeded database, so the seeded file is kept in the
 * system's temp folder under a hash of what decides its content: the bundled files' bytes and
 * the server code that reads them (migrations, feeds, seeding). The first test file of a run
 * seeds it; every other file, and the next run with the same code and data, copies it.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import { BUNDLED_SNAPSHOTS, ingestBundledSnapshots } from '../../src/lib/server/seed.ts';
import { ROOT, tempDir } from './server.ts';

/** Every file under `dir`, sorted, so the hash does not depend on directory order. */
function filesUnder(dir: string): string[] {
	return readdirSync(dir)
		.sort()
		.flatMap((name) => {
			const path = join(dir, name);
			return statSync(path).isDirectory() ? filesUnder(path) : [path];
		});
}

/** A hash of the bundled data and of the code that turns it into a database. */
function seedKey(): string {
	const hash = createHash('sha256');
	const inputs = [
		...BUNDLED_SNAPSHOTS.map((s) => join(ROOT, 'data', s.file)),
		...filesUnder(join(ROOT, 'src', 'lib', 'server')),
		...filesUnder(join(ROOT, 'src', 'lib', 'domain'))
	];
	for (const path of inputs) hash.update(path.slice(ROOT.length)).update(readFileSync(path));
	return hash.digest('hex').slice(0, 20);
}

let template: string | undefined;

function seededTemplate(): string {
	if (template) return template;
	const cached = join(tmpdir(), `crossings-seeded-${seedKey()}.db`);
	if (!existsSync(cached)) {
		const fresh = join(tempDir('crossings-seed-'), 'seeded.db');
		const db = openDatabase(fresh);
		ingestBundledSnapshots(db, join(ROOT, 'data'));
		// Closing checkpoints the WAL into the file, so the copy is the whole database.
		db.close();
		// Atomic on one filesystem: a test file seeding at the same time replaces it whole.
		renameSync(fresh, cached);
	}
	return (template = cached);
}

/** A fresh copy of the seeded database, in a new temp folder; returns its path. */
export function seededDatabaseCopy(): string {
	const copy = join(tempDir(), 'crossings.db');
	copyFileSync(seededTemplate(), copy);
	return copy;
}
