import { addDays } from '../../../domain/date.ts';
import type { Db } from '../../db/open.ts';
import type { ApplyContext, Feed } from '../feed.ts';
import {
	intervalsOf,
	parseCobap,
	type BanInterval,
	type BanPolicies,
	type BanPolicy
} from './cobap.ts';

/**
 * The change_log layer of bans. Two kinds of rows, both with `iso3` the imposing country:
 * - an interval's (`measure` `citizens` or `travellers`, `partner` the banned country, `note`
 *   the policy id): `new` 1 over days it now bans, `old` 1 over days it no longer bans;
 * - a policy's (`measure` `policy`, no partner, `note` "id: what happened"): `old`/`new` 1 for
 *   a policy (0 for COBAP's "no policy implemented"), null when it does not exist; a revision
 *   keeps 1 → 1 and names the fields that changed.
 * Periods are `start/end` intervals (`start/..` while it holds on); a no-policy row's is the day
 * COBAP checked.
 */
export const LAYER_BANS = 'bans';

/** The stored form of a policy, as compared between runs. */
interface PolicyRow {
	id: string;
	destination: string;
	type: string;
	subtype: string;
	start: string | null;
	end: string | null;
	checked: string | null;
	detail: string;
}

const toRow = (p: BanPolicy): PolicyRow => ({
	id: p.id,
	destination: p.destination,
	type: p.type,
	subtype: p.subtype,
	start: p.start,
	end: p.end,
	checked: p.checked,
	detail: JSON.stringify(p.detail)
});

const policyPeriod = (p: PolicyRow) => (p.start ? span(p.start, p.end) : p.checked!);
const policyValue = (p: PolicyRow) => (p.type === 'NOPOLICYIMPLEMENTED' ? 0 : 1);
const span = (start: string, end: string | null) => `${start}/${end ?? '..'}`;
const firstUrl = (detail: string): string | null =>
	(JSON.parse(detail) as BanPolicy['detail']).sources.find((s) => s.url)?.url ?? null;

interface Span {
	start: string;
	end: string | null;
}

/** The days of `a` outside `b`: at most two spans. */
export function spanMinus(a: Span, b: Span): Span[] {
	const disjoint = (b.end !== null && b.end < a.start) || (a.end !== null && a.end < b.start);
	if (disjoint) return [a];
	const out: Span[] = [];
	if (a.start < b.start) out.push({ start: a.start, end: addDays(b.start, -1) });
	if (b.end !== null && (a.end === null || a.end > b.end)) {
		out.push({ start: addDays(b.end, 1), end: a.end });
	}
	return out;
}

const intervalKey = (i: Pick<BanInterval, 'destination' | 'target' | 'kind'>) =>
	`${i.destination} ${i.kind} ${i.target}`;

/**
 * COBAP's policy list → tables `ban_policy` and `ban_interval`. The file is the whole dataset:
 * a policy missing from a later vintage is removed. Only what differs is written, each
 * difference with its change_log rows.
 */
export const cobapFeed: Feed<BanPolicies> = {
	name: 'cobap',
	description: 'COVID Border Accountability Project policy list (policy_list.csv)',
	parse: (input, ctx) =>
		parseCobap(typeof input === 'string' ? input : new TextDecoder().decode(input), ctx),
	apply(ctx, { policies }) {
		const { db } = ctx;
		const stored = new Map(
			(
				db
					.prepare(
						`SELECT id, destination, type, subtype, start_day AS start, end_day AS end,
							checked_day AS checked, detail FROM ban_policy`
					)
					.all() as PolicyRow[]
			).map((p) => [p.id, p])
		);
		const storedIntervals = new Map<string, Map<string, BanInterval>>();
		for (const row of db
			.prepare(
				`SELECT destination, target, kind, policy_id AS policy, start_day AS start,
					end_day AS end FROM ban_interval`
			)
			.iterate() as IterableIterator<BanInterval>) {
			const of = storedIntervals.get(row.policy) ?? new Map<string, BanInterval>();
			of.set(intervalKey(row), row);
			storedIntervals.set(row.policy, of);
		}
		const next = new Map(policies.map((p) => [p.id, p]));
		const ids = [...new Set([...stored.keys(), ...next.keys()])].sort();
		const write = writers(db, ctx.runId);
		for (const id of ids) {
			const before = stored.get(id) ?? null;
			const policy = next.get(id) ?? null;
			const after = policy ? toRow(policy) : null;
			applyPolicy(ctx, write, before, after);
			applyIntervals(
				ctx,
				write,
				storedIntervals.get(id) ?? new Map(),
				policy ? intervalsOf(policy) : [],
				after ?? before!
			);
		}
	}
};

function writers(db: Db, runId: number) {
	const upsertPolicy = db.prepare(
		`INSERT INTO ban_policy (id, destination, type, subtype, start_day, end_day, checked_day,
			detail, run_id)
		VALUES (@id, @destination, @type, @subtype, @start, @end, @checked, @detail, @runId)
		ON CONFLICT (id) DO UPDATE SET destination = excluded.destination, type = excluded.type,
			subtype = excluded.subtype, start_day = excluded.start_day, end_day = excluded.end_day,
			checked_day = excluded.checked_day, detail = excluded.detail, run_id = excluded.run_id`
	);
	const deletePolicy = db.prepare('DELETE FROM ban_policy WHERE id = ?');
	const upsertInterval = db.prepare(
		`INSERT INTO ban_interval (destination, target, kind, policy_id, start_day, end_day)
		VALUES (@destination, @target, @kind, @policy, @start, @end)
		ON CONFLICT (policy_id, destination, target, kind) DO UPDATE SET
			start_day = excluded.start_day, end_day = excluded.end_day`
	);
	const deleteInterval = db.prepare(
		'DELETE FROM ban_interval WHERE policy_id = ? AND destination = ? AND target = ? AND kind = ?'
	);
	return {
		policy: (row: PolicyRow) => upsertPolicy.run({ ...row, runId }),
		removePolicy: (id: string) => deletePolicy.run(id),
		interval: (i: BanInterval) => upsertInterval.run(i),
		removeInterval: (i: BanInterval) =>
			deleteInterval.run(i.policy, i.destination, i.target, i.kind)
	};
}

type Writers = ReturnType<typeof writers>;

const POLICY_FIELDS = [
	'destination',
	'type',
	'subtype',
	'start',
	'end',
	'checked',
	'detail'
] as const;

function applyPolicy(
	{ recordChange }: ApplyContext,
	write: Writers,
	before: PolicyRow | null,
	after: PolicyRow | null
): void {
	const changed = POLICY_FIELDS.filter((f) => before?.[f] !== after?.[f]);
	if (changed.length === 0) return;
	const record = (row: PolicyRow, old: number | null, next: number | null, what: string) =>
		recordChange(LAYER_BANS, row.destination, policyPeriod(row), old, next, {
			note: `${row.id}: ${what}`,
			sourceUrl: firstUrl(row.detail),
			measure: 'policy'
		});
	if (after) write.policy(after);
	else write.removePolicy(before!.id);
	if (before && after && before.destination === after.destination) {
		record(after, policyValue(before), policyValue(after), `revised (${changed.join(', ')})`);
		return;
	}
	// New, removed, or moved to another destination (removed there, new here).
	if (before) record(before, policyValue(before), null, 'removed');
	if (after) record(after, null, policyValue(after), `${after.type} ${after.subtype}`);
}

function applyIntervals(
	{ recordChange }: ApplyContext,
	write: Writers,
	before: Map<string, BanInterval>,
	after: BanInterval[],
	policy: PolicyRow
): void {
	const sourceUrl = firstUrl(policy.detail);
	const record = (i: BanInterval, piece: Span, old: number | null, next: number | null) =>
		recordChange(LAYER_BANS, i.destination, span(piece.start, piece.end), old, next, {
			partner: i.target,
			note: i.policy,
			sourceUrl,
			measure: i.kind
		});
	const sorted = [...after].sort((a, b) => intervalKey(a).localeCompare(intervalKey(b)));
	for (const i of sorted) {
		const key = intervalKey(i);
		const old = before.get(key);
		before.delete(key);
		if (old && old.start === i.start && old.end === i.end) continue;
		write.interval(i);
		if (!old) {
			record(i, i, null, 1);
			continue;
		}
		for (const lost of spanMinus(old, i)) record(i, lost, 1, null);
		for (const gained of spanMinus(i, old)) record(i, gained, null, 1);
	}
	// What is left was stored but is no longer in the policy.
	const gone = [...before.values()].sort((a, b) => intervalKey(a).localeCompare(intervalKey(b)));
	for (const i of gone) {
		write.removeInterval(i);
		record(i, i, 1, null);
	}
}
