/**
 * The sentences that say what a view shows: beside the map for screen readers, in the embed's
 * summary, in the no-JavaScript fallback and in the server-drawn image. One wording, so every
 * surface says the same thing about the same data.
 */
import { LEVELS, NO_DATA_LABEL, type Level } from './borderStatus.ts';
import { formatDayLong } from './date.ts';
import { formatValue, MEASURE_INFO, type Measure } from './remittances.ts';

/** How many of `tracked` are at each level on a day (null: no data that day). */
export function countLevels(
	tracked: readonly string[],
	levels: ReadonlyMap<string, Level>
): Map<Level | null, number> {
	const counts = new Map<Level | null, number>([[null, 0]]);
	for (const l of LEVELS) counts.set(l.level, 0);
	for (const iso3 of tracked) {
		const level = levels.get(iso3) ?? null;
		counts.set(level, (counts.get(level) ?? 0) + 1);
	}
	return counts;
}

const inRegion = (regionName: string | null) => (regionName ? ` in ${regionName}` : '');

/** "On 15 April 2020, of 186 countries and territories tracked: 129 total closure, …". */
export function borderStatusDescription(view: {
	day: string;
	tracked: number;
	counts: ReadonlyMap<Level | null, number>;
	regionName: string | null;
}): string {
	const parts = LEVELS.toReversed()
		.map((l) => ({ l, n: view.counts.get(l.level) ?? 0 }))
		.filter(({ n }) => n > 0)
		.map(({ l, n }) => `${n} ${l.label.toLowerCase()}`);
	const noData = view.counts.get(null) ?? 0;
	const tail = noData ? `; ${noData} ${NO_DATA_LABEL.toLowerCase()}` : '';
	const listed = parts.length > 0 ? parts.join(', ') : 'none with data';
	return `On ${formatDayLong(view.day)}, of ${view.tracked} countries and territories tracked${inRegion(view.regionName)}: ${listed}${tail}.`;
}

/** The year's total and largest (or, for a share of GDP, the highest and the median). */
export function remittanceDescription(view: {
	year: number;
	measure: Measure;
	/** The countries shown that have a value. */
	values: readonly { name: string; value: number }[];
	regionName: string | null;
}): string {
	const where = inRegion(view.regionName);
	const values = [...view.values].sort((a, b) => b.value - a.value);
	const top = values[0];
	if (!top) {
		return `No country${where} has ${MEASURE_INFO[view.measure].short} figures for ${view.year}.`;
	}
	const format = (v: number) => formatValue(view.measure, v);
	if (view.measure === 'share_gdp') {
		const median = values[Math.floor(values.length / 2)]!.value;
		return `In ${view.year}, remittances received were worth ${format(top.value)} of GDP in ${top.name}, the most of ${values.length} countries${where}; the median was ${format(median)}.`;
	}
	const total = values.reduce((sum, v) => sum + v.value, 0);
	const verb = view.measure === 'received' ? 'received' : 'paid out';
	return `In ${view.year}, ${values.length} countries${where} ${verb} ${format(total)} in personal remittances; the most, ${top.name}: ${format(top.value)}.`;
}
