/**
 * Monthly remittances (Banco de México for Mexico): what the series says in words, for the
 * chart's text description and screen readers. Pure, so it is tested on the real series.
 */
import { formatPeriod } from './date.ts';

/** US$ with three significant figures: a month's sum reads "US$2.86 billion", not "$3B". */
export function formatUsd(value: number): string {
	const [unit, scale] = value >= 1e9 ? ['billion', 1e9] : value >= 1e6 ? ['million', 1e6] : ['', 1];
	const figure = String(Number((value / scale).toPrecision(3)));
	return `US$${figure}${unit ? ` ${unit}` : ''}`;
}

export interface MonthPoint {
	/** `YYYY-MM`. */
	month: string;
	received: number | null;
	paid: number | null;
}

/** `2020-04` → `April 2020`. */
export const monthLong = (month: string) => formatPeriod(month) ?? month;

/**
 * "In April 2020 Mexico received US$2.9 billion, 28% less than in March; received remittances
 * peaked at US$… in June 2024, and the latest month, May 2026, brought US$…." The pandemic
 * dip is the largest month-on-month fall in 2020.
 */
export function monthlyDescription(name: string, series: readonly MonthPoint[]): string {
	const received = series.filter(
		(p): p is MonthPoint & { received: number } => p.received !== null
	);
	if (received.length === 0) return `No monthly remittances are recorded for ${name}.`;
	const parts: string[] = [];
	let dip: { month: string; value: number; before: number; previous: string } | null = null;
	for (let i = 1; i < received.length; i++) {
		const p = received[i]!;
		const q = received[i - 1]!;
		if (!p.month.startsWith('2020') || q.received <= 0) continue;
		const fall = (q.received - p.received) / q.received;
		if (fall > 0 && (!dip || fall > (dip.before - dip.value) / dip.before)) {
			dip = { month: p.month, value: p.received, before: q.received, previous: q.month };
		}
	}
	if (dip) {
		const pct = Math.round(((dip.before - dip.value) / dip.before) * 100);
		parts.push(
			`In ${monthLong(dip.month)} ${name} received ${formatUsd(dip.value)}, ${pct}% less than in ${monthLong(dip.previous).split(' ')[0]}`
		);
	}
	const peak = received.reduce((a, b) => (b.received > a.received ? b : a));
	parts.push(`monthly receipts peaked at ${formatUsd(peak.received)} in ${monthLong(peak.month)}`);
	const last = received.at(-1)!;
	if (last.month !== peak.month) {
		parts.push(`the latest month, ${monthLong(last.month)}, brought ${formatUsd(last.received)}`);
	}
	const sentence = parts.join('; ');
	return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`;
}
