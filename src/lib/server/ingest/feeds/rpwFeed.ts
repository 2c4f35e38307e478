import type { Feed } from '../feed.ts';
import { parseRpw, type RpwTable } from './rpw.ts';

/**
 * The change_log layer of corridor costs: iso3 the receiving country, partner the sending
 * one, period the quarter `YYYYQn`, values in % of the amount sent.
 */
export const LAYER_CORRIDOR_COST = 'corridor-cost';

/**
 * Remittance Prices Worldwide → `corridor_cost`, diffed cell by cell. A `..` in a quarter
 * column the input has removes a stored cost, as an empty year does for the World Bank's
 * indicators from the same DataBank; quarters the input lacks are kept.
 */
export const rpwFeed: Feed<RpwTable> = {
	name: 'rpw',
	description:
		'World Bank Remittance Prices Worldwide corridors export (CSV): average total cost of sending about US$200, per corridor and quarter',
	parse: parseRpw,
	apply({ db, recordChange }, { costs }) {
		const rows = db
			.prepare('SELECT sending, receiving, quarter, percent FROM corridor_cost')
			.all() as { sending: string; receiving: string; quarter: string; percent: number }[];
		const stored = new Map(
			rows.map((r) => [`${r.sending} ${r.receiving} ${r.quarter}`, r.percent])
		);
		const upsert = db.prepare(
			`INSERT INTO corridor_cost (sending, receiving, quarter, percent) VALUES (?, ?, ?, ?)
			ON CONFLICT (sending, receiving, quarter) DO UPDATE SET percent = excluded.percent`
		);
		const remove = db.prepare(
			'DELETE FROM corridor_cost WHERE sending = ? AND receiving = ? AND quarter = ?'
		);
		for (const { sending, receiving, quarter, percent } of costs) {
			const old = stored.get(`${sending} ${receiving} ${quarter}`) ?? null;
			if (old === percent) continue;
			if (percent === null) remove.run(sending, receiving, quarter);
			else upsert.run(sending, receiving, quarter, percent);
			recordChange(LAYER_CORRIDOR_COST, receiving, quarter, old, percent, { partner: sending });
		}
	}
};
