import Database, { type Statement } from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.ts';

export type Db = Database.Database;

/**
 * The WAL is truncated back to this size after a checkpoint; without a limit it stays at its
 * high-water mark (50 MB after a full C8 run) until the last connection closes.
 */
export const JOURNAL_SIZE_LIMIT = 8 * 1024 * 1024;

/** Why a database could not be opened, in one line an operator can act on. */
export class DatabaseOpenError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'DatabaseOpenError';
	}
}

/**
 * The file a connection was opened on, so a removed or replaced file can be told apart. Kept
 * on the connection under a global symbol: the production entry and the SvelteKit bundle each
 * load their own copy of this module but share the connection.
 */
const IDENTITY = Symbol.for('crossings.database-file');
type FileIdentity = { path: string; dev: number; ino: number };
type WithIdentity = Db & { [IDENTITY]?: FileIdentity };

const EXPLANATIONS: Record<string, string> = {
	SQLITE_READONLY:
		'the database (or its folder, where SQLite keeps the -wal and -shm files) is read-only; Crossings needs to write to both',
	SQLITE_CANTOPEN:
		'the file cannot be opened: check that its folder exists and that this user may read and write it',
	SQLITE_NOTADB: 'the file is not a SQLite database',
	SQLITE_CORRUPT: 'the database file is corrupt',
	SQLITE_PERM: 'permission denied',
	SQLITE_FULL: 'the disk is full',
	SQLITE_IOERR: 'an I/O error occurred while reading or writing the file'
};

function explain(path: string, err: unknown): DatabaseOpenError {
	const e = err as { code?: string; message?: string };
	// Extended codes (SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE …) share their base's reason.
	const base = (e.code ?? '').split('_').slice(0, 2).join('_');
	const why = EXPLANATIONS[base];
	const detail = e.message ?? String(err);
	return new DatabaseOpenError(`DATABASE_PATH ${path}: ${why ? `${why} (${detail})` : detail}`, {
		cause: err
	});
}

/** Opens (creating file and folder if missing) and migrates a Crossings database. */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Db {
	let db: Db | undefined;
	try {
		if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
		db = new Database(path, { readonly: options.readonly ?? false });
		// Several processes (server, ingest CLI, replay) share the file: WAL lets readers go on
		// while one writer commits, and busy_timeout makes a second writer wait, not fail.
		db.pragma('busy_timeout = 5000');
		if (!options.readonly) {
			db.pragma('journal_mode = WAL');
			db.pragma('synchronous = NORMAL');
			db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
		}
		db.pragma('foreign_keys = ON');
		if (!options.readonly) {
			migrate(db);
			// SQLite opens a file it may not write read-only without a word, and in WAL mode
			// even takes the write lock; the first write would fail much later. A write that
			// is rolled back (it never reaches the disk) says so at start.
			db.exec('BEGIN IMMEDIATE');
			try {
				db.exec('CREATE TABLE main.crossings_write_check (x)');
			} finally {
				db.exec('ROLLBACK');
			}
		}
	} catch (err) {
		db?.close();
		if (
			(err as { code?: string }).code === 'EACCES' ||
			(err as { code?: string }).code === 'EROFS'
		) {
			throw new DatabaseOpenError(
				`DATABASE_PATH ${path}: cannot create its folder (${(err as Error).message})`,
				{ cause: err }
			);
		}
		throw explain(path, err);
	}
	if (path !== ':memory:' && path !== '') {
		const stat = statSync(path);
		(db as WithIdentity)[IDENTITY] = { path, dev: stat.dev, ino: stat.ino };
	}
	return db;
}

/**
 * Null while the connection's file is still at its path; otherwise what happened to it. A file
 * removed under a running server keeps working through the open descriptor, so without this
 * check health would say ok and every write would go to a file nobody will ever open again.
 */
export function databaseFileProblem(db: Db): string | null {
	const identity = (db as WithIdentity)[IDENTITY];
	if (!identity) return null;
	try {
		const stat = statSync(identity.path);
		if (stat.dev !== identity.dev || stat.ino !== identity.ino) {
			return `the database file ${identity.path} was replaced by another file after the server opened it; restart the server`;
		}
		return null;
	} catch (err) {
		const code = (err as { code?: string }).code;
		return code === 'ENOENT'
			? `the database file ${identity.path} was removed while the server had it open; writes would be lost, restart the server`
			: `the database file ${identity.path} cannot be checked: ${(err as Error).message}`;
	}
}

export class DatabaseFileGoneError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DatabaseFileGoneError';
	}
}

/** Throws before a write that would go to a removed or replaced file. */
export function assertDatabaseFile(db: Db): void {
	const problem = databaseFileProblem(db);
	if (problem) throw new DatabaseFileGoneError(problem);
}

const STATEMENTS = Symbol.for('crossings.prepared-statements');
type WithStatements = Db & { [STATEMENTS]?: Map<string, Statement> };

/**
 * A statement prepared once per connection, for queries on hot paths (every read asks for the
 * last seq; replays read commits many times a second). `pluck` statements return the first
 * column; the same SQL is one statement per mode.
 */
export function prepared(db: Db, sql: string, options: { pluck?: boolean } = {}): Statement {
	const cache = ((db as WithStatements)[STATEMENTS] ??= new Map());
	const key = options.pluck ? `pluck ${sql}` : sql;
	let statement = cache.get(key);
	if (!statement) {
		statement = db.prepare(sql);
		if (options.pluck) statement.pluck();
		cache.set(key, statement);
	}
	return statement;
}
