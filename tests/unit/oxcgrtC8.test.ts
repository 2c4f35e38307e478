import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOxcgrtC8 } from '../../src/lib/server/ingest/feeds/oxcgrtC8.ts';
import { formatProblem } from '../../src/lib/server/ingest/problem.ts';
import { C8_SNAPSHOT } from '../support/server.ts';
import { headRows, readGrid, toBareNA, toVintage2020 } from '../support/c8Variants.ts';

const snapshot = readFileSync(C8_SNAPSHOT, 'utf8');
const KNOWN = new Set(['ABW', 'AFG', 'AGO', 'ALB', 'AND', 'ARE', 'COM', 'ITA', 'NAM', 'XKX']);
const resolveCountry = (code: string) => (code === 'RKS' ? 'XKX' : KNOWN.has(code) ? code : null);
const parse = (text: string) => parseOxcgrtC8(text, { file: 'c8.csv', resolveCountry });
const messages = (text: string) => parse(text).problems.items.map(formatProblem);

// Real lines from the snapshot, cut to the first days.
const HEADER = '"","country_code","country_name","01Jan2020","02Jan2020","03Jan2020"';
const ABW = '"1","ABW","Aruba","0","0","0"';
const AFG = '"2","AFG","Afghanistan","0","0","0"';
const COM = '"39","COM","Comoros","","",""';
const RKS = '"141","RKS","Kosovo","0","0","0"';

describe('parseOxcgrtC8 on the real snapshot', () => {
	const result = parseOxcgrtC8(snapshot, { file: 'c8.csv', resolveCountry: (c) => c });

	it('reads every row and day', () => {
		expect(result.problems.items).toEqual([]);
		expect(result.rowsRead).toBe(187);
		expect(result.value.days).toHaveLength(547);
		expect(result.value.days[0]).toBe('2020-01-01');
		expect(result.value.days.at(-1)).toBe('2021-06-30');
	});

	it('keeps missing cells as null and levels as numbers', () => {
		const comoros = result.value.rows.find((r) => r.iso3 === 'COM')!;
		expect(comoros.levels.every((l) => l === null)).toBe(true);
		const missing = result.value.rows.flatMap((r) => r.levels).filter((l) => l === null);
		expect(missing).toHaveLength(1094); // as documented for this snapshot
		const italy = result.value.rows.find((r) => r.iso3 === 'ITA')!;
		expect(italy.line).toBeGreaterThan(1);
		expect(italy.levels.every((l) => l === null || (l >= 0 && l <= 4))).toBe(true);
	});

	it('reads each later formatting of the same data to the same values', () => {
		for (const variant of [toVintage2020(snapshot), toBareNA(snapshot)]) {
			const other = parseOxcgrtC8(variant, { file: 'v.csv', resolveCountry: (c) => c });
			expect(other.problems.items).toEqual([]);
			expect(other.value.days).toEqual(result.value.days);
			expect(other.value.rows.map((r) => [r.iso3, r.levels])).toEqual(
				result.value.rows.map((r) => [r.iso3, r.levels])
			);
		}
	});
});

describe('parseOxcgrtC8 variants', () => {
	it('maps OxCGRT RKS to Kosovo XKX and keeps the written code', () => {
		const rows = parse([HEADER, RKS].join('\n')).value.rows;
		expect(rows).toEqual([{ line: 2, iso3: 'XKX', code: 'RKS', levels: [0, 0, 0] }]);
	});

	it('accepts bare cells, NA, "." and empty for missing, any month case, CRLF and a BOM', () => {
		const text =
			'\uFEFF,,,01jan2020,02JAN2020,03Jan2020\r\n1,ABW,Aruba,NA,.,3\r\n2,AFG,Afghanistan,,"",4\r\n';
		const { value, problems } = parse(text);
		expect(problems.items).toEqual([]);
		expect(value.days).toEqual(['2020-01-01', '2020-01-02', '2020-01-03']);
		expect(value.rows.map((r) => [r.iso3, r.levels])).toEqual([
			['ABW', [null, null, 3]],
			['AFG', [null, null, 4]]
		]);
	});

	it('finds the code column by name or, in unnamed headers, by its contents', () => {
		const named = 'CountryName,CountryCode,01Jan2020\nAruba,ABW,1\n';
		expect(parse(named).value.rows[0]).toMatchObject({ iso3: 'ABW', levels: [1] });
		const unnamed = ',,01Jan2020\nAruba,ABW,2\n';
		expect(parse(unnamed).value.rows[0]).toMatchObject({ iso3: 'ABW', levels: [2] });
	});

	it('keeps a country with no values (Comoros) as all missing', () => {
		expect(parse([HEADER, COM].join('\n')).value.rows[0]!.levels).toEqual([null, null, null]);
	});
});

describe('parseOxcgrtC8 defects, each named by file, line and field', () => {
	it('level 5', () => {
		const text = [HEADER, ABW, '"2","AFG","Afghanistan","0","5","0"'].join('\n');
		expect(messages(text)).toEqual(['c8.csv:3: 02Jan2020: "5" is not a C8 level (0–4 or missing)']);
	});

	it('a value that is not a level at all', () => {
		expect(messages([HEADER, '"1","ABW","Aruba","0","x","-1"'].join('\n'))).toEqual([
			'c8.csv:2: 02Jan2020: "x" is not a C8 level (0–4 or missing)',
			'c8.csv:2: 03Jan2020: "-1" is not a C8 level (0–4 or missing)'
		]);
	});

	it('a short row', () => {
		expect(messages([HEADER, ABW, '"2","AFG","Afghanistan","0","0"'].join('\n'))).toEqual([
			'c8.csv:3: row: expected 6 cells like the header, found 5'
		]);
	});

	it('a bad date header', () => {
		const bad = HEADER.replace('02Jan2020', '31Feb2020');
		expect(messages([bad, ABW].join('\n'))).toEqual([
			'c8.csv:1: column 5 "31Feb2020": not a date in DDMonYYYY form'
		]);
		const dup = HEADER.replace('03Jan2020', '02Jan2020');
		expect(messages([dup, ABW].join('\n'))[0]).toMatch(/day 2020-01-02 appears twice/);
	});

	it('an unknown country', () => {
		expect(messages([HEADER, ABW, '"3","XYZ","Atlantis","0","0","0"'].join('\n'))).toEqual([
			'c8.csv:3: country_code: unknown country code "XYZ"'
		]);
	});

	it('a country twice', () => {
		expect(messages([HEADER, ABW, AFG, ABW.replace('"1"', '"3"')].join('\n'))).toEqual([
			'c8.csv:4: country_code: ABW already appears on line 2'
		]);
	});

	it('no day columns, or an empty file', () => {
		expect(messages('"","country_code","country_name"\n"1","ABW","Aruba"\n')).toEqual([
			'c8.csv:1: header: no day columns (expected headers like 01Jan2020)'
		]);
		expect(messages('')).toEqual(['c8.csv:0: header: the file is empty']);
	});

	it('broken quoting is reported with its line', () => {
		const text = [HEADER, ABW, '"2","AFG","Afgh"anistan","0","0","0"'].join('\n');
		expect(messages(text)[0]).toMatch(/^c8\.csv:3: csv: /);
	});

	it('counts every problem but keeps a bounded list', () => {
		const grid = readGrid(headRows(snapshot, 5));
		const broken = [
			grid[0]!.join(','),
			...grid.slice(1).map((r) => r.map((c, i) => (i > 2 ? '9' : c)).join(','))
		].join('\n');
		const { problems } = parseOxcgrtC8(broken, { file: 'c8.csv', resolveCountry: (c) => c });
		expect(problems.total).toBe(5 * 547);
		expect(problems.items.length).toBe(200);
	});

	// Found while fuzzing (feedFuzz.test.ts): a level under a header that is no day had an empty
	// field ("c8.csv:2: : …"), and cells with line breaks split a message over several lines.
	it('names a level under a header that is no day by its column', () => {
		expect(messages('country_code,01Jan2020,\nABW,1,x\n')).toEqual([
			'c8.csv:1: column 3 "": not a date in DDMonYYYY form',
			'c8.csv:2: column 3: "x" is not a C8 level (0–4 or missing)'
		]);
	});

	it('shows cells with line breaks escaped, one message per line', () => {
		expect(messages('country_code,01Jan2020,"02\nJan2020"\n"AB\nW",1,1\nABW,"1\n2",1\n')).toEqual([
			'c8.csv:2: column 3 "02\\nJan2020": not a date in DDMonYYYY form',
			'c8.csv:4: country_code: unknown country code "AB\\nW"',
			'c8.csv:6: 01Jan2020: "1\\n2" is not a C8 level (0–4 or missing)'
		]);
	});
});

describe('line numbers in messages', () => {
	it('count a CR LF as one line wherever it stands', () => {
		const ctx = { file: 'c8.csv', resolveCountry: (c: string) => (c === 'ABW' ? 'ABW' : null) };
		// An LF header, then CR LF rows; then a CR LF file with a line break inside a quoted cell.
		const mixed = parseOxcgrtC8('country_code,01Jan2020\nXYZ,1\r\nABW,x\r\n', ctx);
		expect(mixed.problems.items.map((p) => p.line)).toEqual([2, 3]);
		const quoted = parseOxcgrtC8(
			'country_code,country_name,01Jan2020\r\n"XYZ","A\r\nB",1\r\nABW,Aruba,x\r\n',
			ctx
		);
		// A record is named by the line it ends on: XYZ's spans lines 2 and 3.
		expect(quoted.problems.items.map((p) => p.line)).toEqual([3, 4]);
		expect(quoted.problems.items.map(formatProblem).every((m) => !/[\r\n]/.test(m))).toBe(true);
	});
});
