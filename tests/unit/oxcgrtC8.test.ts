import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOxcgrtC8 } from '../../src/lib/server/ingest/feeds/oxcgrtC8.ts';
import { formatProblem } from '../../src/lib/server/ingest/problem.ts';
import { C8_SNAPSHOT } from '../support/server.ts';
import { headRows, readGrid, toBareNA, toVintage2020 } from '../support/c8Variants.ts';

const snapshot = readFileSync(C8_SNAPSHOT, 'utf8');
const KNOWN = new Set([
	...['ABW', 'AFG', 'AGO', 'ALB', 'AND', 'ARE', 'CHN', 'COM', 'GRD', 'ITA', 'NAM', 'NZL', 'XKX']
]);
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
		// The full file: 01Jan2020 … 20Feb2023, one column a day.
		expect(result.value.days).toHaveLength(1147);
		expect(result.value.days[0]).toBe('2020-01-01');
		expect(result.value.days.at(-1)).toBe('2023-02-20');
	});

	it('ends each country on its last day with a value: 2022-12-31 for all but three', () => {
		const lastWithValue = new Map(
			result.value.rows.map((r) => {
				const i = r.levels.findLastIndex((l) => l !== null);
				return [r.iso3, i < 0 ? null : result.value.days[i]!];
			})
		);
		const ends = [...lastWithValue.values()];
		expect(ends.filter((d) => d === '2022-12-31')).toHaveLength(184);
		// China's values go on for eight days of 2023; Grenada's stop on 28Mar2022.
		expect(lastWithValue.get('CHN')).toBe('2023-01-08');
		expect(lastWithValue.get('GRD')).toBe('2022-03-28');
		expect(lastWithValue.get('COM')).toBeNull();
		expect(ends.filter((d) => d !== null && d > '2023-01-08')).toEqual([]);
	});

	it('keeps missing cells as null and levels as numbers', () => {
		const comoros = result.value.rows.find((r) => r.iso3 === 'COM')!;
		expect(comoros.levels.every((l) => l === null)).toBe(true);
		const missing = result.value.rows.flatMap((r) => r.levels).filter((l) => l === null);
		// 1,094 quoted "" to 30Jun2021 (as documented for the old cut), 368 more quoted "" in the
		// rest of 2021, and 10,172 bare NA in 2022–2023 (as documented for the full file).
		expect(missing).toHaveLength(1094 + 368 + 10_172);
		const upTo = (day: string) =>
			result.value.rows.flatMap((r) =>
				r.levels.filter((l, i) => l === null && result.value.days[i]! <= day)
			).length;
		expect(upTo('2021-06-30')).toBe(1094);
		expect(upTo('2021-12-31')).toBe(1094 + 368);
		expect((snapshot.match(/,NA(?=[,\n])/g) ?? []).length).toBe(10_172);
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

// Real lines of the full file's later part, cut to the id columns and a few days: the header
// stays quoted, 2022–2023 cells are bare, and missing is a bare NA (a quoted "" in 2021).
const LATE_HEADER =
	'"","country_code","country_name","30Dec2022","31Dec2022","01Jan2023","02Jan2023","03Jan2023","04Jan2023","05Jan2023","06Jan2023","07Jan2023","08Jan2023","09Jan2023"';
const LATE = {
	CHN: '"33","CHN","China",2,2,2,2,2,2,2,2,2,1,NA',
	COM: '"39","COM","Comoros",NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA',
	GRD: '"68","GRD","Grenada",NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA',
	NZL: '"128","NZL","New Zealand",0,0,NA,NA,NA,NA,NA,NA,NA,NA,NA',
	RKS: '"141","RKS","Kosovo",0,0,NA,NA,NA,NA,NA,NA,NA,NA,NA'
};
const TURN_HEADER =
	'"","country_code","country_name","30Dec2021","31Dec2021","01Jan2022","02Jan2022"';
const TURN = {
	CHN: '"33","CHN","China","2","2",2,2',
	COM: '"39","COM","Comoros","","",NA,NA',
	GRD: '"68","GRD","Grenada","","",3,3',
	NZL: '"128","NZL","New Zealand","4","4",4,4'
};

describe("parseOxcgrtC8 on the full file's later part (bare cells, NA)", () => {
	const lines = snapshot.split('\n');
	/** The snapshot's line for a code, cut like the lines above (no name here holds a comma). */
	const cutLike = (header: string, code: string) => {
		const all = lines[0]!.split(',');
		const first = all.indexOf(header.split(',')[3]!);
		const count = header.split(',').length - 3;
		const cells = lines.find((l) => l.split(',')[1] === `"${code}"`)!.split(',');
		return [...cells.slice(0, 3), ...cells.slice(first, first + count)].join(',');
	};

	it("are the file's own lines", () => {
		expect(cutLike(LATE_HEADER, 'CHN').split(',').slice(0, 3)).toEqual([
			'"33"',
			'"CHN"',
			'"China"'
		]);
		for (const [code, line] of Object.entries(LATE)) expect(cutLike(LATE_HEADER, code)).toBe(line);
		for (const [code, line] of Object.entries(TURN)) expect(cutLike(TURN_HEADER, code)).toBe(line);
	});

	it('reads bare levels and bare NA as missing, never as a problem', () => {
		const { value, problems } = parse([LATE_HEADER, ...Object.values(LATE)].join('\n') + '\n');
		expect(problems.items).toEqual([]);
		expect(value.days).toEqual([
			'2022-12-30',
			'2022-12-31',
			...Array.from({ length: 9 }, (_, i) => `2023-01-0${i + 1}`)
		]);
		expect(Object.fromEntries(value.rows.map((r) => [r.code, r.levels]))).toEqual({
			CHN: [2, 2, 2, 2, 2, 2, 2, 2, 2, 1, null],
			COM: Array(11).fill(null),
			GRD: Array(11).fill(null),
			NZL: [0, 0, ...Array(9).fill(null)],
			RKS: [0, 0, ...Array(9).fill(null)]
		});
	});

	it('reads the turn of 2022, quoted cells then bare ones, and "" then NA, alike', () => {
		const { value, problems } = parse([TURN_HEADER, ...Object.values(TURN)].join('\n'));
		expect(problems.items).toEqual([]);
		expect(value.rows.map((r) => [r.iso3, r.levels])).toEqual([
			['CHN', [2, 2, 2, 2]],
			['COM', [null, null, null, null]],
			['GRD', [null, null, 3, 3]],
			['NZL', [4, 4, 4, 4]]
		]);
	});

	it('still refuses a bare value that is no level, naming its day', () => {
		const bad = LATE.NZL.replace('0,0,NA', '0,5,NA');
		expect(messages([LATE_HEADER, bad].join('\n'))).toEqual([
			'c8.csv:2: 31Dec2022: "5" is not a C8 level (0–4 or missing)'
		]);
		const na = LATE.NZL.replace('0,0,NA', '0,N/A,NA');
		expect(messages([LATE_HEADER, na].join('\n'))).toEqual([
			'c8.csv:2: 31Dec2022: "N/A" is not a C8 level (0–4 or missing)'
		]);
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
		expect(problems.total).toBe(5 * 1147);
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
