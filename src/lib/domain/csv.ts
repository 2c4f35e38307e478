/**
 * CSV and export documents, written the same way by the server and the browser: RFC 4180
 * (CRLF line ends, fields with `"`, `,`, CR or LF quoted, `"` doubled), a header row, and cells
 * a spreadsheet would run as a formula neutralised.
 */

/**
 * One CSV cell. Text that a spreadsheet would read as a formula (=, +, -, @, or a tab or CR
 * first: OWASP's list) gets a leading apostrophe, so an editor's note cannot run in an
 * analyst's spreadsheet; numbers are numbers and stay as they are (-3 stays -3).
 */
export const csvCell = (value: unknown): string => {
	if (value === null || value === undefined) return '';
	let s = String(value);
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** A header row and one line per row, in `columns` order. */
export function toCsv<T extends object>(rows: readonly T[], columns: readonly (keyof T)[]): string {
	const lines = [columns.map((c) => csvCell(String(c))).join(',')];
	for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
	return `${lines.join('\r\n')}\r\n`;
}

/** What an export says about itself: where the data comes from and which part of it this is. */
export interface ExportMeta {
	title: string;
	source: string;
	licence: string;
	/** The last change seq the data includes. */
	dataVersion: number;
	/** When the data was read (ISO 8601). */
	retrievedAt: string;
	/** The request's filters, e.g. `{ region: 'Africa', date: '2020-04-15' }`; empty ones left out. */
	filters: Record<string, string>;
}

export function exportMeta(meta: {
	title: string;
	source: string;
	licence: string;
	dataVersion: number;
	retrievedAt?: string | Date;
	filters?: Record<string, string | number | readonly string[] | null | undefined>;
}): ExportMeta {
	const filters: Record<string, string> = {};
	for (const [key, value] of Object.entries(meta.filters ?? {})) {
		if (value === null || value === undefined) continue;
		const text = Array.isArray(value) ? value.join('~') : String(value);
		if (text !== '') filters[key] = text;
	}
	const at = meta.retrievedAt ?? new Date();
	return {
		title: meta.title,
		source: meta.source,
		licence: meta.licence,
		dataVersion: meta.dataVersion,
		retrievedAt: typeof at === 'string' ? at : at.toISOString(),
		filters
	};
}

/** `# key: value` lines for a CSV's head (line breaks inside values become spaces). */
export function metaLines(meta: ExportMeta): string {
	const one = (s: string) => s.replace(/[\r\n]+/g, ' ');
	const lines = [
		`# title: ${one(meta.title)}`,
		`# source: ${one(meta.source)}`,
		`# licence: ${one(meta.licence)}`,
		`# dataVersion: ${meta.dataVersion}`,
		`# retrievedAt: ${meta.retrievedAt}`,
		...Object.entries(meta.filters).map(([k, v]) => `# filter.${one(k)}: ${one(v)}`)
	];
	return `${lines.join('\r\n')}\r\n`;
}

/** A CSV document: `#` metadata lines, then the header row and the rows. */
export function csvDocument<T extends object>(
	meta: ExportMeta,
	rows: readonly T[],
	columns: readonly (keyof T)[]
): string {
	return metaLines(meta) + toCsv(rows, columns);
}

/** The JSON form of the same document. */
export function jsonDocument<T>(
	meta: ExportMeta,
	rows: readonly T[]
): { meta: ExportMeta; rows: T[] } {
	return { meta, rows: [...rows] };
}

/** Lower-case words joined by hyphens, for file names: "Sub-Saharan Africa" → "sub-saharan-africa". */
export function slug(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/&/g, 'and')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

/**
 * A file name named by its content: `crossings-border-status-africa-2020-04-15.csv`. Parts
 * that are empty are left out; a selection of more than three countries is written as its count.
 */
export function exportFilename(
	dataset: string,
	parts: { region?: string | null; countries?: readonly string[]; period?: string | null },
	extension: 'csv' | 'json'
): string {
	const countries = parts.countries ?? [];
	const selection =
		countries.length === 0
			? ''
			: countries.length <= 3
				? countries.join('-')
				: `${countries.length}-countries`;
	const name = ['crossings', dataset, parts.region ?? '', selection, parts.period ?? '']
		.map(slug)
		.filter((p) => p !== '')
		.join('-');
	return `${name}.${extension}`;
}
