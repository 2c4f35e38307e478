/**
 * World Bank indicator values (WDI): personal remittances received (BX.TRF.PWKR.CD.DT) and
 * paid (BM.TRF.PWKR.CD.DT), and GDP (NY.GDP.MKTP.CD), in either of the World Bank's formats:
 *
 * - the bulk CSV `API_<CODE>_DS2_*.csv`: a preamble ("Data Source", "Last Updated Date", blank
 *   lines) before the header `Country Name,Country Code,Indicator Name,Indicator Code,1960,…`,
 *   one row per economy or aggregate and one column per year. Vintages differ: a BOM or none,
 *   CRLF or LF, a trailing comma on every line (an unnamed empty last column), all cells
 *   quoted or bare, missing values as `""`, `..` or an empty bare cell. The header is found
 *   by its content, not by its line number.
 * - the API v2 JSON (`/v2/country/all/indicator/<CODE>?format=json`): one page `[meta, rows]`,
 *   or several pages in one array `[[meta, rows], [meta, rows], …]` (what `--url` and scheduled
 *   runs download: see worldBankPages.ts). The pages must be the whole answer: pages 1 to
 *   `pages` in order, their rows adding up to `total`; one page of several is refused, never
 *   taken for the whole. Rows name economies and
 *   aggregates by `countryiso3code` (`country.id` is ISO alpha-2 or a World Bank code, so it
 *   is not used); a few aggregates have an empty `countryiso3code`, which is fine only
 *   without a value.
 *
 * The indicator is read from the input, never from the file name. A code that resolves to one
 * of our countries is an economy; a World Bank aggregate code (WLD, EUU, INX …) is kept apart
 * as an aggregate; any other code is a problem.
 */
import { readCsvRecords } from '../csvRecords.ts';
import { ProblemList, quoted } from '../problem.ts';
import { readPageMeta, type PageMeta } from '../worldBankPages.ts';
import type { ParseContext, ParseOutcome } from './oxcgrtC8.ts';

/** The indicators we store, and where their economies' values go. */
export const WB_INDICATORS = {
	'BX.TRF.PWKR.CD.DT': { table: 'remittance', measure: 'received' },
	'BM.TRF.PWKR.CD.DT': { table: 'remittance', measure: 'paid' },
	'NY.GDP.MKTP.CD': { table: 'gdp', measure: null }
} as const satisfies Record<
	string,
	{ table: 'remittance' | 'gdp'; measure: 'received' | 'paid' | null }
>;
export type WbIndicatorCode = keyof typeof WB_INDICATORS;
export const GDP_INDICATOR: WbIndicatorCode = 'NY.GDP.MKTP.CD';

export const FIRST_YEAR = 1960;
export const LAST_YEAR = 2100;

const isIndicator = (code: string): code is WbIndicatorCode => Object.hasOwn(WB_INDICATORS, code);
const INDICATOR_LIST = 'BX.TRF.PWKR.CD.DT, BM.TRF.PWKR.CD.DT or NY.GDP.MKTP.CD';

/** One value of an economy or aggregate for one year. */
export interface WbPoint {
	/** Our ISO3 for an economy (XKX for Kosovo), the World Bank code for an aggregate. */
	code: string;
	aggregate: boolean;
	year: number;
	/** null: the input has this year but no value for it (a stored value is removed). */
	value: number | null;
}

export interface WbIndicatorData {
	/** null only when the input was refused. */
	indicator: WbIndicatorCode | null;
	points: WbPoint[];
}

// --- checks shared with the long GDP CSV (gdp.ts) ------------------------------------------

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A header cell as the field of a message: on one line, as the file spells it. */
export const fieldName = (cell: string) => cell.trim().replace(/\s+/g, ' ');

const MISSING = new Set(['', '..']);
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell as an amount in US$: a finite number of 0 or more, or null when missing. */
export function readAmount(raw: string): Checked<number | null> {
	const text = raw.trim();
	if (MISSING.has(text)) return { ok: true, value: null };
	if (!DECIMAL.test(text)) return { ok: false, reason: `${quoted(text)} is not a number` };
	const value = Number(text);
	if (!Number.isFinite(value))
		return { ok: false, reason: `${quoted(text)} is not a finite number` };
	if (value < 0) {
		return { ok: false, reason: `${quoted(text)} is negative (expected an amount of 0 or more)` };
	}
	return { ok: true, value: value + 0 }; // + 0 turns -0 into 0
}

export function readYear(raw: string): Checked<number> {
	const text = raw.trim();
	if (!/^\d{4}$/.test(text)) return { ok: false, reason: `${quoted(text)} is not a year` };
	const year = Number(text);
	if (year < FIRST_YEAR || year > LAST_YEAR) {
		return { ok: false, reason: `year ${year} is outside ${FIRST_YEAR}–${LAST_YEAR}` };
	}
	return { ok: true, value: year };
}

/** An economy (resolved to our ISO3) or a World Bank aggregate; null for any other code. */
export function classifyCode(
	raw: string,
	ctx: ParseContext
): { code: string; aggregate: boolean } | null {
	const code = raw.trim().toUpperCase();
	if (!/^[A-Z0-9]{3}$/.test(code)) return null;
	const iso3 = ctx.resolveCountry(code);
	if (iso3) return { code: iso3, aggregate: false };
	if (ctx.isAggregate?.(code)) return { code, aggregate: true };
	return null;
}

export const unknownCode = (raw: string) =>
	`unknown code ${quoted(raw.trim())} (neither a country nor a World Bank aggregate)`;

/** Tracks the input's one indicator: the first supported code seen is the input's. */
class IndicatorCheck {
	code: WbIndicatorCode | null = null;
	private firstAt = 0;
	constructor(private readonly where: (at: number) => string) {}
	/** Null when fine, else the reason. */
	check(raw: string, at: number): string | null {
		const code = raw.trim();
		if (!isIndicator(code))
			return `unsupported indicator ${quoted(code)} (expected ${INDICATOR_LIST})`;
		if (this.code === null) {
			this.code = code;
			this.firstAt = at;
		} else if (code !== this.code) {
			return `${quoted(code)} differs from "${this.code}" ${this.where(this.firstAt)} (one indicator per input)`;
		}
		return null;
	}
}

// --- the parser ----------------------------------------------------------------------------

export function parseWbIndicator(text: string, ctx: ParseContext): ParseOutcome<WbIndicatorData> {
	const problems = new ProblemList(ctx.file);
	const body = text.replace(/^\uFEFF/, '').trimStart();
	if (body === '') {
		problems.add(0, 'header', 'the file is empty');
		return { value: { indicator: null, points: [] }, rowsRead: 0, problems };
	}
	const outcome =
		body.startsWith('[') || body.startsWith('{')
			? parseApiJson(body, ctx, problems)
			: parseBulkCsv(text, ctx, problems);
	if (!problems.empty) outcome.value = { indicator: null, points: [] };
	return outcome;
}

const normaliseHeader = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, '');

function parseBulkCsv(
	text: string,
	ctx: ParseContext,
	problems: ProblemList
): ParseOutcome<WbIndicatorData> {
	const value: WbIndicatorData = { indicator: null, points: [] };
	const records = readCsvRecords(text, problems);
	if (!records) return { value, rowsRead: 0, problems };

	// The header is the first record with a "Country Code" cell; the preamble comes before it.
	const headerAt = records.findIndex((r) =>
		r.record.some((c) => normaliseHeader(c) === 'countrycode')
	);
	if (headerAt < 0) {
		problems.add(
			0,
			'header',
			'no header row with "Country Code" (expected a World Bank bulk CSV or API JSON)'
		);
		return { value, rowsRead: 0, problems };
	}
	const { record: cells, info } = records[headerAt]!;
	const headerLine = info.lines;
	const names = cells.map(normaliseHeader);
	const codeColumn = names.indexOf('countrycode');
	const indicatorColumn = names.indexOf('indicatorcode');
	if (indicatorColumn < 0) {
		problems.add(headerLine, 'header', 'no "Indicator Code" column');
	}
	// Year columns hold values; unnamed columns (the trailing comma) must stay empty; other
	// named columns (Country Name, Indicator Name) are descriptive.
	const yearColumns: { index: number; year: number }[] = [];
	const unnamedColumns: number[] = [];
	const seenYears = new Set<number>();
	let yearHeaders = 0;
	cells.forEach((cell, index) => {
		const name = cell.trim();
		if (name === '') {
			unnamedColumns.push(index);
			return;
		}
		if (!/^\d+$/.test(name)) return;
		yearHeaders++;
		const year = readYear(name);
		const field = `column ${index + 1} "${name}"`;
		if (!year.ok) problems.add(headerLine, field, year.reason);
		else if (seenYears.has(year.value)) {
			problems.add(headerLine, field, `year ${year.value} appears twice`);
		} else {
			seenYears.add(year.value);
			yearColumns.push({ index, year: year.value });
		}
	});
	if (yearHeaders === 0) {
		problems.add(headerLine, 'header', 'no year columns (expected headers like 2019)');
	}
	const rows = records.slice(headerAt + 1);
	if (!problems.empty) return { value, rowsRead: rows.length, problems };
	if (rows.length === 0) {
		problems.add(headerLine, 'header', 'no data rows after the header');
		return { value, rowsRead: 0, problems };
	}

	// A row may leave out trailing unnamed cells, never a named one.
	const lastNamed = cells.findLastIndex((c) => c.trim() !== '');
	const indicatorName = fieldName(cells[indicatorColumn]!);
	const codeName = fieldName(cells[codeColumn]!);
	const indicator = new IndicatorCheck((line) => `on line ${line}`);
	const seen = new Map<string, number>();
	for (const { record, info } of rows) {
		const line = info.lines;
		if (record.length <= lastNamed || record.length > cells.length) {
			problems.add(
				line,
				'row',
				`expected ${cells.length} cells like the header, found ${record.length}`
			);
			continue;
		}
		const wrongIndicator = indicator.check(record[indicatorColumn]!, line);
		if (wrongIndicator) problems.add(line, indicatorName, wrongIndicator);
		const raw = record[codeColumn]!;
		const target = classifyCode(raw, ctx);
		if (!target) {
			problems.add(line, codeName, unknownCode(raw));
			continue;
		}
		const key = `${target.aggregate ? 'aggregate' : 'economy'}:${target.code}`;
		const earlier = seen.get(key);
		if (earlier !== undefined) {
			problems.add(line, codeName, `${raw.trim()} already appears on line ${earlier}`);
			continue;
		}
		seen.set(key, line);
		for (const index of unnamedColumns) {
			const cell = (record[index] ?? '').trim();
			if (cell !== '') {
				problems.add(line, `column ${index + 1}`, `${quoted(cell)} under an empty header`);
			}
		}
		for (const { index, year } of yearColumns) {
			const amount = readAmount(record[index]!);
			if (!amount.ok) problems.add(line, cells[index]!.trim(), amount.reason);
			else value.points.push({ ...target, year, value: amount.value });
		}
	}
	value.indicator = indicator.code;
	return { value, rowsRead: rows.length, problems };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** `[meta, rows]`: meta is an object with a page number, rows an array (or null past the end). */
const isPage = (v: unknown): v is [Record<string, unknown>, unknown[] | null] =>
	Array.isArray(v) &&
	v.length === 2 &&
	isObject(v[0]) &&
	'page' in v[0] &&
	(Array.isArray(v[1]) || v[1] === null);

/**
 * Why the pages of an input are not one whole API answer, or null when they are: every page
 * describes the same answer (pages, rows a page, total), the input holds pages 1…pages in
 * order, and their rows add up to the total.
 */
export function pagingProblem(pages: readonly { meta: unknown; rows: number }[]): string | null {
	const metas: PageMeta[] = [];
	for (const [i, page] of pages.entries()) {
		const meta = readPageMeta(page.meta);
		if (!meta)
			return `page ${i + 1} of the input: its meta lacks a count of page, pages, per_page or total`;
		metas.push(meta);
	}
	const first = metas[0];
	if (!first) return 'no pages';
	const other = metas.find(
		(m) => m.pages !== first.pages || m.total !== first.total || m.perPage !== first.perPage
	);
	if (other) {
		return `page ${other.page} says ${other.pages} pages (${other.total} rows, ${other.perPage} a page) where page ${first.page} says ${first.pages} (${first.total} rows, ${first.perPage} a page): pages of different answers`;
	}
	const numbers = metas.map((m) => m.page);
	if (numbers.length < first.pages) {
		return `the input holds page${numbers.length === 1 ? '' : 's'} ${numbers.join(', ')} of the answer's ${first.pages}: a page is a part of the answer, never the whole (fetch every page, as ingest --url does, or ask for per_page=${first.total})`;
	}
	if (numbers.some((n, i) => n !== i + 1) || numbers.length > first.pages) {
		return `the input holds pages ${numbers.join(', ')}: expected pages 1 to ${first.pages} in order`;
	}
	const held = pages.reduce((sum, p) => sum + p.rows, 0);
	if (held !== first.total)
		return `the pages hold ${held} rows but the answer's total is ${first.total}`;
	return null;
}

/**
 * The API's JSON. Problems name a row by its 1-based position in the whole input, counting
 * across pages in order (the first row of the second page of 50 is row 51), as the "line".
 */
function parseApiJson(
	text: string,
	ctx: ParseContext,
	problems: ProblemList
): ParseOutcome<WbIndicatorData> {
	const value: WbIndicatorData = { indicator: null, points: [] };
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (err) {
		problems.add(0, 'json', (err as Error).message);
		return { value, rowsRead: 0, problems };
	}
	// The API reports a bad request as [{ message: [{ id, key, value }] }].
	if (Array.isArray(data) && isObject(data[0]) && Array.isArray(data[0].message)) {
		const said = data[0].message
			.map((m) => (isObject(m) ? [m.key, m.value].filter(Boolean).join(': ') : String(m)))
			.join('; ');
		problems.add(0, 'json', `the API answered with an error: ${said}`);
		return { value, rowsRead: 0, problems };
	}
	let pages: [Record<string, unknown>, unknown[] | null][];
	if (isPage(data)) pages = [data];
	else if (Array.isArray(data) && data.length > 0 && data.every(isPage)) pages = data;
	else {
		problems.add(0, 'json', "expected the API's [meta, rows] or an array of such pages");
		return { value, rowsRead: 0, problems };
	}
	const rows = pages.flatMap(([, rows]) => rows ?? []);
	if (rows.length === 0) {
		problems.add(0, 'json', 'no rows');
		return { value, rowsRead: 0, problems };
	}
	const partial = pagingProblem(pages.map(([meta, rows]) => ({ meta, rows: rows?.length ?? 0 })));
	if (partial) {
		problems.add(0, 'json', partial);
		return { value, rowsRead: rows.length, problems };
	}

	const indicator = new IndicatorCheck((at) => `in row ${at}`);
	const seen = new Map<string, number>();
	rows.forEach((row, i) => {
		const at = i + 1;
		if (!isObject(row)) {
			problems.add(at, 'row', 'expected an object');
			return;
		}
		const id = isObject(row.indicator) ? row.indicator.id : undefined;
		if (typeof id !== 'string') problems.add(at, 'indicator.id', 'expected an indicator code');
		else {
			const wrong = indicator.check(id, at);
			if (wrong) problems.add(at, 'indicator.id', wrong);
		}

		const amount: Checked<number | null> =
			row.value === null
				? { ok: true, value: null }
				: typeof row.value === 'number'
					? readAmount(String(row.value))
					: typeof row.value === 'string'
						? readAmount(row.value)
						: { ok: false, reason: 'expected a number or null' };
		if (!amount.ok) problems.add(at, 'value', amount.reason);

		const raw = row.countryiso3code;
		if (typeof raw !== 'string') {
			problems.add(at, 'countryiso3code', 'expected a code');
			return;
		}
		if (raw.trim() === '') {
			// Some aggregates come without a code; harmless as long as they carry no value.
			if (amount.ok && amount.value !== null) {
				const country = isObject(row.country) ? row.country : {};
				problems.add(
					at,
					'countryiso3code',
					`empty, but the row has a value (country ${quoted(String(country.value ?? ''))}, id ${quoted(String(country.id ?? ''))})`
				);
			}
			return;
		}
		const target = classifyCode(raw, ctx);
		if (!target) problems.add(at, 'countryiso3code', unknownCode(raw));
		const year = typeof row.date === 'string' ? readYear(row.date) : null;
		if (!year) problems.add(at, 'date', 'expected a year like "2019"');
		else if (!year.ok) problems.add(at, 'date', year.reason);
		if (!target || !year?.ok || !amount.ok) return;

		const key = `${target.aggregate ? 'aggregate' : 'economy'}:${target.code}:${year.value}`;
		const earlier = seen.get(key);
		if (earlier !== undefined) {
			problems.add(at, 'date', `${raw.trim()} ${year.value} already appears in row ${earlier}`);
			return;
		}
		seen.set(key, at);
		value.points.push({ ...target, year: year.value, value: amount.value });
	});
	value.indicator = indicator.code;
	return { value, rowsRead: rows.length, problems };
}
