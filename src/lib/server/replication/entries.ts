/**
 * What a commit carries from the primary to its replicas, and how a replica applies it.
 *
 * change_log rows alone cannot rebuild the data tables: a border-status change is the
 * effective level (feed value or an editor's restriction over it), border_status_run is
 * derived, and restriction rows carry ids, notes and recording times no change row holds. So an
 * entry carries, besides the commit's change_log rows and its ingest_runs row, the whole
 * current rows of every key the commit touched (all of a country's border-status days, runs
 * and restrictions; its remittances; its GDP; the corridors into it). A replica replaces those
 * keys' rows and inserts the identical change_log and ingest_runs rows (same seq, same run id),
 * so its tables equal the primary's and its ChangeWatcher announces the same commits.
 */
import { LAYER_BORDER_STATUS } from '../../domain/borderStatus.ts';
import type { Db } from '../db/open.ts';
import { LAYER_CORRIDORS } from '../ingest/feeds/bilateralRemittancesFeed.ts';
import { LAYER_GDP, LAYER_REMITTANCES } from '../ingest/feeds/wbIndicatorFeed.ts';

type Row = Record<string, unknown>;

/** One table's rows for the keys a commit touched. */
interface TableRows {
	table: string;
	/** The column the keys are values of. */
	key: string;
	keys: string[];
	rows: Row[];
}

export interface CommitEntry {
	/** The seq of the commit before this one: a replica at another seq has a gap. */
	after: number;
	seq: number;
	/**
	 * A commit too large to ship (a whole feed's first ingest): replicas take a snapshot instead.
	 */
	resync?: true;
	run?: Row;
	changes?: Row[];
	tables?: TableRows[];
}

/** The tables a layer's change rows touch, each keyed by the change's iso3. */
const TABLES_BY_LAYER: Record<string, { table: string; key: string }[]> = {
	[LAYER_BORDER_STATUS]: [
		{ table: 'border_status_day', key: 'iso3' },
		{ table: 'border_status_run', key: 'iso3' },
		{ table: 'restriction', key: 'iso3' }
	],
	[LAYER_REMITTANCES]: [{ table: 'remittance', key: 'iso3' }],
	[LAYER_GDP]: [{ table: 'gdp', key: 'iso3' }],
	// A corridor change's iso3 is the destination (partner the origin).
	[LAYER_CORRIDORS]: [{ table: 'corridor', key: 'destination' }]
};

/**
 * Commits with more change rows than this go as a `resync`: their rows would make one stream
 * entry of tens of MB, and a snapshot of the file is smaller and faster to apply.
 */
export const MAX_ENTRY_CHANGES = 5000;

/**
 * The entries for the commits in (after, upTo], read in one transaction so each entry's rows
 * are at least as new as its commit. A key's rows may be newer than the entry's commit (a later
 * commit already landed); the later commit's entry then carries the same rows, so a replica
 * ends exactly where the primary is.
 */
export function commitEntries(db: Db, after: number, upTo: number): CommitEntry[] {
	return db.transaction(() => {
		const runs = db
			.prepare(
				`SELECT * FROM ingest_runs WHERE last_seq > ? AND last_seq <= ? AND first_seq IS NOT NULL
				ORDER BY last_seq`
			)
			.all(after, upTo) as Row[];
		const changesOf = db.prepare('SELECT * FROM change_log WHERE seq BETWEEN ? AND ? ORDER BY seq');
		let previous = after;
		return runs.map((run): CommitEntry => {
			const first = run.first_seq as number;
			const seq = run.last_seq as number;
			const entry: CommitEntry = { after: previous, seq };
			previous = seq;
			if (seq - first + 1 > MAX_ENTRY_CHANGES) return { ...entry, resync: true };
			const changes = changesOf.all(first, seq) as Row[];
			const touched = new Map<string, { table: string; key: string; keys: Set<string> }>();
			for (const change of changes) {
				for (const { table, key } of TABLES_BY_LAYER[change.layer as string] ?? []) {
					const t = touched.get(table) ?? { table, key, keys: new Set<string>() };
					t.keys.add(change.iso3 as string);
					touched.set(table, t);
				}
			}
			const tables = [...touched.values()].map(({ table, key, keys }) => {
				const list = [...keys];
				const rows = db
					.prepare(`SELECT * FROM ${table} WHERE ${key} IN (${list.map(() => '?').join(',')})`)
					.all(...list) as Row[];
				return { table, key, keys: list, rows };
			});
			return { ...entry, run, changes, tables };
		});
	})();
}

function insertRow(db: Db, table: string, row: Row): void {
	const columns = Object.keys(row);
	db.prepare(
		`INSERT INTO ${table} (${columns.join(',')}) VALUES (${columns.map(() => '?').join(',')})`
	).run(...columns.map((c) => row[c]));
}

/**
 * Applies one entry in one transaction: the touched keys' rows replaced, then the run and its
 * change rows as the primary wrote them. The caller checked that `entry.after` is its last seq.
 */
export function applyEntry(db: Db, entry: CommitEntry): void {
	db.transaction(() => {
		// Restriction rows name their run: the run goes in first.
		if (entry.run) insertRow(db, 'ingest_runs', entry.run);
		for (const { table, key, keys, rows } of entry.tables ?? []) {
			const remove = db.prepare(`DELETE FROM ${table} WHERE ${key} = ?`);
			for (const k of keys) remove.run(k);
			for (const row of rows) insertRow(db, table, row);
		}
		for (const change of entry.changes ?? []) insertRow(db, 'change_log', change);
	}).immediate();
}

/**
 * The tables a snapshot replaces, parents first. Reference tables (country, aliases,
 * aggregates' names) come from the migrations and are the same everywhere; presenter sessions
 * stay with the primary.
 */
const SNAPSHOT_TABLES = [
	'ingest_runs',
	'change_log',
	'border_status_day',
	'border_status_run',
	'restriction',
	'remittance',
	'gdp',
	'aggregate_value',
	'corridor',
	'bundled_snapshot'
];

/**
 * Replaces this database's data with a snapshot file's (the primary's `db.backup()`), in one
 * transaction on the open connection: readers see the old data or the new, and the process
 * keeps its connection (no file swapped under it).
 */
export function restoreSnapshot(db: Db, snapshotPath: string): void {
	db.prepare('ATTACH DATABASE ? AS snapshot').run(snapshotPath);
	try {
		db.transaction(() => {
			for (const table of [...SNAPSHOT_TABLES].reverse()) db.exec(`DELETE FROM main.${table}`);
			for (const table of SNAPSHOT_TABLES) {
				db.exec(`INSERT INTO main.${table} SELECT * FROM snapshot.${table}`);
			}
		}).immediate();
	} finally {
		db.exec('DETACH DATABASE snapshot');
	}
}
