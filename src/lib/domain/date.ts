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
