/**
 * Reads of the COBAP bans (tables ban_policy and ban_interval, migration 9): the policies in
 * force in a country on a day, and the countries that banned a country's citizens or
 * travellers on a day.
 */
import type {
	BanPolicyBody,
	BansByDestinationBody,
	BansByOriginBody
} from '../../domain/apiSchemas.ts';
import type { BanPolicyDetail } from '../ingest/feeds/cobap.ts';
import { EUROPEAN_UNION, groupMembers, SOMALILAND } from '../ingest/feeds/cobapNames.ts';
import { findCountry } from './countries.ts';
import { prepared, type Db } from './open.ts';

/** A policy as the API serves it (`BanPolicySchema`). */
export type BanPolicyView = BanPolicyBody;

/** How an origin's people were banned: by citizenship, by travel history, or both. */
export type BanGround =
	BansByOriginBody['destinations'][number]['policies'][number]['grounds'][number];

interface PolicyRow {
	id: string;
	destination: string;
	type: string;
	subtype: string;
	start: string;
	end: string | null;
	detail: string;
}

const IN_FORCE = `start_day <= @day AND (end_day IS NULL OR end_day >= @day)`;
const POLICY_COLUMNS = `id, destination, type, subtype, start_day AS start, end_day AS end, detail`;

function view(row: PolicyRow): BanPolicyView {
	const d = JSON.parse(row.detail) as BanPolicyDetail;
	return {
		id: row.id,
		issuer: row.destination,
		type: row.type,
		subtype: row.subtype,
		start: row.start,
		end: row.end,
		citizens: d.citizens,
		travellers: d.travellers,
		criteria: d.criteria,
		air: d.air,
		land: d.land,
		sea: d.sea,
		exceptions: d.exceptions,
		sources: d.sources,
		sourceQuality: d.sourceQuality
	};
}

const byStart = (a: BanPolicyView, b: BanPolicyView) =>
	a.start.localeCompare(b.start) || a.id.localeCompare(b.id);

/**
 * A code bans are kept under: a country of ours (publishers' aliases resolve: RKS → XKX),
 * `SOL` (Somaliland), or, where `allowEu`, `EUR` (the European Union's own policies).
 */
export function banPlace(db: Db, code: string, allowEu: boolean): string | null {
	const upper = code.trim().toUpperCase();
	if (upper === SOMALILAND) return SOMALILAND;
	if (upper === EUROPEAN_UNION) return allowEu ? EUROPEAN_UNION : null;
	return findCountry(db, upper)?.iso3 ?? null;
}

/**
 * The policies in force in `destination` on `day`: its own, and the European Union's for a
 * state that was a member when the EU policy started. `EUR` itself: the EU's own policies.
 */
export function bansInto(
	db: Db,
	destination: string,
	day: string
): BansByDestinationBody['policies'] {
	const rows = prepared(
		db,
		`SELECT ${POLICY_COLUMNS} FROM ban_policy
		WHERE destination IN (@destination, '${EUROPEAN_UNION}') AND ${IN_FORCE}`
	).all({ destination, day }) as PolicyRow[];
	return rows
		.filter(
			(r) =>
				r.destination === destination ||
				(r.destination === EUROPEAN_UNION && groupMembers('EU', r.start).includes(destination))
		)
		.map(view)
		.sort(byStart);
}

/**
 * The destinations whose policies in force on `day` banned `origin`'s citizens or travellers,
 * by destination (ISO3 order), each policy with how it banned them.
 */
export function bansAgainst(db: Db, origin: string, day: string): BansByOriginBody['destinations'] {
	const hits = prepared(
		db,
		`SELECT i.destination, i.kind, i.policy_id AS policy, p.run_id AS runId
		FROM ban_interval i JOIN ban_policy p ON p.id = i.policy_id
		WHERE i.target = @origin AND i.start_day <= @day AND (i.end_day IS NULL OR i.end_day >= @day)
		ORDER BY i.destination, i.policy_id, i.kind`
	).all({ origin, day }) as { destination: string; kind: string; policy: string; runId: number }[];
	const byDestination = new Map<string, Map<string, Set<BanGround>>>();
	const views = new Map<string, BanPolicyView>();
	for (const { destination, kind, policy, runId } of hits) {
		if (!views.has(policy)) views.set(policy, cachedView(db, policy, runId));
		const policies = byDestination.get(destination) ?? new Map<string, Set<BanGround>>();
		const grounds = policies.get(policy) ?? new Set<BanGround>();
		grounds.add(kind === 'citizens' ? 'citizenship' : 'travel history');
		policies.set(policy, grounds);
		byDestination.set(destination, policies);
	}
	return [...byDestination].map(([iso3, policies]) => ({
		iso3,
		policies: [...policies]
			.map(([id, grounds]) => ({
				...views.get(id)!,
				grounds: (['citizenship', 'travel history'] as const).filter((g) => grounds.has(g))
			}))
			.sort(byStart)
	}));
}

/**
 * Parsed policies by connection, id and the run that last wrote them (a policy's row is
 * rewritten, with the writing run's id, whenever it changes): an origin's answer repeats the
 * same long policies day after day, and parsing them was most of its cost.
 */
const viewCache = new WeakMap<Db, Map<string, BanPolicyView>>();
const VIEW_CACHE_SIZE = 5000;

function cachedView(db: Db, id: string, runId: number): BanPolicyView {
	let cache = viewCache.get(db);
	if (!cache) viewCache.set(db, (cache = new Map()));
	const key = `${id} ${runId}`;
	let found = cache.get(key);
	if (!found) {
		if (cache.size >= VIEW_CACHE_SIZE) cache.clear();
		const row = prepared(db, `SELECT ${POLICY_COLUMNS} FROM ban_policy WHERE id = ?`).get(id);
		found = view(row as PolicyRow);
		cache.set(key, found);
	}
	return found;
}
