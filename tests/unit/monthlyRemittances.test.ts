/**
 * The monthly chart's sentence on Banco de México's real series (data/banxico-remesas):
 * the April 2020 dip, the peak and the latest month, with three significant figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	formatUsd,
	monthLong,
	monthlyDescription,
	type MonthPoint
} from '../../src/lib/domain/monthlyRemittances.ts';
import { ROOT } from '../support/server.ts';

/** The bundled file as month points (Ingresos = received, Egresos = paid). */
function banxicoMonths(): MonthPoint[] {
	const lines = readFileSync(join(ROOT, 'data/banxico-remesas/remesas_mensuales.csv'), 'utf8')
		.split('\r\n')
		.slice(1)
		.filter(Boolean);
	const byMonth = new Map<string, MonthPoint>();
	for (const line of lines) {
		const [period, flow, , , usd] = line.split(',');
		const month = period!.slice(0, 7);
		const point = byMonth.get(month) ?? { month, received: null, paid: null };
		if (flow === '1') point.received = Number(usd);
		else point.paid = Number(usd);
		byMonth.set(month, point);
	}
	return [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month));
}

describe('monthlyDescription', () => {
	it('names the pandemic dip, the peak and the latest month of the real series', () => {
		const series = banxicoMonths();
		const peak = series.reduce((a, b) => ((b.received ?? 0) > (a.received ?? 0) ? b : a));
		const last = series.at(-1)!;
		const text = monthlyDescription('Mexico', series);
		expect(text).toMatch(
			/^In April 2020 Mexico received US\$2\.98 billion, 28% less than in March; /
		);
		expect(text).toContain(
			`monthly receipts peaked at ${formatUsd(peak.received!)} in ${monthLong(peak.month)}`
		);
		expect(text).toContain(`the latest month, ${monthLong(last.month)}, brought`);
	});

	it('says when there is nothing to describe', () => {
		expect(monthlyDescription('Guatemala', [])).toBe(
			'No monthly remittances are recorded for Guatemala.'
		);
	});

	it('keeps three significant figures without dropping zeros of whole numbers', () => {
		expect(formatUsd(2_982_653_058)).toBe('US$2.98 billion');
		expect(formatUsd(100_000_000)).toBe('US$100 million');
		expect(formatUsd(10_040_000_000)).toBe('US$10 billion');
		expect(formatUsd(640)).toBe('US$640');
	});
});
