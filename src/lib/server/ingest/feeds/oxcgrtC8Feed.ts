import { LAYER_BORDER_STATUS } from '../../../domain/borderStatus.ts';
import { borderStatusWriter, readCountryDays } from '../../db/borderStatus.ts';
import type { Feed } from '../feed.ts';
import { parseOxcgrtC8, type C8Table } from './oxcgrtC8.ts';

export const oxcgrtC8Feed: Feed<C8Table> = {
	name: 'oxcgrt-c8',
	description: 'OxCGRT C8 international travel controls, wide timeseries CSV',
	parse: parseOxcgrtC8,
	apply({ db, recordChange }, table) {
		const writer = borderStatusWriter(db);
		for (const row of table.rows) {
			const stored = readCountryDays(db, row.iso3);
			// Days an editor's restriction overrides change in storage but not for readers.
			const overriddenFrom = writer.overriddenFrom(row.iso3);
			let changed = false;
			row.levels.forEach((level, i) => {
				const day = table.days[i]!;
				const old = stored.get(day) ?? null;
				if (old === level) return;
				writer.setFeedValue(row.iso3, day, level);
				if (overriddenFrom === null || day < overriddenFrom) {
					recordChange(LAYER_BORDER_STATUS, row.iso3, day, old, level);
				}
				changed = true;
			});
			if (changed) writer.rebuildRuns(row.iso3);
		}
	}
};
