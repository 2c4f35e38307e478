/**
 * OxCGRT C8 (international travel controls) wide timeseries:
 * one row per country, one `DDMonYYYY` column per day, values 0–4.
 *
 * The publisher varied this file between vintages: all cells quoted or bare; missing as
 * `""`, `NA` or `.`; month names capitalised or lower case; an unnamed running-number
 * column; and, in 2020, empty names for the id columns. We identify columns by what
 * they hold, not by position.
 */
import { readCsvTable } from '../csvRecords.ts';
import { parseDayMonYear } from '../../../domain/date.ts';
import { ProblemList, quoted } from '../problem.ts';

export interface C8Row {
	line: number;
	iso3: string;
	/** The code as written in the file (RKS for Kosovo). */
	code: string;
	/** Aligned with `C8Table.days`; null = no data that day. */
	levels: (number | null)[];
}

export interface C8Table {
	days: string[];
	rows: C8Row[];
}

export interface ParseContext {
	file: string;
	/** Our ISO3 for a publisher's code, or null when we do not know the country. */
	resolveCountry(code: string): string | null;
	/**
	 * Whether a code is a World Bank aggregate (WLD, EUU, INX …: table wb_aggregate), whose
	 * values are kept apart from countries. Absent: the caller knows no aggregates.
	 */
	isAggregate?(code: string): boolean;
	/**
	 * The days an editor's restriction may take effect on: the data's first day … today plus
	 * the configured horizon. Absent: the defaults of `restrictionBounds`.
	 */
	restrictionBounds?: { first: string; last: string };
	/**
	 * The date of a dated snapshot (`--date`), for feeds whose input is one (passport-index);
	 * absent: the feed reads it from the source's folder name.
	 */
	snapshotDate?: string;
}

export interface ParseOutcome<T> {
	value: T;
	rowsRead: number;
	problems: ProblemList;
}

const MISSING = new Set(['', 'NA', '.']);
const LEVEL = /^([0-4])(?:\.0+)?$/;
const CODE = /^[A-Z]{3}$/;

const normaliseHeader = (h: string) => h.toLowerCase().replace(/[^a-z]/g, '');

export function parseOxcgrtC8(text: string, ctx: ParseContext): ParseOutcome<C8Table> {
	const problems = new ProblemList(ctx.file);
	const table: C8Table = { days: [], rows: [] };
	const read = readCsvTable(text, problems);
	if (!read) return { value: table, rowsRead: 0, problems };
	const { header } = read;
	const headerLine = header.info.lines;
	const cells = header.record;

	// Day columns: every header cell after the first one that reads as a date.
	const firstDay = cells.findIndex((c) => /^\d{1,2}[a-z]{3}\d{4}$/i.test(c.trim()));
	if (firstDay < 0) {
		problems.add(headerLine, 'header', 'no day columns (expected headers like 01Jan2020)');
		return { value: table, rowsRead: 0, problems };
	}
	const seenDays = new Set<string>();
	for (let i = firstDay; i < cells.length; i++) {
		const day = parseDayMonYear(cells[i]!);
		if (!day) {
			problems.add(
				headerLine,
				`column ${i + 1} ${quoted(cells[i]!)}`,
				'not a date in DDMonYYYY form'
			);
		} else if (seenDays.has(day)) {
			problems.add(headerLine, `column ${i + 1} ${quoted(cells[i]!)}`, `day ${day} appears twice`);
		} else {
			seenDays.add(day);
		}
		table.days.push(day ?? '');
	}

	const { body } = read;
	const idColumns = cells.slice(0, firstDay).map(normaliseHeader);
	let codeColumn = idColumns.findIndex((h) => h === 'countrycode' || h === 'code');
	// Unnamed id columns (2020 vintages): the code column is the one holding 3-letter codes.
	if (codeColumn < 0) {
		codeColumn = idColumns.findIndex(
			(_, i) => body.length > 0 && body.every((r) => CODE.test((r.record[i] ?? '').trim()))
		);
	}
	if (codeColumn < 0) {
		problems.add(headerLine, 'country_code', 'no column of country codes before the day columns');
		return { value: table, rowsRead: body.length, problems };
	}

	const seenCountries = new Map<string, number>();
	for (const { record, info } of body) {
		const line = info.lines;
		if (record.length !== cells.length) {
			problems.add(
				line,
				'row',
				`expected ${cells.length} cells like the header, found ${record.length}`
			);
			continue;
		}
		const code = record[codeColumn]!.trim();
		const iso3 = CODE.test(code) ? ctx.resolveCountry(code) : null;
		if (!iso3) {
			problems.add(line, 'country_code', `unknown country code ${quoted(code)}`);
			continue;
		}
		const earlier = seenCountries.get(iso3);
		if (earlier !== undefined) {
			problems.add(line, 'country_code', `${code} already appears on line ${earlier}`);
			continue;
		}
		seenCountries.set(iso3, line);
		const levels: (number | null)[] = [];
		for (let i = firstDay; i < record.length; i++) {
			const raw = record[i]!.trim();
			if (MISSING.has(raw)) {
				levels.push(null);
				continue;
			}
			const m = LEVEL.exec(raw);
			if (!m) {
				// The column's day header, or its number when the header is no day (reported above).
				const field = table.days[i - firstDay] ? cells[i]!.trim() : `column ${i + 1}`;
				problems.add(line, field, `${quoted(raw)} is not a C8 level (0–4 or missing)`);
				levels.push(null);
				continue;
			}
			levels.push(Number(m[1]));
		}
		table.rows.push({ line, iso3, code, levels });
	}
	return { value: table, rowsRead: body.length, problems };
}
