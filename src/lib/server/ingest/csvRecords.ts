import { parse } from 'csv-parse/sync';
import type { ProblemList } from './problem.ts';

/** One CSV record with the line it ends on, for `file:line` messages. */
export interface CsvRecord {
	record: string[];
	info: { lines: number };
}

/**
 * One line break, LF, for the CR LF and lone CR of other vintages. csv-parse counts a CR LF as
 * two lines unless it ends a record (a line break inside a quoted cell, or a file that starts
 * with LF and goes on with CR LF), so every `file:line` after it would be off.
 */
export function normaliseLineBreaks(text: string): string {
	return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * Reads every record of a CSV as arrays of cells (BOM, quoting and CRLF/LF handled by
 * csv-parse). Rows may differ in length: each feed checks that itself, to name the line.
 * Broken quoting becomes a `csv` problem at its line, and null is returned.
 */
export function readCsvRecords(text: string, problems: ProblemList): CsvRecord[] | null {
	try {
		return parse(normaliseLineBreaks(text), {
			bom: true,
			info: true,
			relax_column_count: true,
			skip_empty_lines: true
		}) as unknown as CsvRecord[];
	} catch (err) {
		const e = err as { lines?: number; message: string };
		problems.add(e.lines ?? 0, 'csv', e.message);
		return null;
	}
}

/**
 * A CSV's header record and the records under it, or null once a problem has been added
 * (broken quoting, or an empty file, named as the `header` at line 0).
 */
export function readCsvTable(
	text: string,
	problems: ProblemList
): { header: CsvRecord; body: CsvRecord[] } | null {
	const records = readCsvRecords(text, problems);
	if (!records) return null;
	const [header, ...body] = records;
	if (!header) {
		problems.add(0, 'header', 'the file is empty');
		return null;
	}
	return { header, body };
}
