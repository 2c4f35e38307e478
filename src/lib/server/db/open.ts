import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.ts';

export type Db = Database.Database;

/** Opens (creating file and folder if missing) and migrates a Crossings database. */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Db {
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const db = new Database(path, { readonly: options.readonly ?? false });
	// Several processes (server, ingest CLI, replay) share the file: WAL lets readers go on
	// while one writer commits, and busy_timeout makes a second writer wait, not fail.
	db.pragma('busy_timeout = 5000');
	if (!options.readonly) {
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = NORMAL');
	}
	db.pragma('foreign_keys = ON');
	if (!options.readonly) migrate(db);
	return db;
}
