/**
 * Property-based fuzzing of the binary feed (bilateral-remittances, an .xlsx workbook read in a
 * worker thread) and of the ingest runner with it, from a small workbook of real cells of the
 * bundled 2017 matrix (data/worldbank-bilateral).
 *
 * Inputs: the matrix with cells, rows, columns, title or sheet names changed, written as a new
 * workbook; the workbook's sheet XML with bytes flipped, inserted or deleted and re-zipped with
 * valid checksums (so the damage reaches the XML reader, not the zip check); the zip truncated
 * or with bytes flipped in its headers; random bytes and text. Every read starts a worker, so
 * the run counts are small.
 *
 * Seeds are random on every run; on a failure fast-check prints the seed, the path and the
 * minimal counterexample, and `fc.assert(…, { seed, path })` replays it.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import readXlsxFile from 'read-excel-file/node';
import writeXlsxFile, { type SheetData } from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import { bilateralRemittancesFeed } from '../../src/lib/server/ingest/feeds/bilateralRemittancesFeed.ts';
import { formatProblem, type IngestProblem } from '../../src/lib/server/ingest/problem.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { dumpContent } from '../support/db.ts';
import { ingestOnCopy as ingestOnSeededCopy } from '../support/ingestProperty.ts';
import { ROOT, tempDir } from '../support/server.ts';

/** FUZZ_SCALE=10 runs ten times as many cases (for a deeper search than the suite's). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const FILE = 'fuzz-input.xlsx';
const SHEET = 'Bilateral_Remittances_2017';
const feed = bilateralRemittancesFeed;
const ctx = { file: FILE, resolveCountry: () => null };

// --- the real seed ---------------------------------------------------------------------------

type Cell = string | number | boolean | Date | null;
type Matrix = Cell[][];

/** Senders and receivers with real corridors, an alias (Swaziland) and a country's own cell. */
const SENDING = ['United States', 'Saudi Arabia', 'Germany', 'Kosovo', 'India', 'Vanuatu'];
const RECEIVING = [
	'India',
	'Mexico',
	'Philippines',
	'Kosovo',
	'Swaziland',
	'Korea, Rep.',
	'Vanuatu'
];

/** The real matrix cut to SENDING × RECEIVING, with its title, WORLD totals and notes. */
async function realExtract(): Promise<Matrix> {
	const path = join(
		ROOT,
		'data',
		'worldbank-bilateral',
		'WB_Bilateral_Remittance_Estimates_2017.xlsx'
	);
	const sheets = await readXlsxFile(readFileSync(path));
	const data = sheets.find((s) => s.sheet === SHEET)!.data as Cell[][];
	const header = data[1]!;
	const columns = [0, ...RECEIVING.map((n) => header.indexOf(n))];
	columns.push(header.findIndex((c) => c === 'WORLD'));
	const rowOf = (name: string) => data.findIndex((r) => r[0] === name);
	const rows = [0, 1, ...SENDING.map(rowOf), rowOf('WORLD'), rowOf('WORLD') + 1];
	rows.push(rowOf('Notes:'), rowOf('Notes:') + 1);
	expect(columns.every((c) => c >= 0) && rows.every((r) => r >= 0)).toBe(true);
	return rows.map((r) => columns.map((c) => data[r]![c] ?? null));
}

async function toWorkbook(matrix: Matrix, sheet = SHEET, extra?: string): Promise<Buffer> {
	const sheets = [
		{ sheet, data: matrix as SheetData, dateFormat: 'yyyy-mm-dd' },
		{ sheet: 'remshare', data: [['not World Bank data']] as SheetData }
	];
	if (extra !== undefined)
		sheets.push({ sheet: extra, data: matrix as SheetData, dateFormat: 'yyyy-mm-dd' });
	return writeXlsxFile(sheets).toBuffer();
}

// --- zip: read a workbook's parts, write them back stored (uncompressed) with valid CRCs -----

function unzip(zip: Buffer): Map<string, Buffer> {
	const end = zip.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
	let at = zip.readUInt32LE(end + 16);
	const parts = new Map<string, Buffer>();
	for (let i = zip.readUInt16LE(end + 10); i > 0; i--) {
		const [method, size] = [zip.readUInt16LE(at + 10), zip.readUInt32LE(at + 20)];
		const nameLength = zip.readUInt16LE(at + 28);
		const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
		const local = zip.readUInt32LE(at + 42);
		const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
		const data = zip.subarray(start, start + size);
		parts.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
		at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
	}
	return parts;
}

function zipStored(parts: Map<string, Buffer>): Buffer {
	const chunks: Buffer[] = [];
	const directory: Buffer[] = [];
	let offset = 0;
	for (const [name, data] of parts) {
		const fileName = Buffer.from(name, 'utf8');
		const crc = crc32(data);
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(data.length, 18);
		local.writeUInt32LE(data.length, 22);
		local.writeUInt16LE(fileName.length, 26);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(20, 4);
		central.writeUInt16LE(20, 6);
		central.writeUInt32LE(crc, 16);
		central.writeUInt32LE(data.length, 20);
		central.writeUInt32LE(data.length, 24);
		central.writeUInt16LE(fileName.length, 28);
		central.writeUInt32LE(offset, 42);
		chunks.push(local, fileName, data);
		directory.push(central, fileName);
		offset += 30 + fileName.length + data.length;
	}
	const dir = Buffer.concat(directory);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(parts.size, 8);
	end.writeUInt16LE(parts.size, 10);
	end.writeUInt32LE(dir.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...chunks, dir, end]);
}

const SHEET_XML = 'xl/worksheets/sheet1.xml';
const STRINGS_XML = 'xl/sharedStrings.xml';

// --- mutations ---------------------------------------------------------------------------------

const cellValue: fc.Arbitrary<Cell> = fc.oneof(
	fc.constantFrom<Cell>(0, 1, 1.5, 30019.187, 5e-7, 4e-7, -1, -0.5, 1e308, 9.1e9, 1e-300),
	fc.double({ noNaN: true, noDefaultInfinity: true }),
	fc.constantFrom<Cell>('', ' ', '-', '..', 'NA', '1,000', '12.5', 'WORLD', 'world', 'Notes:'),
	fc.constantFrom<Cell>('Swaziland', 'Eswatini', 'Kosovo', 'Other North', 'Atlantis', 'India'),
	fc.constantFrom<Cell>('  Mexico ', 'a\nb', '"', 'receiving (across) / sending (down)'),
	fc.string({ unit: 'grapheme', maxLength: 10 }),
	fc.boolean(),
	fc.constant(null),
	fc.date({ min: new Date('1900-03-01'), max: new Date('2100-01-01'), noInvalidDate: true })
);

type MatrixEdit =
	| { op: 'set'; row: number; col: number; value: Cell }
	| { op: 'dropRow' | 'duplicateRow' | 'dropColumn' | 'duplicateColumn'; at: number }
	| { op: 'swapRows'; a: number; b: number }
	| { op: 'title'; text: string };

const matrixEdit: fc.Arbitrary<MatrixEdit> = fc.oneof(
	{
		weight: 5,
		arbitrary: fc.record({
			op: fc.constant('set' as const),
			row: fc.nat(),
			col: fc.nat(),
			value: cellValue
		})
	},
	fc.record({
		op: fc.constantFrom(
			'dropRow' as const,
			'duplicateRow' as const,
			'dropColumn' as const,
			'duplicateColumn' as const
		),
		at: fc.nat()
	}),
	fc.record({ op: fc.constant('swapRows' as const), a: fc.nat(), b: fc.nat() }),
	fc.record({
		op: fc.constant('title' as const),
		text: fc.oneof(
			fc.constantFrom(
				'Bilateral Remittance Estimates for 2018 (millions of US$)',
				'Bilateral Remittance Estimates for 2017 (thousands of US$)',
				'for 2017 (millions of US$)',
				''
			),
			fc.string({ maxLength: 40 })
		)
	})
);

function editMatrix(matrix: Matrix, e: MatrixEdit): Matrix {
	const rows = matrix.map((r) => [...r]);
	const width = Math.max(1, ...rows.map((r) => r.length));
	if (e.op === 'set') rows[e.row % rows.length]![e.col % width] = e.value;
	else if (e.op === 'dropRow') rows.splice(e.at % rows.length, 1);
	else if (e.op === 'duplicateRow') rows.splice(e.at % rows.length, 0, rows[e.at % rows.length]!);
	else if (e.op === 'swapRows') {
		const [a, b] = [e.a % rows.length, e.b % rows.length];
		[rows[a], rows[b]] = [rows[b]!, rows[a]!];
	} else if (e.op === 'title') rows[0]![0] = e.text;
	else {
		const c = e.at % width;
		for (const r of rows) {
			if (e.op === 'dropColumn') r.splice(c, 1);
			else r.splice(c, 0, r[c] ?? null);
		}
	}
	return rows.length > 0 ? rows : [[null]];
}

type ByteEdit =
	| { op: 'flip'; at: number; mask: number }
	| { op: 'insert'; at: number; text: string }
	| { op: 'delete'; at: number; length: number }
	| { op: 'truncate'; at: number };

const XML_TOKENS = [
	...['<', '>', '/', '"', "'", '=', '&', '&amp;', '&#10;', '&#0;', ']]>', '<!--', '-->', ' '],
	...['<v>-1</v>', '<v>1e999</v>', '<v>NaN</v>', '<v></v>', '<v>99</v>', '<v>7.5</v>'],
	...[' t="s"', ' t="str"', ' t="b"', ' t="e"', ' t="d"', ' t="inlineStr"', ' s="1"', ' s="99"'],
	...['<c r="B3"><v>-5</v></c>', '<c r="C4" t="s"><v>0</v></c>', '<row r="2">', '</row>'],
	...['<c r="D5" t="e"><v>#N/A</v></c>', '<c r="B3" t="d"><v>2017-13-45</v></c>', '</c>'],
	...['<c r="B4" s="1"><v>1e300</v></c>', '<si><t>WORLD</t></si>', '<t>a\nb</t>', '\uFEFF']
];

const byteEdit = (tokens: readonly string[]): fc.Arbitrary<ByteEdit> =>
	fc.oneof(
		{
			weight: 3,
			arbitrary: fc.record({
				op: fc.constant('flip' as const),
				at: fc.nat(),
				mask: fc.integer({ min: 1, max: 255 })
			})
		},
		{
			weight: 2,
			arbitrary: fc.record({
				op: fc.constant('insert' as const),
				at: fc.nat(),
				text: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 4 }))
			})
		},
		fc.record({
			op: fc.constant('delete' as const),
			at: fc.nat(),
			length: fc.integer({ min: 1, max: 12 })
		}),
		fc.record({ op: fc.constant('truncate' as const), at: fc.nat() })
	);

function editBytes(input: Buffer, e: ByteEdit, positions?: readonly number[]): Buffer {
	const n = input.length;
	// Targeted edits land on the given positions (the zip's headers), others anywhere.
	const pick = (at: number) =>
		positions?.length ? positions[at % positions.length]! : at % (n + 1);
	if (e.op === 'truncate') return input.subarray(0, pick(e.at));
	if (e.op === 'flip') {
		if (n === 0) return input;
		const copy = Buffer.from(input);
		const i = Math.min(pick(e.at), n - 1);
		copy[i] = copy[i]! ^ e.mask;
		return copy;
	}
	const i = pick(e.at);
	if (e.op === 'insert')
		return Buffer.concat([input.subarray(0, i), Buffer.from(e.text), input.subarray(i)]);
	return Buffer.concat([input.subarray(0, i), input.subarray(i + e.length)]);
}

/** Edits of the sheet XML's cells: the k-th value, or the k-th cell's type and style. */
type XmlEdit =
	| { op: 'value'; k: number; styled: boolean; text: string }
	| { op: 'cellType'; k: number; attrs: string };

const xmlEdit: fc.Arbitrary<XmlEdit> = fc.oneof(
	fc.record({
		op: fc.constant('value' as const),
		k: fc.nat(),
		styled: fc.boolean(),
		text: fc.oneof(
			fc.constantFrom(
				...['1e300', '1e999', '-1', '-0', '0.5', '4e-7', '99999999', '1e15'],
				...['12345678901234567890', 'abc', '', 'NaN', '#N/A', 'TRUE', '99', '2017-13-45', ' 1 ']
			),
			fc.string({ maxLength: 6 }).map((t) => t.replace(/[<&]/g, ''))
		)
	}),
	fc.record({
		op: fc.constant('cellType' as const),
		k: fc.nat(),
		attrs: fc.constantFrom(
			'',
			' t="s"',
			' t="b"',
			' t="e"',
			' t="d"',
			' t="str"',
			' s="1"',
			' s="7"',
			' t="n" s="1"'
		)
	})
);

function editXml(xml: Buffer, e: ByteEdit | XmlEdit): Buffer {
	if (e.op !== 'value' && e.op !== 'cellType') return editBytes(xml, e);
	const text = xml.toString('utf8');
	// A value: of any cell, or of a styled one (in the dated seed, the date: its number is a day).
	const pattern =
		e.op === 'cellType'
			? /<c r="([A-Z]+\d+)"[^>]*>/g
			: e.styled
				? /(<c [^>]*s="[^"]*"[^>]*>)<v>[^<]*<\/v>/g
				: /()<v>[^<]*<\/v>/g;
	const matches = [...text.matchAll(pattern)];
	if (matches.length === 0) return xml;
	const m = matches[e.k % matches.length]!;
	const replacement = e.op === 'value' ? `${m[1]}<v>${e.text}</v>` : `<c r="${m[1]}"${e.attrs}>`;
	return Buffer.from(text.slice(0, m.index) + replacement + text.slice(m.index + m[0].length));
}

/** Offsets inside the zip's local headers, central directory and end record. */
function zipHeaderOffsets(zip: Buffer): number[] {
	const offsets: number[] = [];
	for (const [signature, length] of [
		['PK\x03\x04', 30],
		['PK\x01\x02', 46],
		['PK\x05\x06', 22]
	] as const) {
		for (
			let at = zip.indexOf(signature, 0, 'latin1');
			at >= 0;
			at = zip.indexOf(signature, at + 1, 'latin1')
		) {
			for (let k = 0; k < length; k++) offsets.push(at + k);
		}
	}
	return offsets;
}

/** How to make one input: the arbitraries generate these, the properties build them. */
type Recipe =
	| { kind: 'matrix'; edits: MatrixEdit[]; sheet: string; extra: string | null }
	| { kind: 'xml'; base: 'seed' | 'dated'; part: string; edits: (ByteEdit | XmlEdit)[] }
	| { kind: 'zip'; edits: ByteEdit[]; targeted: boolean }
	| { kind: 'bytes'; bytes: Uint8Array }
	| { kind: 'text'; text: string };

/** Values for the value cells: accepted ones (so that many edits commit), and extreme ones. */
const valueCellValue: fc.Arbitrary<Cell> = fc.oneof(
	fc.constantFrom<Cell>(0, 0.25, 1.5, 30019.187026, 5e-7, 4e-7, '-', '..', null),
	fc.constantFrom<Cell>(1e308, Number.MAX_VALUE, 9.1e9, 9.007199254e9, 1e-300, -0, -1e-9),
	fc.double({ min: 0, noNaN: true, noDefaultInfinity: true })
);
/** Values for the name cells (header row, column A): aliases, buckets, repeats, line breaks. */
const nameCellValue: fc.Arbitrary<Cell> = fc.oneof(
	fc.constantFrom<Cell>('Swaziland', 'Eswatini', 'Kosovo', 'Other North', 'India', '  Mexico '),
	fc.constantFrom<Cell>('Atlantis', 'WORLD', '', 'Notes:', 'a\nb', 'Korea,\r\nRep.', '"Iran"', 0),
	fc.string({ unit: 'grapheme', maxLength: 12 })
);
/** Serial numbers for a date-styled cell: beyond JavaScript's dates, negative, fractional. */
const dateSerial = fc.oneof(
	fc.constantFrom('1e300', '1e999', '-1', '-700000', '99999999', '2958466', '0.5', '1e20', 'x'),
	fc.double({ noNaN: true }).map(String)
);

const recipe: fc.Arbitrary<Recipe> = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('matrix' as const),
			edits: fc.array(matrixEdit, { minLength: 1, maxLength: 5 }),
			sheet: fc.oneof(
				{ weight: 6, arbitrary: fc.constant(SHEET) },
				fc.constantFrom('Bilateral_Remittances_2018', 'Bilateral_Remittances_0000', 'Sheet1')
			),
			extra: fc.option(fc.constantFrom('Bilateral_Remittances_2016', 'Notes'), { freq: 6 })
		})
	},
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('matrix' as const),
			edits: fc.array(
				fc.record({
					op: fc.constant('set' as const),
					row: fc.integer({ min: 2, max: 2 + SENDING.length - 1 }),
					col: fc.integer({ min: 1, max: RECEIVING.length }),
					value: valueCellValue
				}),
				{ minLength: 1, maxLength: 3 }
			),
			sheet: fc.constant(SHEET),
			extra: fc.constant(null)
		})
	},
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant('matrix' as const),
			edits: fc.array(
				fc.oneof(
					fc.record({
						op: fc.constant('set' as const),
						row: fc.constant(1),
						col: fc.integer({ min: 1, max: RECEIVING.length }),
						value: nameCellValue
					}),
					fc.record({
						op: fc.constant('set' as const),
						row: fc.integer({ min: 2, max: 2 + SENDING.length - 1 }),
						col: fc.constant(0),
						value: nameCellValue
					})
				),
				{ minLength: 1, maxLength: 2 }
			),
			sheet: fc.constant(SHEET),
			extra: fc.constant(null)
		})
	},
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('xml' as const),
			base: fc.constantFrom('seed' as const, 'dated' as const),
			part: fc.constantFrom(SHEET_XML, SHEET_XML, STRINGS_XML),
			edits: fc.array(fc.oneof(byteEdit(XML_TOKENS), xmlEdit), { minLength: 1, maxLength: 4 })
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('xml' as const),
			base: fc.constant('dated' as const),
			part: fc.constant(SHEET_XML),
			edits: fc
				.tuple(fc.nat(), dateSerial)
				.map(([k, text]) => [{ op: 'value' as const, k, styled: true, text }])
		})
	},
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant('zip' as const),
			edits: fc.array(byteEdit(['PK', '\0\0\0\0', '\xff\xff']), { minLength: 1, maxLength: 3 }),
			targeted: fc.boolean()
		})
	},
	fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
	fc.record({ kind: fc.constant('text' as const), text: fc.string({ maxLength: 100 }) })
);

let seedMatrix: Matrix;
let seedBytes: Buffer;
let seedParts: Map<string, Buffer>;
/** The seed's parts with one value cell written as a date (styled: its number reads as a Date). */
let datedParts: Map<string, Buffer>;

/** The input a recipe makes. */
async function build(r: Recipe): Promise<Uint8Array | string> {
	switch (r.kind) {
		case 'matrix':
			return toWorkbook(r.edits.reduce(editMatrix, seedMatrix), r.sheet, r.extra ?? undefined);
		case 'xml': {
			const parts = new Map(r.base === 'seed' ? seedParts : datedParts);
			const xml = r.edits.reduce(editXml, parts.get(r.part)!);
			parts.set(r.part, xml);
			return zipStored(parts);
		}
		case 'zip': {
			const offsets = r.targeted ? zipHeaderOffsets(seedBytes) : undefined;
			return r.edits.reduce((b, e) => editBytes(b, e, offsets), seedBytes);
		}
		case 'bytes':
			return r.bytes;
		case 'text':
			return r.text;
	}
}

// --- checks ------------------------------------------------------------------------------------

/** The most rows any sheet of the input has, read in this thread (0 when unreadable). */
async function sheetRows(input: Uint8Array | string): Promise<number> {
	if (typeof input === 'string') return 0;
	try {
		const sheets = await readXlsxFile(Buffer.from(input));
		return Math.max(0, ...sheets.map((s) => s.data.length));
	} catch {
		return 0;
	}
}

/** Every problem names the file, a row of the sheet, a field and a reason, on one line. */
async function checkProblems(problems: readonly IngestProblem[], input: Uint8Array | string) {
	let bound: number | undefined;
	for (const p of problems) {
		const message = formatProblem(p);
		const fail = (what: string) => {
			throw new Error(`${what}: ${JSON.stringify(p)}`);
		};
		if (p.file !== FILE) fail(`the problem does not name ${FILE}`);
		if (!Number.isInteger(p.line) || p.line < 0) fail('no line');
		if (p.line > seedMatrix.length + 1) {
			bound ??= (await sheetRows(input)) + 1;
			if (p.line > bound) fail(`line ${p.line} is below the last row + 1 (${bound})`);
		}
		if (typeof p.field !== 'string' || p.field.trim() === '') fail('no field');
		if (typeof p.reason !== 'string' || p.reason.trim() === '') fail('no reason');
		if (/[\r\n]/.test(message)) fail('the message spans several lines');
		if (!message.startsWith(`${FILE}:${p.line}: ${p.field}: `)) fail('not file:line: field:');
	}
}

beforeAll(async () => {
	seedMatrix = await realExtract();
	seedBytes = await toWorkbook(seedMatrix);
	seedParts = unzip(seedBytes);
	const dated = seedMatrix.map((row) => [...row]);
	dated[3]![2] = new Date('2017-12-31');
	datedParts = unzip(await toWorkbook(dated));
	expect(seedParts.has(SHEET_XML) && seedParts.has(STRINGS_XML)).toBe(true);
	// Rebuilt stored with valid checksums, the seed reads to the same corridors.
	const again = feed.parse(zipStored(seedParts), ctx);
	expect(again.problems.items).toEqual([]);
	expect(again.value).toEqual(feed.parse(seedBytes, ctx).value);
});

// --- property 1: parsing ---------------------------------------------------------------------

describe('bilateral-remittances parse fuzzing', () => {
	it('parses the real extract to real corridors', () => {
		const { value, problems, rowsRead } = feed.parse(seedBytes, ctx);
		expect(problems.items).toEqual([]);
		expect(rowsRead).toBe(SENDING.length);
		expect(value.year).toBe(2017);
		expect(value.corridors).toContainEqual({
			origin: 'USA',
			destination: 'MEX',
			value: 30019187026
		});
	});

	it('never throws; every problem is file:line: field: reason within the sheet', async () => {
		await fc.assert(
			fc.asyncProperty(recipe, async (r) => {
				const input = await build(r);
				const { problems } = feed.parse(input, ctx);
				expect(problems.total).toBeGreaterThanOrEqual(problems.items.length);
				await checkProblems(problems.items, input);
			}),
			{ numRuns: 30 * SCALE }
		);
	});
});

// --- property 2: the ingest runner -------------------------------------------------------------

describe('runIngest fuzzing with workbooks on a seeded SQLite file', () => {
	let dir: string;
	let seedPath: string;
	let seeded: Record<string, unknown[]>;
	const tally = { committed: 0, refused: 0 };

	beforeAll(() => {
		dir = tempDir('crossings-fuzz-');
		seedPath = join(dir, 'seed.db');
		const db = openDatabase(seedPath);
		runIngest(db, feed, { source: 'seed.xlsx', bytes: seedBytes });
		db.pragma('wal_checkpoint(TRUNCATE)');
		seeded = dumpContent(db);
		db.close();
	});
	afterAll(() => {
		console.info('runIngest outcomes', JSON.stringify({ [feed.name]: tally }));
		rmSync(dir, { recursive: true, force: true });
	});

	/** One run on a fresh copy of the seeded file; throws on any broken promise. */
	async function ingestOnCopy(input: Uint8Array | string): Promise<'committed' | 'refused'> {
		const given =
			typeof input === 'string' ? { source: FILE, text: input } : { source: FILE, bytes: input };
		const result = ingestOnSeededCopy({ path: seedPath, content: seeded, dir }, feed, given);
		if (result.outcome === 'refused') await checkProblems(result.problems, input);
		return result.outcome;
	}

	it('commits idempotently or refuses leaving the database as it was', async () => {
		expect(await ingestOnCopy(seedBytes)).toBe('committed');
		await fc.assert(
			fc.asyncProperty(recipe, async (r) => {
				const input = await build(r);
				tally[await ingestOnCopy(input)]++;
			}),
			{ numRuns: 25 * SCALE }
		);
	});
});
