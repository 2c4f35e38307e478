/**
 * Reads an .xlsx workbook synchronously, with read-excel-file.
 *
 * Feeds parse synchronously (a pure step before the run's transaction), but read-excel-file,
 * like the other maintained xlsx readers on npm, only reads asynchronously. So the reading
 * runs in a child process and this thread waits for its answer (spawnSync): it blocks for as
 * long as a synchronous parser would. A process, not a thread: a hostile workbook can make
 * V8 abort (a fatal error ends the whole process, whichever thread hit it), and then only the
 * reader dies and the input is refused.
 */
import { unzipSync } from 'fflate';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { deserialize } from 'node:v8';

/** One sheet: rows of cells (string, number, boolean, Date or null); row i is Excel row i + 1. */
export interface WorkbookSheet {
	sheet: string;
	data: unknown[][];
}

export class WorkbookError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'WorkbookError';
	}
}

/** read-excel-file's CommonJS build for Node, resolved from here so any cwd works. */
const READER = createRequire(import.meta.url).resolve('read-excel-file/node');

// A CommonJS reader: the workbook on stdin, the sheets (or the error) on stdout, serialised
// by V8 so that dates stay dates.
const READER_SOURCE = `
const { serialize } = require('node:v8');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
	const reply = (message) => process.stdout.write(serialize(message));
	try {
		require(process.argv[1])(Buffer.concat(chunks)).then(
			(sheets) => reply({ sheets }),
			(error) => reply({ error: String((error && error.message) || error) })
		);
	} catch (error) {
		reply({ error: String((error && error.message) || error) });
	}
});
`;

/** Excel's own limits (XFD1048576), and what a feed's workbook may ask us to hold. */
const MAX_ROW = 1_048_576;
const MAX_COLUMN = 16_384;
/** Rows × columns of the largest sheet read: a 220 × 220 matrix is 48,400. */
const MAX_CELLS = 4_000_000;
const MAX_SHEET_XML_BYTES = 64 * 1024 * 1024;

const columnNumber = (letters: string) =>
	[...letters].reduce((n, letter) => n * 26 + letter.charCodeAt(0) - 64, 0);

/**
 * Refuses a workbook whose sheets would make read-excel-file build a huge dense grid: it reads
 * any letters as a column and any number as a row, and one cell at `ZZZZZZZ3` made V8 abort
 * the whole process (not just the reading thread) with a fatal "invalid size error". Cell and
 * row references are checked against Excel's limits, the sheet's area against MAX_CELLS, and
 * the sheets' unpacked size against MAX_SHEET_XML_BYTES, before anything is read.
 */
export function checkWorkbookBounds(bytes: Uint8Array): void {
	let sheets: Record<string, Uint8Array>;
	try {
		sheets = unzipSync(bytes, {
			filter(file) {
				if (!/^xl\/worksheets\/[^/]+\.xml$/.test(file.name)) return false;
				if (file.originalSize > MAX_SHEET_XML_BYTES) {
					throw new WorkbookError(`${file.name} unpacks to more than ${MAX_SHEET_XML_BYTES} bytes`);
				}
				return true;
			}
		});
	} catch (err) {
		if (err instanceof WorkbookError) throw err;
		throw new WorkbookError(`not a zip archive (${(err as Error).message})`);
	}
	for (const [name, data] of Object.entries(sheets)) {
		const xml = new TextDecoder().decode(data);
		let rows = 0;
		let columns = 0;
		// <c r="B7">, <row r='7'>, <dimension ref="A1:HZ220">: every reference the reader parses.
		for (const [, tag, , doubleQuoted, singleQuoted] of xml.matchAll(
			/<(c|row|dimension)\b[^>]*?\s(r|ref)\s*=\s*(?:"([^"]*)"|'([^']*)')/g
		)) {
			const value = doubleQuoted ?? singleQuoted ?? '';
			const references = tag === 'dimension' ? value.split(':') : [value];
			for (const reference of references) {
				if (tag === 'row') {
					if (!/^[1-9]\d{0,6}$/.test(reference) || Number(reference) > MAX_ROW) {
						throw new WorkbookError(`${name}: row "${reference}" is outside a worksheet`);
					}
					rows = Math.max(rows, Number(reference));
					continue;
				}
				const m = /^([A-Z]{1,3})([1-9]\d{0,6})$/.exec(reference);
				if (!m || columnNumber(m[1]!) > MAX_COLUMN || Number(m[2]) > MAX_ROW) {
					throw new WorkbookError(`${name}: cell "${reference}" is outside a worksheet`);
				}
				columns = Math.max(columns, columnNumber(m[1]!));
				rows = Math.max(rows, Number(m[2]));
			}
		}
		if (rows * columns > MAX_CELLS) {
			throw new WorkbookError(
				`${name}: ${rows} rows × ${columns} columns is more than ${MAX_CELLS} cells`
			);
		}
	}
}

/**
 * Every sheet of the workbook, in order. Throws WorkbookError when the bytes are not a
 * readable .xlsx workbook, when its sheets reach past checkWorkbookBounds, or when reading
 * takes longer than `timeoutMs`.
 */
export function readWorkbookSync(bytes: Uint8Array, timeoutMs = 60_000): WorkbookSheet[] {
	checkWorkbookBounds(bytes);
	const run = spawnSync(
		process.execPath,
		['--max-old-space-size=1024', '-e', READER_SOURCE, READER],
		{
			input: bytes,
			timeout: timeoutMs,
			maxBuffer: 512 * 1024 * 1024,
			// The reader needs none of this process's loaders or flags.
			env: { ...process.env, NODE_OPTIONS: '' }
		}
	);
	if (run.error && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
		throw new WorkbookError(`reading the workbook took longer than ${timeoutMs} ms`);
	}
	if (run.status !== 0 || run.stdout.length === 0) {
		const how = run.signal ? `signal ${run.signal}` : `exit code ${run.status}`;
		throw new WorkbookError(`the workbook reader stopped (${how}) on this file`);
	}
	const message = deserialize(run.stdout) as { sheets: WorkbookSheet[] } | { error: string };
	if ('error' in message) throw new WorkbookError(message.error);
	return message.sheets;
}
