/** Calendar days as ISO strings ("2020-03-15"), computed in UTC so no time zone shifts them. */

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDay(value: string): boolean {
	const m = ISO_DAY.exec(value);
	if (!m) return false;
	const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
	return d.toISOString().slice(0, 10) === value;
}

export function addDays(day: string, n: number): string {
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const MONTH_NAMES = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];

/**
 * The first day of a change's period: a day is itself, a year `2019` its 1 January, a month
 * `2026-05` its first day, a quarter `2019Q4` its first day (1 October), an interval
 * `2021-06-01/..` its start.
 */
export function periodFirstDay(period: string): string {
	if (/^\d{4}$/.test(period)) return `${period}-01-01`;
	if (/^\d{4}-\d{2}$/.test(period)) return `${period}-01`;
	const quarter = /^(\d{4})Q([1-4])$/.exec(period);
	if (quarter)
		return `${quarter[1]}-${String((Number(quarter[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
	return period.slice(0, 10);
}

/**
 * A period that is not a day, as a reader says it: `2019`, `May 2026`, `2019 Q4`; null for a
 * day or an interval (those are shown as days).
 */
export function formatPeriod(period: string): string | null {
	if (/^\d{4}$/.test(period)) return period;
	const month = /^(\d{4})-(\d{2})$/.exec(period);
	if (month) return `${MONTH_NAMES[Number(month[2]) - 1] ?? month[2]} ${month[1]}`;
	const quarter = /^(\d{4})Q([1-4])$/.exec(period);
	if (quarter) return `${quarter[1]} Q${quarter[2]}`;
	return null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Parses OxCGRT's Stata-style `DDMonYYYY` (any case): "01Jan2020", "01jan2020". */
export function parseDayMonYear(value: string): string | null {
	const m = /^(\d{1,2})([a-z]{3})(\d{4})$/i.exec(value.trim());
	if (!m) return null;
	const month = MONTHS.indexOf(m[2]!.toLowerCase());
	if (month < 0) return null;
	const iso = `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
	return isIsoDay(iso) ? iso : null;
}

export function formatDayLong(day: string, locale = 'en-GB'): string {
	return new Date(`${day}T00:00:00Z`).toLocaleDateString(locale, {
		day: 'numeric',
		month: 'long',
		year: 'numeric',
		timeZone: 'UTC'
	});
}

export function todayUtc(now: Date = new Date()): string {
	return now.toISOString().slice(0, 10);
}
