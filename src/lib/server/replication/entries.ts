/**
 * What a commit carries from the primary to its replicas, and how a replica applies it.
 *
 * change_log rows alone cannot rebuild the data tables: a border-status change is the
 * effective level (feed value or an editor's restriction over it), border_status_run is
 * derived, and restriction rows carry ids, notes and recording times no change row holds. So an
 * entry carries, besides the commit's change_log rows and its ingest_runs row, the whole
 * current rows of every key the commit touched (all of a country's border-status days, runs
 * and restrictions; its remittances; its GDP; the corridors into it; the aggregates' values of
 * the indicator a World Bank run wrote; every monthly remittance of a month, corridor cost of a
 * quarter and reported quarterly corridor of a quarter it changed; a passport → destination
 * pair's visa intervals and the snapshot's date; the ban policies a country imposes and their
 * intervals). A replica replaces those keys' rows and inserts the identical change_log and
 * ingest_runs rows (same seq, same run id), so its tables equal the primary's and its
 * ChangeWatcher announces the same commits.
 */
import { LAYER_BORDER_STATUS } from '../../domain/borderStatus.ts';
import { LAYER_ENTRY } from '../../domain/visaRequirement.ts';
import { LAYER_REMITTANCES_MONTHLY } from '../ingest/feeds/banxicoRemittancesFeed.ts';
import { LAYER_CORRIDOR_COST } from '../ingest/feeds/rpwFeed.ts';
import type { Db } from '../db/open.ts';
import { LAYER_CORRIDORS } from '../ingest/feeds/bilateralRemittancesFeed.ts';
import { LAYER_BANS } from '../ingest/feeds/cobapFeed.ts';
import { GDP_INDICATOR, type WbIndicatorCode } from '../ingest/feeds/wbIndicator.ts';
import { LAYER_GDP, LAYER_REMITTANCES } from '../ingest/feeds/wbIndicatorFeed.ts';

type Row = Record<string, unknown>;

/** One table's rows for the keys a commit touched. */
interface TableRows {
	table: string;
	/** The column the keys are values of, or the columns of a composite key. */
	key: string | string[];
	/** Values of `key`: strings, or for a composite key arrays of one value per column. */
	keys: (string | string[])[];
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

/**
 * A table a change touches, and the key (a value of `column`, or of each of its columns) whose
 * rows it may have changed.
 */
interface Touch {
	table: string;
	column: string | string[];
	/** '' (or a composite key with an empty part): the change touches no row of the table. */
	keyOf(change: Row): string | string[];
}

const byCountry = (table: string, column = 'iso3'): Touch => ({
	table,
	column,
	keyOf: (change) => change.iso3 as string
});

/**
 * Tables keyed by the change's period (a month, a quarter): a commit's rows of that period go
 * along, whoever's they are. A periodic update (a new month, a new quarter) ships that
 * period's rows only, not every corridor of every country it touched.
 */
const byPeriod = (table: string, column: string, accepts: RegExp): Touch => ({
	table,
	column,
	keyOf: (change) => (accepts.test(change.period as string) ? (change.period as string) : '')
});
const QUARTER = /^\d{4}Q[1-4]$/;
const YEAR = /^\d{4}$/;

/**
 * A World Bank run writes its aggregates' values (WLD, EUU …) without change rows: the rows of
 * the commit's indicator go along, found from the change's layer and measure.
 */
const aggregatesOf = (indicatorOf: (change: Row) => string | null): Touch => ({
	table: 'aggregate_value',
	column: 'indicator',
	keyOf: (change) => indicatorOf(change) ?? ''
});
const INDICATOR_BY_MEASURE: Record<string, WbIndicatorCode> = {
	received: 'BX.TRF.PWKR.CD.DT',
	paid: 'BM.TRF.PWKR.CD.DT'
};

/** The tables each layer's change rows touch. */
const TOUCHES_BY_LAYER: Record<string, Touch[]> = {
	// The effective level: feed days, the runs derived from them, and editors' restrictions.
	[LAYER_BORDER_STATUS]: [
		byCountry('border_status_day'),
		byCountry('border_status_run'),
		byCountry('restriction')
	],
	[LAYER_REMITTANCES]: [
		byCountry('remittance'),
		aggregatesOf((change) => INDICATOR_BY_MEASURE[change.measure as string] ?? null)
	],
	[LAYER_GDP]: [byCountry('gdp'), aggregatesOf(() => GDP_INDICATOR)],
	// A corridor change's iso3 is the destination (partner the origin); its period is the
	// matrix's year (table corridor) or a reported quarter (corridor_quarterly, Banco de México).
	[LAYER_CORRIDORS]: [
		// The matrix's corridors are yearly: a quarter's change leaves them alone.
		{
			...byCountry('corridor', 'destination'),
			keyOf: (c) => (YEAR.test(c.period as string) ? (c.iso3 as string) : '')
		},
		byPeriod('corridor_quarterly', 'quarter', QUARTER)
	],
	[LAYER_REMITTANCES_MONTHLY]: [byPeriod('monthly_remittance', 'month', /^\d{4}-\d{2}$/)],
	[LAYER_CORRIDOR_COST]: [byPeriod('corridor_cost', 'quarter', QUARTER)],
	// A visa change's iso3 is the destination and partner the passport: the pair's intervals
	// (a pair, not the destination: a destination has hundreds of intervals) and the snapshot.
	[LAYER_ENTRY]: [
		{
			table: 'visa_requirement',
			column: ['destination', 'passport'],
			keyOf: (change) => [change.iso3 as string, (change.partner as string | null) ?? '']
		},
		{ table: 'passport_snapshot', column: 'snapshot', keyOf: (change) => change.period as string }
	],
	// A ban change's iso3 is the imposing country (EUR for a European Union policy's own row):
	// its policies, and the intervals it imposes (an EU policy's are under each member).
	[LAYER_BANS]: [byCountry('ban_policy', 'destination'), byCountry('ban_interval', 'destination')]
};

const keyParts = (key: string | string[]) => (Array.isArray(key) ? key : [key]);

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
			const touched = new Map<
				string,
				{ table: string; key: string | string[]; keys: Map<string, string | string[]> }
			>();
			for (const change of changes) {
				for (const { table, column, keyOf } of TOUCHES_BY_LAYER[change.layer as string] ?? []) {
					const key = keyOf(change);
					// No key (or a part of one missing): the change is not about this table's rows
					// (a year's corridor and the quarterly table, an unknown measure's aggregates).
					if (!keyParts(key).every(Boolean)) continue;
					const t = touched.get(table) ?? { table, key: column, keys: new Map() };
					t.keys.set(JSON.stringify(key), key);
					touched.set(table, t);
				}
			}
			const tables = [...touched.values()].map(({ table, key, keys }) => {
				const list = [...keys.values()];
				let rows: Row[];
				if (Array.isArray(key)) {
					// One indexed lookup per composite key (at most MAX_ENTRY_CHANGES of them).
					const select = db.prepare(
						`SELECT * FROM ${table} WHERE ${key.map((c) => `${c} = ?`).join(' AND ')}`
					);
					rows = list.flatMap((k) => select.all(...keyParts(k)) as Row[]);
				} else {
					rows = db
						.prepare(`SELECT * FROM ${table} WHERE ${key} IN (${list.map(() => '?').join(',')})`)
						.all(...list) as Row[];
				}
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
			const remove = db.prepare(
				`DELETE FROM ${table} WHERE ${keyParts(key)
					.map((c) => `${c} = ?`)
					.join(' AND ')}`
			);
			for (const k of keys) remove.run(...keyParts(k));
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
export const SNAPSHOT_TABLES = [
	'ingest_runs',
	'change_log',
	'border_status_day',
	'border_status_run',
	'restriction',
	'remittance',
	'gdp',
	'aggregate_value',
	'corridor',
	'passport_snapshot',
	'visa_requirement',
	'monthly_remittance',
	'corridor_quarterly',
	'corridor_cost',
	'ban_policy',
	'ban_interval',
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
