import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import readXlsxFile from 'read-excel-file/node';
import { describe, expect, it } from 'vitest';
import { REFERENCE_COUNTRIES } from '../../src/lib/server/db/reference/countries.generated.ts';
import {
	columnLetter,
	parseBilateralRemittances,
	parseRemittanceSheets
} from '../../src/lib/server/ingest/feeds/bilateralRemittances.ts';
import {
	foldName,
	NON_COUNTRY_BUCKETS,
	resolveWorldBankName,
	WORLD_BANK_ALIASES
} from '../../src/lib/server/ingest/feeds/worldBankNames.ts';
import { formatProblem } from '../../src/lib/server/ingest/problem.ts';
import { readWorkbookSync } from '../../src/lib/server/ingest/workbook.ts';
import { ROOT } from '../support/server.ts';

const REMITTANCES = join(
	ROOT,
	'data',
	'worldbank-bilateral',
	'WB_Bilateral_Remittance_Estimates_2017.xlsx'
);
/** The migrant-stock matrix is not app data: a test fixture (see tests/fixtures/README.md). */
const MIGRANT_STOCKS = join(
	ROOT,
	'tests',
	'fixtures',
	'worldbank-bilateral',
	'WB_Bilateral_Estimates_Migrant_Stocks_2017.xlsx'
);
const ctx = { file: 'wb.xlsx', resolveCountry: () => null };
const ISO3 = new Set(REFERENCE_COUNTRIES.map((c) => c.iso3));

/** Country names of a matrix sheet: its header after the corner cell, and column A's rows. */
async function matrixNames(path: string): Promise<string[]> {
	const [sheet] = await readXlsxFile(readFileSync(path));
	const data = sheet!.data;
	const header = data[1]!.slice(1).map(String);
	const rows: string[] = [];
	for (const row of data.slice(2)) {
		if (String(row[0]).toLowerCase() === 'world') break;
		rows.push(String(row[0]));
	}
	return [...new Set([...header.filter((n) => n.toLowerCase() !== 'world'), ...rows])];
}

describe('World Bank names', () => {
	it('maps every country name of both 2017 matrices; only Other North/South are not countries', async () => {
		const remittanceNames = await matrixNames(REMITTANCES);
		const migrantNames = await matrixNames(MIGRANT_STOCKS);
		expect(remittanceNames).toHaveLength(214);
		expect(migrantNames).toHaveLength(216);
		const unmapped: string[] = [];
		const buckets: string[] = [];
		const codes = new Map<string, string>();
		for (const name of new Set([...remittanceNames, ...migrantNames])) {
			const resolved = resolveWorldBankName(name);
			if (!resolved) unmapped.push(name);
			else if (resolved.kind === 'bucket') buckets.push(name);
			else {
				expect(ISO3.has(resolved.iso3), `${name} → ${resolved.iso3}`).toBe(true);
				expect(codes.get(resolved.iso3), `${name} and another name → ${resolved.iso3}`).toBe(
					undefined
				);
				codes.set(resolved.iso3, name);
			}
		}
		expect(unmapped).toEqual([]);
		expect(buckets.sort()).toEqual(['Other North', 'Other South']);
		expect(codes.size).toBe(214);
	});

	it.each([
		['Swaziland', 'SWZ'],
		['Macedonia, FYR', 'MKD'],
		['Bahamas, The', 'BHS'],
		['Congo, Dem. Rep.', 'COD'],
		['Congo, Rep.', 'COG'],
		['Egypt, Arab Rep.', 'EGY'],
		['Virgin Islands (U.S.)', 'VIR'],
		['West Bank and Gaza', 'PSE'],
		['Kosovo', 'XKX'],
		['Channel Islands', 'CHI'],
		['Curacao', 'CUW'],
		["Cote d'Ivoire", 'CIV'],
		['Sao Tome and Principe', 'STP'],
		['Korea, Dem. Rep.', 'PRK'],
		['Korea, Rep.', 'KOR'],
		['Micronesia, Fed. Sts.', 'FSM'],
		['St. Kitts and Nevis', 'KNA'],
		['Turkey', 'TUR'],
		['Czech Republic', 'CZE'],
		['Eswatini', 'SWZ'],
		['Türkiye', 'TUR'],
		['CÔTE D’IVOIRE', 'CIV'],
		['  Mexico ', 'MEX']
	])('%s → %s', (name, iso3) => {
		expect(resolveWorldBankName(name)).toMatchObject({ kind: 'country', iso3 });
	});

	it('looks in table names first, then ISO names, then the aliases', () => {
		expect(resolveWorldBankName('Korea, Rep.')).toMatchObject({ via: 'wbName' });
		expect(resolveWorldBankName('Bahamas')).toMatchObject({ iso3: 'BHS', via: 'name' });
		expect(resolveWorldBankName('Swaziland')).toMatchObject({ via: 'alias' });
		expect(resolveWorldBankName('Other South')).toEqual({ kind: 'bucket' });
		expect(resolveWorldBankName('Atlantis')).toBeNull();
		expect(resolveWorldBankName('')).toBeNull();
		expect(resolveWorldBankName('WORLD')).toBeNull();
	});

	it('keeps aliases to real countries, which no other name contradicts', () => {
		for (const [alias, iso3] of Object.entries(WORLD_BANK_ALIASES)) {
			expect(ISO3.has(iso3), alias).toBe(true);
			// Puerto Rico and Vietnam are also ISO names; the aliases keep them if those change.
			expect(resolveWorldBankName(alias), alias).toMatchObject({ kind: 'country', iso3 });
		}
		for (const bucket of NON_COUNTRY_BUCKETS) expect(resolveWorldBankName(bucket)).not.toBeNull();
		expect(foldName(' São  Tomé ')).toBe('sao tome');
	});
});

describe('parseBilateralRemittances on the real workbook', () => {
	const result = parseBilateralRemittances(readFileSync(REMITTANCES), ctx);

	it('reads it without a problem', () => {
		expect(result.problems.items.map(formatProblem)).toEqual([]);
		expect(result.value.year).toBe(2017);
		expect(result.rowsRead).toBe(214);
		// 11,901 positive cells, less Vanuatu's own cell.
		expect(result.value.corridors).toHaveLength(11_900);
	});

	it('stores whole US$, positive, between two different countries', () => {
		for (const c of result.value.corridors) {
			expect(Number.isInteger(c.value) && c.value > 0).toBe(true);
			expect(c.origin).not.toBe(c.destination);
		}
		const usMex = result.value.corridors.find((c) => c.origin === 'USA' && c.destination === 'MEX');
		expect(usMex?.value).toBe(30_019_187_026);
	});

	it('treats "-" (India↔Pakistan, Israel↔Lebanon) as no estimate', () => {
		const pairs = result.value.corridors.filter(
			(c) =>
				(c.origin === 'IND' && c.destination === 'PAK') ||
				(c.origin === 'PAK' && c.destination === 'IND') ||
				(c.origin === 'ISR' && c.destination === 'LBN') ||
				(c.origin === 'LBN' && c.destination === 'ISR')
		);
		expect(pairs).toEqual([]);
	});

	it('refuses text and bytes that are no workbook', () => {
		expect(parseBilateralRemittances('a,b\n1,2', ctx).problems.items.map(formatProblem)).toEqual([
			'wb.xlsx:0: input: expected the bytes of an .xlsx workbook, got text'
		]);
		const junk = parseBilateralRemittances(new TextEncoder().encode('not a zip'), ctx);
		expect(junk.problems.items.map(formatProblem)).toEqual([
			expect.stringMatching(/^wb\.xlsx:0: workbook: not a readable \.xlsx workbook \(.+\)$/)
		]);
	});
});

describe('parseRemittanceSheets', () => {
	const TITLE =
		'Bilateral Remittance Estimates for 2017 using Migrant Stocks, Host Country Incomes, and Origin Country Incomes (millions of US$) (April 2018 Version)';
	const CORNER = 'receiving (across) / sending (down) ';
	/** A small matrix in the workbook's layout; `edit` changes its cells first. */
	const sheet = (
		edit: (rows: unknown[][]) => void = () => {},
		name = 'Bilateral_Remittances_2017'
	) => {
		const rows: unknown[][] = [
			[TITLE, null, null, null, null],
			[CORNER, 'India', 'Mexico', 'Swaziland', 'WORLD'],
			['India', 0, 0, 0.5, 0.5],
			['Mexico', 1.25, 0, '-', 1.25],
			['United States', 12.5, 30019.187026, 0, 30031.687026],
			['WORLD', 13.75, 30019.187026, 0.5, 30033.437026],
			[null, null, null, null, null],
			['Notes:', null, null, null, null],
			['These estimates are based on …', null, null, null, null]
		];
		edit(rows);
		return [
			{ sheet: name, data: rows },
			{ sheet: 'remshare', data: [['not World Bank data']] }
		];
	};
	const parse = (sheets: ReturnType<typeof sheet>) => parseRemittanceSheets(sheets, 'wb.xlsx');
	const messages = (sheets: ReturnType<typeof sheet>) =>
		parse(sheets).problems.items.map(formatProblem);

	it('reads corridors in whole US$, skipping zeros, "-", totals and notes', () => {
		const result = parse(sheet());
		expect(result.problems.empty).toBe(true);
		expect(result.rowsRead).toBe(3);
		expect(result.value).toEqual({
			year: 2017,
			corridors: [
				{ origin: 'MEX', destination: 'IND', value: 1_250_000 },
				{ origin: 'USA', destination: 'IND', value: 12_500_000 },
				{ origin: 'USA', destination: 'MEX', value: 30_019_187_026 },
				{ origin: 'IND', destination: 'SWZ', value: 500_000 }
			]
		});
	});

	it('names the Excel row and the column letter with the receiving country', () => {
		expect(columnLetter(0)).toBe('A');
		expect(columnLetter(25)).toBe('Z');
		expect(columnLetter(26)).toBe('AA');
		expect(columnLetter(126)).toBe('DW');
		const bad = sheet((rows) => {
			rows[3]![1] = -1.5;
			rows[4]![2] = 'n/a';
			rows[4]![0] = 'Atlantis';
			rows[1]![3] = 'Ruritania';
		});
		expect(messages(bad)).toEqual([
			'wb.xlsx:2: receiving D: unknown country name "Ruritania"',
			'wb.xlsx:4: B "India": -1.5 is negative: remittances cannot be below 0',
			'wb.xlsx:5: sending A: unknown country name "Atlantis"',
			'wb.xlsx:5: C "Mexico": "n/a" is not a number of US$ millions'
		]);
	});

	it('refuses a country named twice, under the same or another name', () => {
		const twice = sheet((rows) => {
			rows[1]![3] = 'Mexico';
			rows[4]![0] = 'Hindustan';
			rows.splice(5, 0, ['Eswatini', 0, 0, 0, 0], ['Swaziland', 0, 0, 0, 0]);
		});
		expect(messages(twice)).toEqual([
			'wb.xlsx:2: receiving D: "Mexico" already appears in column C',
			'wb.xlsx:5: sending A: unknown country name "Hindustan"',
			'wb.xlsx:7: sending A: "Swaziland" is SWZ, like "Eswatini" in row 6'
		]);
	});

	it('ignores the non-country buckets, and a country’s own cell', () => {
		const result = parse(
			sheet((rows) => {
				rows[1]![3] = 'Other North';
				rows[2]![1] = 9;
			})
		);
		expect(result.problems.empty).toBe(true);
		expect(result.value.corridors.map((c) => `${c.origin}>${c.destination}`)).toEqual([
			'MEX>IND',
			'USA>IND',
			'USA>MEX'
		]);
	});

	it('refuses a workbook whose matrix it cannot find or read', () => {
		expect(messages(sheet(undefined, 'Bilateral_Migration_2017'))).toEqual([
			'wb.xlsx:0: sheet: no sheet "Bilateral_Remittances_<year>" such as "Bilateral_Remittances_2017" (sheets: "Bilateral_Migration_2017", "remshare")'
		]);
		expect(
			messages(sheet((rows) => (rows[1]![0] = 'destination (across) / origin (down) ')))
		).toEqual([
			'wb.xlsx:2: A: expected "receiving (across) / sending (down)", found "destination (across) / origin (down)"'
		]);
		expect(
			messages(sheet((rows) => (rows[0]![0] = 'Bilateral Remittances (thousands of US$)')))
		).toEqual([
			'wb.xlsx:1: A: the title does not name the year ("… for 2017 …"): "Bilateral Remittances (thousands of US$)"',
			'wb.xlsx:1: A: the title does not give the unit "(millions of US$)": "Bilateral Remittances (thousands of US$)"'
		]);
		expect(messages(sheet((rows) => (rows[0]![0] = TITLE.replace('2017', '2018'))))).toEqual([
			'wb.xlsx:1: A: the title says 2018 but the sheet is "Bilateral_Remittances_2017"'
		]);
		expect(messages(sheet((rows) => (rows[1]![4] = 'Total')))).toEqual([
			'wb.xlsx:2: header: no WORLD column after the receiving countries'
		]);
		expect(messages(sheet((rows) => rows.splice(5)))).toEqual([
			'wb.xlsx:5: sending A: no WORLD totals row after the sending countries (where the matrix ends)'
		]);
	});

	// Found by fuzzing (feedFuzzWorkbook.test.ts). A date-styled cell whose serial is past
	// JavaScript's dates (<v>1e300</v>) reads as an Invalid Date, on which toISOString threw a
	// RangeError; 1e308 millions was stored as an infinite number of dollars; a name with a
	// line break split its message in two.
	it('refuses invalid dates and too large values, and keeps messages on one line', () => {
		const bad = sheet((rows) => {
			rows[2]![2] = new Date(Number.NaN);
			rows[3]![1] = 1e308;
			rows[4]![3] = 9.1e9;
			rows[4]![0] = 'Ruri\ntania';
		});
		expect(messages(bad)).toEqual([
			'wb.xlsx:3: C "Mexico": "Invalid Date" is not a number of US$ millions',
			'wb.xlsx:4: B "India": 1e+308 is too large (more than 9007199254 US$ millions)',
			'wb.xlsx:5: sending A: unknown country name "Ruri\\ntania"',
			'wb.xlsx:5: D "Swaziland": 9100000000 is too large (more than 9007199254 US$ millions)'
		]);
		// Just below 2^53 whole dollars is still a corridor.
		const largest = parse(sheet((rows) => (rows[3]![3] = 9007199254.74099)));
		expect(largest.problems.empty).toBe(true);
		expect(largest.value.corridors).toContainEqual({
			origin: 'MEX',
			destination: 'SWZ',
			value: 9007199254740990
		});
	});
});

describe('a hostile workbook', () => {
	/** The bundled workbook with the first cell reference of its matrix sheet rewritten. */
	function withReference(reference: string): Uint8Array {
		const parts = unzipSync(new Uint8Array(readFileSync(REMITTANCES)));
		const sheet = 'xl/worksheets/sheet1.xml';
		const xml = strFromU8(parts[sheet]!).replace(/<c r="[A-Z]+\d+"/, `<c r=${reference}`);
		parts[sheet] = strToU8(xml);
		return zipSync(parts);
	}

	it('is refused, not read, when a cell lies far outside a worksheet', () => {
		// read-excel-file would build a grid of billions of cells: V8 aborted the process.
		for (const [reference, what] of [
			['"ZZZZZZZ3"', 'cell "ZZZZZZZ3" is outside a worksheet'],
			["'A99999999'", 'cell "A99999999" is outside a worksheet'],
			['"XFD1048576"', 'rows × 16384 columns is more than']
		]) {
			const { problems } = parseBilateralRemittances(withReference(reference!), ctx);
			expect(problems.items.map(formatProblem).join('\n')).toContain(what!);
		}
	});

	it('is refused up front when a reference hides behind an entity', () => {
		const { problems } = parseBilateralRemittances(withReference('"&#90;ZZZZZZ3"'), ctx);
		expect(problems.items.map(formatProblem)).toEqual([
			'wb.xlsx:0: workbook: not a readable .xlsx workbook (xl/worksheets/sheet1.xml: cell "&#90;ZZZZZZ3" is outside a worksheet)'
		]);
	});

	it('is read in a process of its own, stopped when it takes too long', () => {
		expect(() => readWorkbookSync(readFileSync(REMITTANCES), 30)).toThrow(
			/reading the workbook took longer than 30 ms/
		);
		// The reader is a process: this one goes on and reads the next workbook.
		expect(readWorkbookSync(readFileSync(REMITTANCES)).length).toBeGreaterThan(0);
	});
});
