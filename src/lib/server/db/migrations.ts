import type { Database } from 'better-sqlite3';
import {
	COUNTRY_ALIASES,
	REFERENCE_COUNTRIES,
	WB_AGGREGATES
} from './reference/countries.generated.ts';

export interface Migration {
	version: number;
	name: string;
	up(db: Database): void;
}

/**
 * Append-only: a released migration is never edited, a change is a new version.
 * Each runs in its own transaction together with its schema_migrations row.
 */
export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'core schema',
		up(db) {
			db.exec(`
				CREATE TABLE country (
					iso3 TEXT PRIMARY KEY CHECK (length(iso3) = 3),
					iso2 TEXT,
					numeric TEXT,
					name TEXT NOT NULL,
					m49_region TEXT,
					m49_subregion TEXT,
					m49_intermediate_region TEXT,
					wb_region TEXT,
					income_group TEXT,
					wb_name TEXT
				) STRICT;

				-- Other publishers' codes for our countries (OxCGRT RKS, RPW KSV = XKX).
				CREATE TABLE country_alias (
					alias TEXT PRIMARY KEY,
					iso3 TEXT NOT NULL REFERENCES country(iso3)
				) STRICT;

				CREATE TABLE ingest_runs (
					id INTEGER PRIMARY KEY,
					feed TEXT NOT NULL,
					source TEXT NOT NULL,
					sha256 TEXT NOT NULL,
					rows_read INTEGER NOT NULL DEFAULT 0,
					rows_changed INTEGER NOT NULL DEFAULT 0,
					rejected INTEGER NOT NULL DEFAULT 0,
					first_seq INTEGER,
					last_seq INTEGER,
					started_at TEXT NOT NULL,
					finished_at TEXT,
					outcome TEXT NOT NULL CHECK (outcome IN ('running', 'changed', 'unchanged'))
				) STRICT;

				-- One row per value that changed, in commit order: what live updates and
				-- reconnecting clients replay from.
				CREATE TABLE change_log (
					seq INTEGER PRIMARY KEY AUTOINCREMENT,
					at TEXT NOT NULL,
					layer TEXT NOT NULL,
					iso3 TEXT NOT NULL,
					period TEXT NOT NULL,
					old ANY,
					new ANY,
					run_id INTEGER REFERENCES ingest_runs(id)
				) STRICT;
				CREATE INDEX change_log_layer ON change_log(layer, seq);

				-- OxCGRT C8 per country and day; a missing cell is a missing row.
				CREATE TABLE border_status_day (
					iso3 TEXT NOT NULL REFERENCES country(iso3),
					day TEXT NOT NULL,
					level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
					PRIMARY KEY (iso3, day)
				) STRICT, WITHOUT ROWID;
				CREATE INDEX border_status_day_by_day ON border_status_day(day);

				-- Derived from border_status_day inside the same transaction: runs of equal
				-- level, so "level on date D and since when" is one indexed lookup.
				CREATE TABLE border_status_run (
					iso3 TEXT NOT NULL REFERENCES country(iso3),
					from_day TEXT NOT NULL,
					to_day TEXT NOT NULL,
					level INTEGER NOT NULL,
					PRIMARY KEY (iso3, from_day)
				) STRICT, WITHOUT ROWID;
				CREATE INDEX border_status_run_by_day ON border_status_run(from_day, to_day);
			`);
		}
	},
	{
		version: 2,
		name: 'country reference data',
		up(db) {
			const insertCountry = db.prepare(`
				INSERT INTO country (iso3, iso2, numeric, name, m49_region, m49_subregion,
					m49_intermediate_region, wb_region, income_group, wb_name)
				VALUES (@iso3, @iso2, @numeric, @name, @m49Region, @m49Subregion,
					@m49IntermediateRegion, @wbRegion, @incomeGroup, @wbName)`);
			for (const c of REFERENCE_COUNTRIES) insertCountry.run(c);
			const insertAlias = db.prepare('INSERT INTO country_alias (alias, iso3) VALUES (?, ?)');
			for (const [alias, iso3] of Object.entries(COUNTRY_ALIASES)) insertAlias.run(alias, iso3);
		}
	},
	{
		version: 3,
		name: 'curated restrictions; open-ended runs',
		up(db) {
			db.exec(`
				-- Editors' current restrictions: a level that holds from effective_from until the
				-- country's next restriction, overriding feed values for those days.
				CREATE TABLE restriction (
					iso3 TEXT NOT NULL REFERENCES country(iso3),
					effective_from TEXT NOT NULL,
					level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
					note TEXT,
					source_url TEXT,
					recorded_at TEXT NOT NULL,
					run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
					PRIMARY KEY (iso3, effective_from)
				) STRICT;
				CREATE INDEX restriction_by_run ON restriction(run_id);

				-- to_day NULL: the run holds on (a curated level with no later change).
				CREATE TABLE border_status_run_v3 (
					iso3 TEXT NOT NULL REFERENCES country(iso3),
					from_day TEXT NOT NULL,
					to_day TEXT,
					level INTEGER NOT NULL,
					PRIMARY KEY (iso3, from_day)
				) STRICT, WITHOUT ROWID;
				INSERT INTO border_status_run_v3 SELECT * FROM border_status_run;
				DROP TABLE border_status_run;
				ALTER TABLE border_status_run_v3 RENAME TO border_status_run;
				CREATE INDEX border_status_run_by_day ON border_status_run(from_day, to_day);

				-- A curated change carries its editor's note and source with it, so the history
				-- keeps them even after the restriction is revised.
				ALTER TABLE change_log ADD COLUMN note TEXT;
				ALTER TABLE change_log ADD COLUMN source_url TEXT;
			`);
		}
	},
	{
		version: 4,
		name: 'remittances, GDP and corridors',
		up(db) {
			db.exec(`
				-- World Bank aggregates (WLD, EUU, INX …): their values are kept, never as countries.
				CREATE TABLE wb_aggregate (
					code TEXT PRIMARY KEY,
					name TEXT NOT NULL
				) STRICT;

				-- Personal remittances in current US$, per economy, year and direction.
				CREATE TABLE remittance (
					iso3 TEXT NOT NULL REFERENCES country(iso3),
					year INTEGER NOT NULL,
					measure TEXT NOT NULL CHECK (measure IN ('received', 'paid')),
					value REAL NOT NULL,
					PRIMARY KEY (iso3, measure, year)
				) STRICT, WITHOUT ROWID;

				-- GDP in current US$: the denominator of remittances as a share of GDP.
				CREATE TABLE gdp (
					iso3 TEXT NOT NULL REFERENCES country(iso3),
					year INTEGER NOT NULL,
					value REAL NOT NULL,
					PRIMARY KEY (iso3, year)
				) STRICT, WITHOUT ROWID;

				-- Values of aggregates, by indicator (BX.TRF.PWKR.CD.DT, NY.GDP.MKTP.CD …).
				CREATE TABLE aggregate_value (
					code TEXT NOT NULL REFERENCES wb_aggregate(code),
					indicator TEXT NOT NULL,
					year INTEGER NOT NULL,
					value REAL NOT NULL,
					PRIMARY KEY (code, indicator, year)
				) STRICT, WITHOUT ROWID;

				-- Bilateral remittance estimates: money sent from origin to destination, US$.
				CREATE TABLE corridor (
					origin TEXT NOT NULL REFERENCES country(iso3),
					destination TEXT NOT NULL REFERENCES country(iso3),
					year INTEGER NOT NULL,
					value REAL NOT NULL,
					PRIMARY KEY (destination, year, origin)
				) STRICT, WITHOUT ROWID;
				CREATE INDEX corridor_by_origin ON corridor(origin, year);

				-- Corridor changes name both ends: iso3 is the destination, partner the origin.
				ALTER TABLE change_log ADD COLUMN partner TEXT;
			`);
			const insert = db.prepare('INSERT INTO wb_aggregate (code, name) VALUES (?, ?)');
			for (const a of WB_AGGREGATES) insert.run(a.code, a.name);
		}
	},
	{
		version: 5,
		name: 'commits found by seq; restrictions with ids',
		up(db) {
			// A commit is an ingest run that changed something: its seqs are first_seq..last_seq
			// (contiguous, since writers are serialised). Replay walks runs by last_seq instead of
			// grouping change_log rows, so a subscriber's catch-up costs its own size, not the log's.
			// Restrictions get an id an editor can retract; AUTOINCREMENT never reuses one, so a
			// stale DELETE cannot remove a later restriction.
			db.exec(`
				CREATE INDEX ingest_runs_by_last_seq ON ingest_runs(last_seq) WHERE last_seq IS NOT NULL;
				-- The change feed asks for the latest changes from one level to another; most rows
				-- are first values (old NULL), so without this it scans the whole log.
				CREATE INDEX change_log_level_changes ON change_log(seq)
					WHERE old IS NOT NULL AND new IS NOT NULL AND old != new;

				CREATE TABLE restriction_v5 (
					id INTEGER PRIMARY KEY AUTOINCREMENT,
					iso3 TEXT NOT NULL REFERENCES country(iso3),
					effective_from TEXT NOT NULL,
					level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
					note TEXT,
					source_url TEXT,
					recorded_at TEXT NOT NULL,
					run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
					UNIQUE (iso3, effective_from)
				) STRICT;
				INSERT INTO restriction_v5
					(iso3, effective_from, level, note, source_url, recorded_at, run_id)
				SELECT iso3, effective_from, level, note, source_url, recorded_at, run_id
				FROM restriction ORDER BY recorded_at, iso3, effective_from;
				DROP TABLE restriction;
				ALTER TABLE restriction_v5 RENAME TO restriction;
				CREATE INDEX restriction_by_run ON restriction(run_id);
			`);
		}
	},
	{
		version: 6,
		name: 'bundled snapshots by content',
		up(db) {
			// Which bytes of each file shipped in data/ were last ingested, so that a start with
			// a newer bundled file ingests it again (an upgrade) and a start with the same file
			// does nothing. `file` is the path under data/, not the run's source (an absolute
			// path that changes when the app moves).
			db.exec(`
				CREATE TABLE bundled_snapshot (
					file TEXT PRIMARY KEY,
					sha256 TEXT NOT NULL,
					run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
					ingested_at TEXT NOT NULL
				) STRICT;
			`);
		}
	},
	{
		version: 7,
		name: 'remittance changes name their measure',
		up(db) {
			// A pinned embed undoes the changes committed after its data version; for
			// remittances it has to know whether a value was received or paid. Earlier rows are
			// filled in from the indicator code in their run's source (the bulk file's name or
			// the API URL); a source without one stays unknown and is never undone.
			db.exec(`
				ALTER TABLE change_log ADD COLUMN measure TEXT;
				UPDATE change_log SET measure = (
					SELECT CASE
						WHEN r.source LIKE '%BX.TRF.PWKR.CD.DT%' THEN 'received'
						WHEN r.source LIKE '%BM.TRF.PWKR.CD.DT%' THEN 'paid'
					END
					FROM ingest_runs r WHERE r.id = change_log.run_id
				) WHERE layer = 'remittances';
			`);
		}
	},
	{
		version: 8,
		name: 'presenter sessions',
		up(db) {
			// A follow session lives in the database, not in the socket layer, so it survives a
			// restart and any process can answer for it. Only the key's SHA-256 is kept: a copy
			// of the file does not let anyone lead. `view` stays NULL until the first lead;
			// `version` counts leads, so followers can tell a newer view from an older one.
			db.exec(`
				CREATE TABLE presenter_session (
					id TEXT PRIMARY KEY,
					key_hash TEXT NOT NULL,
					title TEXT,
					view TEXT,
					version INTEGER NOT NULL DEFAULT 0,
					created_at TEXT NOT NULL,
					updated_at TEXT NOT NULL,
					expires_at TEXT NOT NULL
				) STRICT;
				CREATE INDEX presenter_session_by_expiry ON presenter_session(expires_at);
			`);
		}
	},
	{
		version: 9,
		name: 'COBAP border bans',
		up(db) {
			// COVID Border Accountability Project policies (feed `cobap`). A policy's
			// `destination` is the country imposing it as COBAP codes it: an ISO3 of ours, EUR
			// (the European Union, whose policies apply to its member states) or SOL
			// (Somaliland, not in the country table). Start and end are inclusive; end NULL: it
			// holds on; NOPOLICYIMPLEMENTED rows have no start, only the day COBAP checked.
			// `detail` is the rest as JSON (BanPolicyDetail). Not foreign keys to country: EUR
			// and SOL are not countries.
			//
			// ban_interval: one row per policy, imposing country, banned country and kind
			// (citizens: by citizenship; travellers: by travel history), the policy's days. An EU
			// policy has a row per member state. The policy reference is deferred: a replica
			// replaces a commit's rows table by table in one transaction.
			db.exec(`
				CREATE TABLE ban_policy (
					id TEXT PRIMARY KEY,
					destination TEXT NOT NULL CHECK (length(destination) = 3),
					type TEXT NOT NULL,
					subtype TEXT NOT NULL,
					start_day TEXT,
					end_day TEXT,
					checked_day TEXT,
					detail TEXT NOT NULL,
					run_id INTEGER NOT NULL REFERENCES ingest_runs(id)
				) STRICT;
				CREATE INDEX ban_policy_by_destination ON ban_policy(destination, start_day);

				CREATE TABLE ban_interval (
					destination TEXT NOT NULL CHECK (length(destination) = 3),
					target TEXT NOT NULL CHECK (length(target) = 3),
					kind TEXT NOT NULL CHECK (kind IN ('citizens', 'travellers')),
					policy_id TEXT NOT NULL
						REFERENCES ban_policy(id) DEFERRABLE INITIALLY DEFERRED,
					start_day TEXT NOT NULL,
					end_day TEXT,
					PRIMARY KEY (policy_id, destination, target, kind)
				) STRICT, WITHOUT ROWID;
				CREATE INDEX ban_interval_by_destination ON ban_interval(destination, start_day);
				CREATE INDEX ban_interval_by_target ON ban_interval(target, start_day);
			`);
		}
	},
	{
		version: 10,
		name: 'visa requirements',
		up(db) {
			// Passport Index snapshots are dated lists of every passport → destination rule.
			// Stored as intervals, not one row per snapshot: a rule holds from the snapshot that
			// first showed it (valid_from) until the next snapshot showing something else or not
			// listing the pair (valid_to, exclusive; NULL: it is in the latest). The snapshots
			// have their own table, so "the latest snapshot on or before D" is one lookup and
			// the rules then are those whose interval holds that snapshot. The CHECK repeats the
			// vocabulary of domain/visaRequirement.ts as it was when this migration was written.
			db.exec(`
				CREATE TABLE passport_snapshot (
					snapshot TEXT PRIMARY KEY,
					-- The run that last changed what this snapshot holds.
					run_id INTEGER NOT NULL REFERENCES ingest_runs(id)
				) STRICT;

				CREATE TABLE visa_requirement (
					destination TEXT NOT NULL REFERENCES country(iso3),
					passport TEXT NOT NULL REFERENCES country(iso3),
					valid_from TEXT NOT NULL,
					valid_to TEXT CHECK (valid_to IS NULL OR valid_to > valid_from),
					requirement TEXT NOT NULL CHECK (requirement IN ('visa-free', 'visa-on-arrival',
						'eta', 'e-visa', 'visa-required', 'covid-ban', 'no-admission')),
					-- Visa-free days, when the source gives them.
					days INTEGER CHECK (days IS NULL OR (days > 0 AND requirement = 'visa-free')),
					-- The source's own word for a category folded into ours (EVW, Hayya Entry Permit).
					source_term TEXT,
					PRIMARY KEY (destination, passport, valid_from)
				) STRICT, WITHOUT ROWID;
				CREATE INDEX visa_requirement_by_passport ON visa_requirement(passport, valid_from);
			`);
		}
	},
	{
		version: 11,
		name: 'monthly remittances and corridor costs',
		up(db) {
			// The partner columns of the two corridor tables are not country(iso3) references:
			// publishers name ends that are no country of ours (ANT Netherlands Antilles, ABK
			// Abkhazia, XXX "not identified"); the feeds accept those by name and refuse others.
			// Each table has an index on its period: a replica replaces a commit's rows by period.
			db.exec(`
				-- A country's remittances per month, as its central bank publishes them (Banco de
				-- México for MEX): whole US$ and the number of operations, per direction.
				CREATE TABLE monthly_remittance (
					iso3 TEXT NOT NULL REFERENCES country(iso3),
					month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
					measure TEXT NOT NULL CHECK (measure IN ('received', 'paid')),
					value INTEGER NOT NULL CHECK (value >= 0),
					operations INTEGER NOT NULL CHECK (operations >= 0),
					PRIMARY KEY (iso3, month, measure)
				) STRICT, WITHOUT ROWID;
				CREATE INDEX monthly_remittance_by_month ON monthly_remittance(month);

				-- Remittances per quarter between a reporting country and each partner, as the
				-- reporter's central bank publishes them: whole US$ sent from origin to destination
				-- (one end is the reporter). Banco de México: received from, and paid to, each country.
				CREATE TABLE corridor_quarterly (
					origin TEXT NOT NULL CHECK (length(origin) = 3),
					destination TEXT NOT NULL CHECK (length(destination) = 3),
					quarter TEXT NOT NULL CHECK (quarter GLOB '[0-9][0-9][0-9][0-9]Q[1-4]'),
					reporter TEXT NOT NULL REFERENCES country(iso3),
					value INTEGER NOT NULL CHECK (value >= 0),
					PRIMARY KEY (origin, destination, quarter, reporter)
				) STRICT, WITHOUT ROWID;
				CREATE INDEX corridor_quarterly_by_quarter ON corridor_quarterly(quarter);

				-- Remittance Prices Worldwide: the average total cost of sending about US$200 from
				-- the sending to the receiving country, in % of the amount sent (negative where a
				-- favourable exchange rate outweighed the fees), per quarter.
				CREATE TABLE corridor_cost (
					sending TEXT NOT NULL CHECK (length(sending) = 3),
					receiving TEXT NOT NULL CHECK (length(receiving) = 3),
					quarter TEXT NOT NULL CHECK (quarter GLOB '[0-9][0-9][0-9][0-9]Q[1-4]'),
					percent REAL NOT NULL,
					PRIMARY KEY (sending, receiving, quarter)
				) STRICT, WITHOUT ROWID;
				CREATE INDEX corridor_cost_by_quarter ON corridor_cost(quarter);
			`);
		}
	}
];

export function migrate(db: Database): number[] {
	db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`);
	const applied = new Set(
		db
			.prepare('SELECT version FROM schema_migration')
			.pluck()
			.all()
			.map((v) => Number(v))
	);
	const record = db.prepare(
		'INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)'
	);
	const ran: number[] = [];
	// In version order, whatever order branches appended them in.
	for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
		if (applied.has(m.version)) continue;
		// IMMEDIATE: two processes opening a fresh file at once must not both migrate.
		db.transaction(() => {
			const again = db.prepare('SELECT 1 FROM schema_migration WHERE version = ?').get(m.version);
			if (again) return;
			m.up(db);
			record.run(m.version, m.name, new Date().toISOString());
			ran.push(m.version);
		}).immediate();
	}
	return ran;
}
