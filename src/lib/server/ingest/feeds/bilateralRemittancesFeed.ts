import type { Feed } from '../feed.ts';
import { parseBilateralRemittances, type CorridorMatrix } from './bilateralRemittances.ts';

/** The change_log layer of corridors: iso3 is the destination, partner the origin. */
export const LAYER_CORRIDORS = 'corridors';

/**
 * World Bank / KNOMAD bilateral remittance matrix (.xlsx) → table `corridor` (US$), diffed
 * per year: a corridor of that year missing from a later vintage is deleted (old → null).
 */
export const bilateralRemittancesFeed: Feed<CorridorMatrix> = {
	name: 'bilateral-remittances',
	description: 'World Bank/KNOMAD bilateral remittance matrix workbook (.xlsx)',
	binary: true,
	parse: parseBilateralRemittances,
	apply({ db, recordChange }, { year, corridors }) {
		const period = String(year);
		const stored = new Map<string, { origin: string; destination: string; value: number }>();
		const rows = db
			.prepare('SELECT origin, destination, value FROM corridor WHERE year = ?')
			.all(year) as { origin: string; destination: string; value: number }[];
		for (const row of rows) stored.set(`${row.destination} ${row.origin}`, row);

		const upsert = db.prepare(
			`INSERT INTO corridor (origin, destination, year, value) VALUES (?, ?, ?, ?)
			ON CONFLICT (destination, year, origin) DO UPDATE SET value = excluded.value`
		);
		for (const { origin, destination, value } of corridors) {
			const key = `${destination} ${origin}`;
			const old = stored.get(key)?.value ?? null;
			stored.delete(key);
			if (old === value) continue;
			upsert.run(origin, destination, year, value);
			recordChange(LAYER_CORRIDORS, destination, period, old, value, { partner: origin });
		}

		// What is left was in the database but not in this vintage for that year.
		const remove = db.prepare(
			'DELETE FROM corridor WHERE destination = ? AND year = ? AND origin = ?'
		);
		const gone = [...stored.entries()].sort(([a], [b]) => a.localeCompare(b));
		for (const [, { origin, destination, value }] of gone) {
			remove.run(destination, year, origin);
			recordChange(LAYER_CORRIDORS, destination, period, value, null, { partner: origin });
		}
	}
};
