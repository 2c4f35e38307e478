import {
	describeVisaRule,
	LAYER_ENTRY,
	visaRequirementOrdinal,
	type VisaRequirement,
	type VisaRule
} from '../../../domain/visaRequirement.ts';
import type { Db } from '../../db/open.ts';
import type { Feed } from '../feed.ts';
import { parsePassportIndex, type PassportIndexSnapshot } from './passportIndex.ts';
import { placeSnapshotRule, type VisaInterval } from './visaIntervals.ts';

const ordinal = (rule: VisaRule | null) =>
	rule === null ? null : visaRequirementOrdinal(rule.requirement);

/** Intervals holding the day `@snapshot`. */
const HELD = 'valid_from <= @snapshot AND (valid_to IS NULL OR valid_to > @snapshot)';

/**
 * A rule as one string, the same in JavaScript and in SQL (`requirement days term`), so that a
 * snapshot's 40,000 rules cross into SQLite as one JSON array of strings.
 */
const packRule = ({ requirement, days, sourceTerm }: VisaRule) =>
	`${requirement} ${days ?? ''} ${sourceTerm ?? ''}`;
const PACKED_RULE = `v.requirement || ' ' || ifnull(v.days, '') || ' ' || ifnull(v.source_term, '')`;

type IntervalRow = {
	from: string;
	to: string | null;
	requirement: VisaRequirement;
	days: number | null;
	sourceTerm: string | null;
};
const toInterval = ({ from, to, requirement, days, sourceTerm }: IntervalRow): VisaInterval => ({
	from,
	to,
	rule: { requirement, days, sourceTerm }
});

/** A pair whose rule on the snapshot's date changes, and the interval holding that date. */
interface ChangedPair {
	/** Its position in the snapshot's rows; null: held on that date but no longer listed. */
	index: number | null;
	destination: string;
	passport: string;
	held: IntervalRow | null;
}

/**
 * The pairs whose rule on `snapshot` differs from what is stored for that date. The comparison
 * runs in SQLite over the snapshot's rows passed as one JSON array (`DESTPASSrule…`): a
 * snapshot is 40,000 pairs of which a few hundred change, and reading every stored interval
 * into JavaScript to compare them there cost more than the rest of the run.
 */
function changedPairs(
	db: Db,
	snapshot: string,
	rows: PassportIndexSnapshot['rows']
): ChangedPair[] {
	const heldCount = db
		.prepare(`SELECT count(*) FROM visa_requirement WHERE ${HELD}`)
		.pluck()
		.get({ snapshot }) as number;
	// Nothing held on that date (a first snapshot, or one older than all): every pair is new.
	if (heldCount === 0) {
		return rows.map(({ destination, passport }, index) => ({
			index,
			destination,
			passport,
			held: null
		}));
	}
	const given = JSON.stringify(
		rows.map(({ destination, passport, rule }) => destination + passport + packRule(rule))
	);
	const changed = (
		db
			.prepare(
				`WITH given AS (
					SELECT key AS i, substr(value, 1, 3) AS destination, substr(value, 4, 3) AS passport,
						substr(value, 7) AS rule
					FROM json_each(@given)
				)
				SELECT g.i AS "index", g.destination, g.passport, v.valid_from AS "from",
					v.valid_to AS "to", v.requirement, v.days, v.source_term AS sourceTerm
				FROM given g LEFT JOIN visa_requirement v
					ON v.destination = g.destination AND v.passport = g.passport AND v.${HELD}
				WHERE v.destination IS NULL OR ${PACKED_RULE} != g.rule`
			)
			.all({ given, snapshot }) as (IntervalRow & {
			index: number;
			destination: string;
			passport: string;
		})[]
	)
		// In the snapshot's order (sorted here: only the changed few are).
		.sort((a, b) => a.index - b.index)
		.map(({ index, destination, passport, ...held }) => ({
			index,
			destination,
			passport,
			held: held.from === null ? null : held
		}));
	// Pairs held on that date but not listed now are rare: looked for only when the count of
	// held pairs says there are some (SQLite would match them pair by pair against the JSON).
	const matched = rows.length - changed.filter((c) => c.held === null).length;
	if (heldCount === matched) return changed;
	const listed = new Set(rows.map((r) => r.destination + r.passport));
	const dropped = db
		.prepare(
			`SELECT destination, passport, valid_from AS "from", valid_to AS "to", requirement, days,
				source_term AS sourceTerm
			FROM visa_requirement WHERE ${HELD} ORDER BY destination, passport`
		)
		.all({ snapshot }) as (IntervalRow & { destination: string; passport: string })[];
	return [
		...changed,
		...dropped
			.filter((h) => !listed.has(h.destination + h.passport))
			.map(({ destination, passport, ...held }) => ({ index: null, destination, passport, held }))
	];
}

/**
 * One dated Passport Index snapshot → `visa_requirement` intervals and `passport_snapshot`.
 *
 * A pair gets a change_log row (layer `entry`: iso3 the destination, partner the passport,
 * period the snapshot, old/new the requirements' ordinals, note the new rule in words) when what
 * readers see on the snapshot's date changes: for a new snapshot, when its rule differs from
 * the snapshot before (all of them for the first); for a revised one, when it differs from
 * what that date held. Snapshots may come in any order: each one only cuts and joins the
 * intervals around its own date (visaIntervals.ts).
 */
export const passportIndexFeed: Feed<PassportIndexSnapshot> = {
	name: 'passport-index',
	description:
		'Passport Index visa requirements, one dated snapshot (passport-index-tidy-iso3.csv)',
	datedSnapshots: true,
	parse: (input, ctx) =>
		typeof input === 'string'
			? parsePassportIndex(input, ctx)
			: parsePassportIndex(new TextDecoder().decode(input), ctx),
	apply({ db, runId, recordChange }, { snapshot, rows }) {
		const previous = db
			.prepare('SELECT max(snapshot) FROM passport_snapshot WHERE snapshot < ?')
			.pluck()
			.get(snapshot) as string | null;
		const next = db
			.prepare('SELECT min(snapshot) FROM passport_snapshot WHERE snapshot > ?')
			.pluck()
			.get(snapshot) as string | null;
		const known = db.prepare('SELECT 1 FROM passport_snapshot WHERE snapshot = ?').get(snapshot);
		const window = { previous, snapshot, next };
		// A new latest snapshot (every run of an in-order seed) can touch only the interval
		// holding its date: one holding the previous snapshot holds it too, and none lies after.
		const appending = next === null && known === undefined;

		// A pair's intervals holding a day of [previous, next]: all this snapshot can touch.
		const around = db.prepare(
			`SELECT valid_from AS "from", valid_to AS "to", requirement, days, source_term AS sourceTerm
			FROM visa_requirement
			WHERE destination = @destination AND passport = @passport
				AND valid_from <= @last AND (valid_to IS NULL OR valid_to > @first)`
		);
		const remove = db.prepare(
			'DELETE FROM visa_requirement WHERE destination = ? AND passport = ? AND valid_from = ?'
		);
		// An interval that keeps its start (cut short, or run on) is updated in place: its row
		// stays where it is in both indexes.
		const update = db.prepare(
			`UPDATE visa_requirement SET valid_to = ?, requirement = ?, days = ?, source_term = ?
			WHERE destination = ? AND passport = ? AND valid_from = ?`
		);
		const insert = db.prepare(
			`INSERT INTO visa_requirement
				(destination, passport, valid_from, valid_to, requirement, days, source_term)
			VALUES (?, ?, ?, ?, ?, ?, ?)`
		);

		let changes = 0;
		for (const { index, destination, passport, held } of changedPairs(db, snapshot, rows)) {
			const rule = index === null ? null : rows[index]!.rule;
			const stored: VisaInterval[] = appending
				? held === null
					? []
					: [toInterval(held)]
				: (
						around.all({
							destination,
							passport,
							first: previous ?? snapshot,
							last: next ?? snapshot
						}) as IntervalRow[]
					).map(toInterval);
			const edit = placeSnapshotRule(stored, window, rule);
			if (edit.removed.length === 0 && edit.added.length === 0) continue;
			const added = new Map(edit.added.map((a) => [a.from, a]));
			for (const r of edit.removed) {
				const kept = added.get(r.from);
				if (kept) {
					const { requirement, days, sourceTerm } = kept.rule;
					update.run(kept.to, requirement, days, sourceTerm, destination, passport, r.from);
					added.delete(r.from);
				} else {
					remove.run(destination, passport, r.from);
				}
			}
			for (const a of added.values()) {
				const { requirement, days, sourceTerm } = a.rule;
				insert.run(destination, passport, a.from, a.to, requirement, days, sourceTerm);
			}
			recordChange(LAYER_ENTRY, destination, snapshot, ordinal(edit.old), ordinal(rule), {
				partner: passport,
				note: rule === null ? 'not listed' : describeVisaRule(rule)
			});
			changes++;
		}

		// The run that last changed what the snapshot holds: a run that changes nothing leaves the
		// row as it was, so the same input again writes nothing.
		db.prepare(
			`INSERT INTO passport_snapshot (snapshot, run_id) VALUES (@snapshot, @runId)
			ON CONFLICT (snapshot) DO UPDATE SET run_id = @runId WHERE @changed`
		).run({ snapshot, runId, changed: changes > 0 ? 1 : 0 });
	}
};
