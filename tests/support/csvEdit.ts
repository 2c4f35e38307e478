/**
 * Editing one cell of a real published CSV, as a revised vintage would: the rest of the file
 * stays byte for byte, quoting style included (OxCGRT quotes 2020–2021 cells, not 2022's).
 */

/** The cells of one line as written, quotes kept. */
function cellsOf(line: string): string[] {
	const cells: string[] = [];
	const cell = /("(?:[^"]|"")*"|[^,]*)(,|$)/y;
	while (cell.lastIndex < line.length) {
		const m = cell.exec(line);
		if (!m) throw new Error(`not a CSV line: ${line.slice(0, 60)}`);
		cells.push(m[1]!);
		if (m[2] === '') break;
		if (cell.lastIndex === line.length) cells.push('');
	}
	return cells;
}

const unquoted = (cell: string) => cell.replace(/^"|"$/g, '').replaceAll('""', '"');

/**
 * `text` with the cell in column `column` (a header name) of the row that has a cell equal to
 * `rowKey` replaced by `value`, quoted if the old cell was.
 */
export function replaceCell(text: string, column: string, rowKey: string, value: string): string {
	const lines = text.split('\n');
	const plain = (i: number) => cellsOf(lines[i]!.replace(/\r$/, '')).map(unquoted);
	const header = lines.findIndex((_, i) => plain(i).includes(column));
	if (header < 0) throw new Error(`no column "${column}"`);
	const col = plain(header).indexOf(column);
	const row = lines.findIndex((_, i) => i > header && plain(i).includes(rowKey));
	if (row < 0) throw new Error(`no row with "${rowKey}"`);
	const cr = lines[row]!.endsWith('\r') ? '\r' : '';
	const cells = cellsOf(lines[row]!.replace(/\r$/, ''));
	cells[col] = cells[col]!.startsWith('"') ? `"${value}"` : value;
	lines[row] = cells.join(',') + cr;
	return lines.join('\n');
}
