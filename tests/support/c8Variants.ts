/**
 * Rewrites the real C8 snapshot in the other formats its publisher has used, so tests
 * can check that every vintage's formatting yields the same values.
 */
import { parse } from 'csv-parse/sync';

export type Grid = string[][];

export const readGrid = (text: string): Grid => parse(text, { bom: true }) as Grid;

const quoteIfNeeded = (cell: string) =>
	/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;

export function writeGrid(
	grid: Grid,
	options: { quoteAll?: boolean; newline?: '\n' | '\r\n'; bom?: boolean } = {}
): string {
	const cell = options.quoteAll ? (c: string) => `"${c.replaceAll('"', '""')}"` : quoteIfNeeded;
	const nl = options.newline ?? '\n';
	return (options.bom ? '\uFEFF' : '') + grid.map((row) => row.map(cell).join(',')).join(nl) + nl;
}

/** 2020-vintage style: no running number, empty id headers, lower-case months, `.` missing, bare cells, CRLF. */
export function toVintage2020(text: string): string {
	const grid = readGrid(text).map((row) => row.slice(1));
	grid[0] = grid[0]!.map((h, i) => (i < 2 ? '' : h.toLowerCase()));
	for (const row of grid.slice(1)) {
		for (let i = 2; i < row.length; i++) if (row[i] === '') row[i] = '.';
	}
	return writeGrid(grid, { newline: '\r\n' });
}

/** Later-pipeline style: bare numbers, unquoted `NA` for missing, header `CountryCode`. */
export function toBareNA(text: string): string {
	const grid = readGrid(text);
	grid[0] = grid[0]!.map((h, i) => (i === 1 ? 'CountryCode' : i === 2 ? 'CountryName' : h));
	for (const row of grid.slice(1)) {
		for (let i = 3; i < row.length; i++) if (row[i] === '') row[i] = 'NA';
	}
	return writeGrid(grid, { bom: true });
}

/** The first `n` data rows of a file, header included. */
export function headRows(text: string, n: number): string {
	return (
		text
			.split('\n')
			.slice(0, n + 1)
			.join('\n') + '\n'
	);
}
