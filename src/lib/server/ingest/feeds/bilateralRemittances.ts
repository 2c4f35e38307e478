/**
 * World Bank / KNOMAD bilateral remittance matrix workbook (.xlsx), e.g.
 * WB_Bilateral_Remittance_Estimates_2017.xlsx, sheet `Bilateral_Remittances_2017`:
 *
 * - row 1: the title, naming the year ("… for 2017 …") and the unit "(millions of US$)";
 * - row 2: A2 `receiving (across) / sending (down) `, then one receiving country name per
 *   column, then `WORLD` (totals, ignored);
 * - rows 3…: one sending country per row, values in US$ millions (zeros explicit), then a
 *   `WORLD` totals row and notes rows, both ignored.
 *
 * Countries are World Bank names of the workbook's vintage, mapped by worldBankNames.ts.
 * Other sheets (the research copy adds `remshare`, which is not World Bank data) are not read.
 */
import type { ParseContext, ParseOutcome } from '../feed.ts';
import { ProblemList, quoted } from '../problem.ts';
import { readWorkbookSync, type WorkbookSheet } from '../workbook.ts';
import { resolveWorldBankName } from './worldBankNames.ts';

/** Remittances sent from `origin` to `destination` in one year, in whole US$. */
export interface CorridorValue {
	origin: string;
	destination: string;
	value: number;
}

export interface CorridorMatrix {
	year: number;
	/** Positive corridors only (a zero or missing cell is no corridor), by destination, origin. */
	corridors: CorridorValue[];
}

export const SHEET_NAME = /^Bilateral_Remittances_(\d{4})$/;
const CORNER = 'receiving (across) / sending (down)';
const UNIT = '(millions of US$)';
const TOTALS = 'world';
/**
 * Cells that mean "no estimate", skipped like blank cells: the 2017 workbook has `-` for
 * India↔Pakistan and Israel↔Lebanon; `..` is the World Bank's usual missing marker.
 */
const MISSING = new Set(['', '-', '..']);

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
	let letters = '';
	for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
		letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
	}
	return letters;
}

const text = (cell: unknown): string => (typeof cell === 'string' ? cell.trim() : '');
const isBlank = (cell: unknown) =>
	cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');

/** Reads the workbook (bytes; text is refused: a workbook read as text is garbled). */
export function parseBilateralRemittances(
	input: string | Uint8Array,
	ctx: ParseContext
): ParseOutcome<CorridorMatrix> {
	const problems = new ProblemList(ctx.file);
	const nothing = { value: { year: 0, corridors: [] }, rowsRead: 0, problems };
	if (typeof input === 'string') {
		problems.add(0, 'input', 'expected the bytes of an .xlsx workbook, got text');
		return nothing;
	}
	let sheets: WorkbookSheet[];
	try {
		sheets = readWorkbookSync(input);
	} catch (err) {
		problems.add(0, 'workbook', `not a readable .xlsx workbook (${(err as Error).message})`);
		return nothing;
	}
	return parseRemittanceSheets(sheets, ctx.file);
}

/** The pure part: finds the matrix sheet among the workbook's sheets and reads it. */
export function parseRemittanceSheets(
	sheets: readonly { sheet: string; data: readonly (readonly unknown[])[] }[],
	file: string
): ParseOutcome<CorridorMatrix> {
	const problems = new ProblemList(file);
	const empty = () => ({ value: { year: 0, corridors: [] }, rowsRead: 0, problems });
	const matches = sheets.filter((s) => SHEET_NAME.test(s.sheet));
	if (matches.length !== 1) {
		const names = sheets.map((s) => quoted(s.sheet)).join(', ') || 'none';
		problems.add(
			0,
			'sheet',
			matches.length === 0
				? `no sheet "Bilateral_Remittances_<year>" such as "Bilateral_Remittances_2017" (sheets: ${names})`
				: `several bilateral remittance sheets (${names}): expected one`
		);
		return empty();
	}
	const { sheet, data } = matches[0]!;
	const year = Number(SHEET_NAME.exec(sheet)![1]);

	// Row 1: the title names the year (which must be the sheet's) and the unit.
	const title = text(data[0]?.[0]);
	const yearInTitle = /\bfor (\d{4})\b/i.exec(title)?.[1];
	if (yearInTitle === undefined) {
		problems.add(1, 'A', `the title does not name the year ("… for ${year} …"): ${quoted(title)}`);
	} else if (Number(yearInTitle) !== year) {
		problems.add(1, 'A', `the title says ${yearInTitle} but the sheet is "${sheet}"`);
	}
	if (!title.toLowerCase().includes(UNIT.toLowerCase())) {
		problems.add(1, 'A', `the title does not give the unit "${UNIT}": ${quoted(title)}`);
	}

	// Row 2: the corner cell fixes the orientation; receiving countries up to WORLD.
	const header = data[1] ?? [];
	if (text(header[0]).toLowerCase() !== CORNER) {
		problems.add(2, 'A', `expected "${CORNER}", found ${quoted(text(header[0]))}`);
		return empty();
	}
	const totalsColumn = header.findIndex((c, i) => i > 0 && text(c).toLowerCase() === TOTALS);
	if (totalsColumn < 0) {
		problems.add(2, 'header', 'no WORLD column after the receiving countries');
		return empty();
	}
	/** Receiving ISO3 per column (index = column), null when unknown or not a country. */
	const receiving: (string | null)[] = [null];
	const seenColumns = new Map<string, { name: string; where: string }>();
	for (let c = 1; c < totalsColumn; c++) {
		const column = columnLetter(c);
		receiving.push(
			resolveName(header[c], 2, `receiving ${column}`, seenColumns, `column ${column}`)
		);
	}

	// Rows 3…: sending countries up to the WORLD totals row; blank rows are skipped.
	const corridors: CorridorValue[] = [];
	const seenRows = new Map<string, { name: string; where: string }>();
	let rowsRead = 0;
	let totalsRow = -1;
	for (let r = 2; r < data.length; r++) {
		const row = data[r]!;
		const line = r + 1;
		if (text(row[0]).toLowerCase() === TOTALS) {
			totalsRow = r;
			break;
		}
		if (row.every(isBlank)) continue;
		rowsRead++;
		const origin = resolveName(row[0], line, 'sending A', seenRows, `row ${line}`);
		for (let c = 1; c < totalsColumn; c++) {
			const cell = row[c];
			const field = `${columnLetter(c)} ${quoted(text(header[c]))}`;
			const value = readValue(cell, line, field, problems);
			if (value === null || value === 0) continue;
			const destination = receiving[c];
			// Unknown names are already reported; a country's own cell is no corridor (the
			// 2017 workbook has one: Vanuatu, US$ 0.0038 million).
			if (!origin || !destination || origin === destination) continue;
			// Whole dollars: the estimates mean nothing below that (half a dollar is no corridor).
			const dollars = Math.round(value * 1e6);
			if (dollars > 0) corridors.push({ origin, destination, value: dollars });
		}
	}
	if (totalsRow < 0) {
		problems.add(
			data.length,
			'sending A',
			'no WORLD totals row after the sending countries (where the matrix ends)'
		);
	}
	corridors.sort((a, b) =>
		a.destination === b.destination
			? a.origin.localeCompare(b.origin)
			: a.destination.localeCompare(b.destination)
	);
	return { value: { year, corridors }, rowsRead, problems };

	/**
	 * Our ISO3 for a name cell, or null (reported: unknown or repeated; not reported: a
	 * deliberate non-country bucket).
	 */
	function resolveName(
		cell: unknown,
		line: number,
		field: string,
		seen: Map<string, { name: string; where: string }>,
		where: string
	): string | null {
		const name = text(cell);
		if (name === '') {
			problems.add(line, field, 'no country name');
			return null;
		}
		const resolved = resolveWorldBankName(name);
		if (!resolved) {
			problems.add(line, field, `unknown country name ${quoted(name)}`);
			return null;
		}
		if (resolved.kind === 'bucket') return null;
		const earlier = seen.get(resolved.iso3);
		if (earlier) {
			problems.add(
				line,
				field,
				earlier.name === name
					? `${quoted(name)} already appears in ${earlier.where}`
					: `${quoted(name)} is ${resolved.iso3}, like ${quoted(earlier.name)} in ${earlier.where}`
			);
			return null;
		}
		seen.set(resolved.iso3, { name, where });
		return resolved.iso3;
	}
}

/** A value cell in US$ millions: a number ≥ 0, or null for a blank or "no estimate" cell. */
function readValue(
	cell: unknown,
	line: number,
	field: string,
	problems: ProblemList
): number | null {
	if (cell === null || cell === undefined) return null;
	if (typeof cell === 'string' && MISSING.has(cell.trim())) return null;
	if (typeof cell !== 'number' || !Number.isFinite(cell)) {
		const date = cell instanceof Date && !Number.isNaN(cell.getTime());
		const shown = date ? cell.toISOString().replace(/T.*/, '') : String(cell);
		problems.add(line, field, `${quoted(shown)} is not a number of US$ millions`);
		return null;
	}
	if (cell < 0) {
		problems.add(line, field, `${cell} is negative: remittances cannot be below 0`);
		return null;
	}
	// Stored in whole US$, which must stay exact: at most 2^53 − 1 dollars.
	if (!Number.isSafeInteger(Math.round(cell * 1e6))) {
		problems.add(line, field, `${cell} is too large (more than 9007199254 US$ millions)`);
		return null;
	}
	return cell;
}
