/**
 * The one- or two-sentence text descriptions written beside each chart of the chart tab:
 * computed from the same data as the charts, they are also the charts' accessible summary.
 */
import { levelInfo, type Level, type LevelRun } from '../domain/borderStatus.ts';
import { daysBetween, formatDayLong } from '../domain/date.ts';
import { formatValue, type Measure, type YearValue } from '../domain/remittances.ts';
import type { CountryHistory, CountryRemittances, DayLevelCounts } from './chartTypes.ts';

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** "Mexico", "Mexico and India", "Mexico, India and Nigeria". */
export function listNames(names: readonly string[]): string {
	if (names.length <= 1) return names[0] ?? '';
	return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The day with the most countries at `level` (the first such day on ties). */
export function peakDay(
	counts: readonly DayLevelCounts[],
	level: Level
): { day: string; count: number } | null {
	let best: DayLevelCounts | null = null;
	for (const d of counts) if (!best || d.counts[level] > best.counts[level]) best = d;
	return best ? { day: best.day, count: best.counts[level] } : null;
}

/**
 * "On 15 April 2020, 38 of 54 countries in Africa had closed their borders completely; the
 * peak was 45 on 2 April 2020."
 */
export function describeLevelCounts(
	counts: readonly DayLevelCounts[],
	day: string,
	subject = 'countries'
): string {
	const today = counts.find((d) => d.day === day);
	if (!today) return `No data on ${formatDayLong(day)}.`;
	const total = today.counts.reduce((s, c) => s + c, today.noData);
	if (total === 0) return `No countries to show on ${formatDayLong(day)}.`;
	const closed = today.counts[4];
	const peak = peakDay(counts, 4);
	const first =
		closed === 0
			? `On ${formatDayLong(day)}, none of ${total} ${subject} had closed their borders completely`
			: `On ${formatDayLong(day)}, ${closed} of ${total} ${subject} had closed their borders completely`;
	const noData = today.noData > 0 ? ` (${today.noData} without data that day)` : '';
	let second = '';
	if (!peak || peak.count === 0) {
		second = ' No country in this group closed its borders completely in the period.';
	} else if (peak.day === day) {
		second = ' That was the peak.';
	} else {
		second = ` The peak was ${peak.count} on ${formatDayLong(peak.day)}.`;
	}
	return `${first}${noData}.${second}`;
}

/** Days at level 4 in a history, and its longest run at level 4. */
export function closureStats(runs: readonly LevelRun[]): {
	days: number;
	longest: { from: string; to: string; days: number } | null;
} {
	let days = 0;
	let longest: { from: string; to: string; days: number } | null = null;
	for (const run of runs) {
		if (run.level !== 4) continue;
		const n = daysBetween(run.from, run.to) + 1;
		days += n;
		if (!longest || n > longest.days) longest = { from: run.from, to: run.to, days: n };
	}
	return { days, longest };
}

const levelPhrase = (level: Level | null) => {
	const info = levelInfo(level);
	return info ? `level ${info.level}, ${info.label.toLowerCase()}` : 'no data';
};

/**
 * One country: "On 15 April 2020, India was at level 4, total closure, since 22 March 2020.
 * Its longest total closure lasted 165 days, from 22 March to 2 September 2020."
 * Several: how many were completely closed on the day, and whose closure lasted longest.
 */
export function describeHistories(histories: readonly CountryHistory[], day: string): string {
	if (histories.length === 0) return '';
	const on = formatDayLong(day);
	const runOn = (h: CountryHistory) => h.runs.find((r) => r.from <= day && r.to >= day);
	if (histories.length === 1) {
		const h = histories[0]!;
		const run = runOn(h);
		const now =
			run && run.level !== null
				? `On ${on}, ${h.name} was at ${levelPhrase(run.level)}, since ${formatDayLong(run.from)}.`
				: `${h.name} has no data for ${on}.`;
		const { longest } = closureStats(h.runs);
		const closure = longest
			? ` Its longest total closure lasted ${longest.days} ${plural(longest.days, 'day', 'days')}, from ${formatDayLong(longest.from)} to ${formatDayLong(longest.to)}.`
			: ' It never closed its borders completely in the period.';
		return now + closure;
	}
	const closed = histories.filter((h) => runOn(h)?.level === 4).map((h) => h.name);
	const first =
		closed.length === 0
			? `On ${on}, none of the ${histories.length} selected countries had closed their borders completely.`
			: closed.length === histories.length
				? `On ${on}, all ${histories.length} selected countries had closed their borders completely.`
				: `On ${on}, ${closed.length} of ${histories.length} selected countries had closed their borders completely (${listNames(closed)}).`;
	const longest = histories
		.map((h) => ({ name: h.name, ...closureStats(h.runs) }))
		.filter((c) => c.longest !== null)
		.sort((a, b) => b.longest!.days - a.longest!.days)[0];
	const second = longest
		? ` The longest total closure was ${longest.name}'s: ${longest.longest!.days} ${plural(longest.longest!.days, 'day', 'days')} from ${formatDayLong(longest.longest!.from)}.`
		: ' None of them closed its borders completely in the period.';
	return first + second;
}

const valueIn = (series: readonly YearValue[], year: number) =>
	series.find((v) => v.year === year)?.value ?? null;

/** Relative change from `before` to `after`; null without both or from zero. */
export function change(before: number | null, after: number | null): number | null {
	if (before === null || after === null || before === 0) return null;
	return (after - before) / before;
}

const percent = (ratio: number) => {
	const p = Math.abs(ratio * 100);
	return `${p < 10 ? p.toFixed(1) : p.toFixed(0)}%`;
};

const VERB: Record<Measure, string> = {
	received: 'received',
	paid: 'paid',
	share_gdp: 'received'
};

/**
 * The year a description compares with the year before: `wanted` when any country has a
 * value for it, else the latest year with a value before it (data not yet published).
 */
export function comparisonYear(
	remittances: readonly CountryRemittances[],
	wanted: number
): number | null {
	const years = remittances.flatMap((r) => r.series.map((v) => v.year));
	if (years.includes(wanted)) return wanted;
	const earlier = years.filter((y) => y < wanted);
	return earlier.length > 0 ? Math.max(...earlier) : null;
}

/**
 * One country: "India received $83.1B in 2020, 0.2% less than in 2019." Several: how many
 * rose and fell from `year - 1` to `year`, with the largest rise and fall. Without values
 * for `year` yet, the latest year with values is described, and the gap said.
 */
export function describeRemittances(
	remittances: readonly CountryRemittances[],
	measure: Measure,
	wanted = 2020
): string {
	if (remittances.length === 0) return '';
	const year = comparisonYear(remittances, wanted);
	if (year === null) {
		return remittances.length === 1
			? `No remittance data for ${remittances[0]!.name}.`
			: 'No remittance data for the selected countries.';
	}
	const text = describeYear(remittances, measure, year);
	return year === wanted ? text : `${text} No values for ${wanted} yet.`;
}

function describeYear(
	remittances: readonly CountryRemittances[],
	measure: Measure,
	year: number
): string {
	const prev = year - 1;
	const f = (v: number) => formatValue(measure, v);
	const rows = remittances.map((r) => {
		const before = valueIn(r.series, prev);
		const after = valueIn(r.series, year);
		// Shares of GDP compare in percentage points, amounts relatively.
		const delta =
			measure === 'share_gdp'
				? before === null || after === null
					? null
					: after - before
				: change(before, after);
		return { name: r.name, before, after, change: delta };
	});
	const amount = (delta: number) =>
		measure === 'share_gdp'
			? `${Math.abs(delta).toFixed(1)} percentage ${Math.abs(delta) === 1 ? 'point' : 'points'}`
			: percent(delta);
	if (rows.length === 1) {
		const r = rows[0]!;
		if (r.after === null) {
			const latest = remittances[0]!.series.filter((v) => v.year < year).at(-1);
			return latest
				? `${r.name} has no value for ${year}; the latest before is ${f(latest.value)} in ${latest.year}.`
				: `No remittance data for ${r.name} up to ${year}.`;
		}
		if (measure === 'share_gdp') {
			const head = `Remittances were ${f(r.after)} of ${r.name}'s GDP in ${year}`;
			if (r.before === null) return `${head}.`;
			const diff = r.after - r.before;
			if (f(r.after) === f(r.before)) return `${head}, about as much as in ${prev}.`;
			return `${head}, ${diff >= 0 ? 'up' : 'down'} from ${f(r.before)} in ${prev}.`;
		}
		const head = `${r.name} ${VERB[measure]} ${f(r.after)} in ${year}`;
		if (r.change === null) return `${head}; there is no value for ${prev}.`;
		if (r.change === 0) return `${head}, as much as in ${prev}.`;
		return `${head}, ${percent(r.change)} ${r.change > 0 ? 'more' : 'less'} than in ${prev}.`;
	}
	const compared = rows.filter((r) => r.change !== null);
	const missing = rows.filter((r) => r.change === null).map((r) => r.name);
	const noun =
		measure === 'share_gdp' ? 'remittances as a share of GDP' : `remittances ${VERB[measure]}`;
	const missingText =
		missing.length > 0
			? ` No comparison for ${listNames(missing)} (missing ${prev} or ${year}).`
			: '';
	if (compared.length === 0) return `No selected country has values for both ${prev} and ${year}.`;
	const rose = compared.filter((r) => r.change! > 0).sort((a, b) => b.change! - a.change!);
	const fell = compared.filter((r) => r.change! < 0).sort((a, b) => a.change! - b.change!);
	const parts: string[] = [];
	if (rose.length > 0) {
		parts.push(
			`rose in ${rose.length} of ${compared.length} selected countries (most in ${rose[0]!.name}, +${amount(rose[0]!.change!)})`
		);
	}
	if (fell.length > 0) {
		parts.push(
			`fell in ${fell.length}${rose.length > 0 ? '' : ` of ${compared.length}`} (most in ${fell[0]!.name}, −${amount(fell[0]!.change!)})`
		);
	}
	if (parts.length === 0) parts.push(`were unchanged in all ${compared.length} countries`);
	return `From ${prev} to ${year}, ${noun} ${parts.join(' and ')}.${missingText}`;
}
