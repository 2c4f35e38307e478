/**
 * The table tab's rows, computed from the same series the map scrubs through: the page and
 * `/api/border-status/table` call this one function, so they show identical rows.
 */
import type { BorderStatusTableRow } from './analysis.ts';
import type { BorderStatusSeries, Level } from './borderStatus.ts';
import type { Country } from './country.ts';
import { daysBetween } from './date.ts';
import type { YearValue } from './remittances.ts';
import { dayOf, normalisedRuns } from './seriesRuns.ts';

/**
 * One row per country of `countries` that has any border-status run in the series, sorted
 * by name, as of day `dayIndex` (clamped to the series):
 *
 * - `days0`…`days4`, `daysNoData`: days at each level from the series' first day through the
 *   chosen day (they add up to `dayIndex + 1`);
 * - a closure is level 4; `firstClosure` its first day on or before the date; the longest
 *   closure is clipped at the date (of equally long ones, the earliest);
 * - `lastChange`: the start of the last run on or before the date that follows a day with
 *   another level (`lastChangeFrom` that level) or a day without data (`lastChangeFrom` null,
 *   the data resumed); a country's first run on the series' first day is not a change
 *   (the same rule as `levelChanges`);
 * - remittances: personal remittances received (US$), `remittancesYear` the latest year with
 *   a value in `received` (whatever the date: annual figures are not cut at a day), the values
 *   of 2019 and 2020, and (2020 − 2019) / 2019 when both exist and 2019 is not 0.
 */
export function borderStatusTable(
	series: BorderStatusSeries,
	dayIndex: number,
	countries: readonly Country[],
	received: ReadonlyMap<string, readonly YearValue[]>
): BorderStatusTableRow[] {
	const last = daysBetween(series.first, series.last);
	const index = Math.min(Math.max(Math.trunc(dayIndex), 0), Math.max(last, 0));
	const date = dayOf(series, index);
	const rows: BorderStatusTableRow[] = [];
	for (const country of countries) {
		const raw = series.runs[country.iso3];
		if (!raw || raw.length === 0) continue;
		const runs = normalisedRuns(raw);
		const days = [0, 0, 0, 0, 0];
		let level: Level | null = null;
		let since: string | null = null;
		let firstClosure: number | null = null;
		let longest: [number, number] | null = null;
		let lastChange: { at: number; from: Level | null; to: Level } | null = null;
		for (let i = 0; i < runs.length; i++) {
			const [start, end, runLevel] = runs[i]!;
			if (start > index) break;
			const clippedEnd = Math.min(end, index);
			days[runLevel]! += clippedEnd - start + 1;
			if (end >= index) {
				level = runLevel;
				since = dayOf(series, start);
			}
			if (runLevel === 4) {
				firstClosure ??= start;
				if (!longest || clippedEnd - start > longest[1] - longest[0]) longest = [start, clippedEnd];
			}
			if (start > 0) {
				const previous = runs[i - 1];
				const from = previous && previous[1] === start - 1 ? previous[2] : null;
				lastChange = { at: start, from, to: runLevel };
			}
		}
		const remittances = remittanceColumns(received.get(country.iso3) ?? []);
		rows.push({
			iso3: country.iso3,
			name: country.name,
			m49Region: country.m49Region,
			m49Subregion: country.m49Subregion,
			wbRegion: country.wbRegion,
			incomeGroup: country.incomeGroup,
			date,
			level,
			since,
			days0: days[0]!,
			days1: days[1]!,
			days2: days[2]!,
			days3: days[3]!,
			days4: days[4]!,
			daysNoData: index + 1 - days.reduce((s, d) => s + d, 0),
			firstClosure: firstClosure === null ? null : dayOf(series, firstClosure),
			longestClosureFrom: longest ? dayOf(series, longest[0]) : null,
			longestClosureTo: longest ? dayOf(series, longest[1]) : null,
			longestClosureDays: longest ? longest[1] - longest[0] + 1 : 0,
			lastChange: lastChange ? dayOf(series, lastChange.at) : null,
			lastChangeFrom: lastChange ? lastChange.from : null,
			lastChangeTo: lastChange ? lastChange.to : null,
			...remittances
		});
	}
	return rows.sort((a, b) => a.name.localeCompare(b.name, 'en') || (a.iso3 < b.iso3 ? -1 : 1));
}

type RemittanceColumns = Pick<
	BorderStatusTableRow,
	| 'remittancesYear'
	| 'remittances'
	| 'remittances2019'
	| 'remittances2020'
	| 'remittancesChange2019To2020'
>;

function remittanceColumns(series: readonly YearValue[]): RemittanceColumns {
	let latest: YearValue | null = null;
	let v2019: number | null = null;
	let v2020: number | null = null;
	for (const point of series) {
		if (point.value === null || !Number.isFinite(point.value)) continue;
		if (!latest || point.year > latest.year) latest = point;
		if (point.year === 2019) v2019 = point.value;
		if (point.year === 2020) v2020 = point.value;
	}
	return {
		remittancesYear: latest?.year ?? null,
		remittances: latest?.value ?? null,
		remittances2019: v2019,
		remittances2020: v2020,
		remittancesChange2019To2020:
			v2019 !== null && v2020 !== null && v2019 !== 0 ? (v2020 - v2019) / v2019 : null
	};
}
