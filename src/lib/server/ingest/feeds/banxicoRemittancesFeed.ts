import type { ApplyContext, Feed } from '../feed.ts';
import {
	BANXICO_REPORTER,
	parseBanxicoRemittances,
	type BanxicoTable,
	type MonthlyRemittance,
	type QuarterlyCorridor
} from './banxicoRemittances.ts';
import { LAYER_CORRIDORS } from './bilateralRemittancesFeed.ts';

/**
 * The change_log layer of monthly national remittances: iso3 the country (MEX), period the
 * month `YYYY-MM`, measure `received` or `paid` for US$ and `received-operations` or
 * `paid-operations` for the number of transactions (a value of its own: a revision of either
 * is a change that readers and replicas must get).
 */
export const LAYER_REMITTANCES_MONTHLY = 'remittances-monthly';

/**
 * Diffs Mexico's months against `monthly_remittance` and writes what differs. A month absent
 * from the input is kept: a shorter file (an older cut) is not a retraction.
 */
function applyMonthly({ db, recordChange }: ApplyContext, months: readonly MonthlyRemittance[]) {
	const iso3 = BANXICO_REPORTER;
	const rows = db
		.prepare('SELECT month, measure, value, operations FROM monthly_remittance WHERE iso3 = ?')
		.all(iso3) as (MonthlyRemittance & { measure: string })[];
	const stored = new Map(rows.map((r) => [`${r.month} ${r.measure}`, r]));
	const upsert = db.prepare(
		`INSERT INTO monthly_remittance (iso3, month, measure, value, operations) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (iso3, month, measure) DO UPDATE
			SET value = excluded.value, operations = excluded.operations`
	);
	for (const m of months) {
		const old = stored.get(`${m.month} ${m.measure}`);
		if (old?.value === m.value && old.operations === m.operations) continue;
		upsert.run(iso3, m.month, m.measure, m.value, m.operations);
		if (old?.value !== m.value) {
			recordChange(LAYER_REMITTANCES_MONTHLY, iso3, m.month, old?.value ?? null, m.value, {
				measure: m.measure
			});
		}
		if (old?.operations !== m.operations) {
			recordChange(
				LAYER_REMITTANCES_MONTHLY,
				iso3,
				m.month,
				old?.operations ?? null,
				m.operations,
				{ measure: `${m.measure}-operations` }
			);
		}
	}
}

/**
 * Diffs the quarterly flows between Mexico and its partners against `corridor_quarterly`.
 * Their change rows are corridor changes like the bilateral matrix's (iso3 the destination,
 * partner the origin) with a quarter `YYYYQn` as period: money received from the United
 * States is a change of Mexico's with partner USA, money sent to Guatemala one of
 * Guatemala's with partner MEX, so a reader of one country's changes finds both directions
 * of its corridors. A quarter absent from the input is kept, as for the months.
 */
function applyQuarterly(
	{ db, recordChange }: ApplyContext,
	corridors: readonly QuarterlyCorridor[]
) {
	const reporter = BANXICO_REPORTER;
	const rows = db
		.prepare(
			'SELECT origin, destination, quarter, value FROM corridor_quarterly WHERE reporter = ?'
		)
		.all(reporter) as QuarterlyCorridor[];
	const key = (c: QuarterlyCorridor) => `${c.origin} ${c.destination} ${c.quarter}`;
	const stored = new Map(rows.map((r) => [key(r), r.value]));
	const upsert = db.prepare(
		`INSERT INTO corridor_quarterly (origin, destination, quarter, reporter, value)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (origin, destination, quarter, reporter) DO UPDATE SET value = excluded.value`
	);
	for (const c of corridors) {
		const old = stored.get(key(c)) ?? null;
		if (old === c.value) continue;
		upsert.run(c.origin, c.destination, c.quarter, reporter, c.value);
		recordChange(LAYER_CORRIDORS, c.destination, c.quarter, old, c.value, { partner: c.origin });
	}
}

/** Banco de México's monthly national series or its quarterly series by partner country. */
export const banxicoRemittancesFeed: Feed<BanxicoTable> = {
	name: 'banxico-remittances',
	description:
		'Banco de México remittances: the monthly national series (remesas_mensuales.csv) or the quarterly series by partner country (remesas_pais.csv), told apart by the header',
	parse: parseBanxicoRemittances,
	apply(ctx, table) {
		if (table.kind === 'monthly') applyMonthly(ctx, table.months);
		else if (table.kind === 'by-partner') applyQuarterly(ctx, table.corridors);
		else throw new Error('banxico-remittances: nothing to apply from a refused input');
	}
};
