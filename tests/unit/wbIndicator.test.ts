import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
	COUNTRY_ALIASES,
	REFERENCE_COUNTRIES,
	WB_AGGREGATES
} from '../../src/lib/server/db/reference/countries.generated.ts';
import { parseGdp } from '../../src/lib/server/ingest/feeds/gdp.ts';
import type { ParseContext } from '../../src/lib/server/ingest/feeds/oxcgrtC8.ts';
import {
	parseWbIndicator,
	type WbIndicatorData,
	type WbPoint
} from '../../src/lib/server/ingest/feeds/wbIndicator.ts';
import { formatProblem } from '../../src/lib/server/ingest/problem.ts';
import { writeGrid } from '../support/c8Variants.ts';
import { ROOT } from '../support/server.ts';

const BX_NAME = 'API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv';
const BM_NAME = 'API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv';
const BX_FILE = join(ROOT, 'data', 'worldbank-wdi', BX_NAME);
const BM_FILE = join(ROOT, 'data', 'worldbank-wdi', BM_NAME);
const GDP_FILE = join(ROOT, 'data', 'datasets-gdp', 'gdp.csv');
const bx = readFileSync(BX_FILE, 'utf8');
const bm = readFileSync(BM_FILE, 'utf8');
const gdp = readFileSync(GDP_FILE, 'utf8');

// The same reference data the migrations install: countries, aliases, World Bank aggregates.
const countries = new Map(REFERENCE_COUNTRIES.map((c) => [c.iso3, c.iso3]));
for (const [alias, iso3] of Object.entries(COUNTRY_ALIASES)) countries.set(alias, iso3);
const aggregates = new Set(WB_AGGREGATES.map((a) => a.code));
const context = (file: string): ParseContext => ({
	file,
	resolveCountry: (code) => countries.get(code.toUpperCase()) ?? null,
	isAggregate: (code) => aggregates.has(code.toUpperCase())
});
const parseWb = (text: string, file = 'bx.csv') => parseWbIndicator(text, context(file));
const messages = (text: string, file = 'bx.csv') =>
	parseWb(text, file).problems.items.map(formatProblem);
const gdpMessages = (text: string) =>
	parseGdp(text, context('gdp.csv')).problems.items.map(formatProblem);

const valueOf = (data: WbIndicatorData, code: string, year: number) =>
	data.points.find((p) => p.code === code && p.year === year)?.value;
const sortPoints = (points: WbPoint[]) =>
	[...points].sort((a, b) => a.code.localeCompare(b.code) || a.year - b.year);

// Real lines of the BX snapshot (CRLF, BOM): preamble, header, then Aruba on line 6.
const bxLines = bx.replace(/^\uFEFF/, '').split('\r\n');
const PREAMBLE = bxLines.slice(0, 4);
const HEADER = bxLines[4]!;
const lineOf = (code: string) => bxLines.find((l) => l.includes(`,"${code}","Personal`))!;
const ABW = lineOf('ABW');
const KOR = lineOf('KOR');
const WLD = lineOf('WLD');
/** A small BX file of real lines: preamble (lines 1–4), header (5), then the rows from line 6. */
const bxWith = (...rows: string[]) => [...PREAMBLE, HEADER, ...rows].join('\r\n') + '\r\n';
/** Replaces the 2019 cell (the last one before the trailing comma). */
const set2019 = (line: string, cell: string) => line.replace(/"[^"]*",$/, `"${cell}",`);

describe('wb-indicator on the real World Bank bulk CSVs', () => {
	const received = parseWb(bx);
	const paid = parseWb(bm, 'bm.csv');

	it('reads every row of BX (BOM, CRLF) and BM (LF)', () => {
		for (const [result, indicator] of [
			[received, 'BX.TRF.PWKR.CD.DT'],
			[paid, 'BM.TRF.PWKR.CD.DT']
		] as const) {
			expect(result.problems.items).toEqual([]);
			expect(result.rowsRead).toBe(266);
			expect(result.value.indicator).toBe(indicator);
			expect(result.value.points).toHaveLength(266 * 60); // every row has 1960…2019
			const economies = new Set(result.value.points.filter((p) => !p.aggregate).map((p) => p.code));
			const groups = new Set(result.value.points.filter((p) => p.aggregate).map((p) => p.code));
			expect(economies.size).toBe(217);
			expect(groups.size).toBe(49); // 48 aggregates + INX "Not classified"
		}
	});

	it('matches the documented counts: 249 BX and 205 BM rows with a 2019 value', () => {
		const with2019 = (data: WbIndicatorData) =>
			data.points.filter((p) => p.year === 2019 && p.value !== null).length;
		expect(with2019(received.value)).toBe(249);
		expect(with2019(paid.value)).toBe(205);
		const years = received.value.points.filter((p) => p.value !== null).map((p) => p.year);
		expect(Math.min(...years)).toBe(1970);
	});

	it('keeps Kosovo (XKX) and the Channel Islands (CHI) as economies, aggregates apart', () => {
		const kinds = new Map(received.value.points.map((p) => [p.code, p.aggregate]));
		expect(kinds.get('XKX')).toBe(false);
		expect(kinds.get('CHI')).toBe(false);
		for (const code of ['WLD', 'EUU', 'INX', 'ARB', 'AFE', 'HIC'])
			expect(kinds.get(code)).toBe(true);
		expect(valueOf(received.value, 'XKX', 2019)).toBe(1248990731.0196);
		expect(valueOf(received.value, 'WLD', 2019)).toBe(659353250544.119);
		expect(valueOf(received.value, 'INX', 2019)).toBeNull();
	});

	it('reads "Korea, Rep." (a name with a comma) and keeps values exactly', () => {
		expect(KOR.startsWith('"Korea, Rep.","KOR",')).toBe(true);
		expect(valueOf(received.value, 'KOR', 1976)).toBe(47000000);
		expect(valueOf(received.value, 'KOR', 1980)).toBe(562599975.6);
		expect(valueOf(received.value, 'KOR', 2019)).toBe(7166100000);
		expect(valueOf(paid.value, 'KOR', 2019)).toBe(11231600000);
	});

	it('skips the preamble: the header is found on line 5 and Aruba is line 6', () => {
		expect(PREAMBLE[0]).toBe('"Data Source","World Development Indicators",');
		expect(PREAMBLE[2]).toBe('"Last Updated Date","2025-07-01",');
		expect(messages(bxWith(set2019(ABW, 'x')))).toEqual(['bx.csv:6: 2019: "x" is not a number']);
		// The header is found by its content, whatever the preamble's length.
		const noPreamble = [HEADER, ABW, KOR].join('\n');
		expect(parseWb(noPreamble).problems.items).toEqual([]);
		expect(valueOf(parseWb(noPreamble).value, 'KOR', 2019)).toBe(7166100000);
	});

	it('reads CRLF and LF, with or without a BOM, to the same values', () => {
		const lf = bx.replace(/^\uFEFF/, '').replaceAll('\r\n', '\n');
		expect(sortPoints(parseWb(lf).value.points)).toEqual(sortPoints(received.value.points));
		const crlf = '\uFEFF' + bm.replace(/^\uFEFF/, '').replaceAll('\n', '\r\n');
		expect(sortPoints(parseWb(crlf, 'bm.csv').value.points)).toEqual(sortPoints(paid.value.points));
	});

	it('reads other vintages: bare cells, ".." or empty for missing, no trailing comma', () => {
		const grid = readWide(bxWith(ABW, KOR, WLD));
		const header = grid.findIndex((r) => r[1] === 'Country Code');
		const table = grid.slice(header).map((r) => r.slice(0, -1)); // drop the trailing column
		for (const row of table.slice(1)) {
			for (let i = 4; i < row.length; i++) if (row[i] === '' && i % 2 === 0) row[i] = '..';
		}
		const variant = parseWb(writeGrid(table));
		expect(variant.problems.items).toEqual([]);
		expect(sortPoints(variant.value.points)).toEqual(
			sortPoints(parseWb(bxWith(ABW, KOR, WLD)).value.points)
		);
	});

	it('is byte for byte the published files, as data/SHA256SUMS records them', () => {
		const sums = readFileSync(join(ROOT, 'data', 'SHA256SUMS'), 'utf8')
			.trim()
			.split('\n');
		const recorded = new Map(
			sums.map((line) => [line.slice(66).replace(/^\.\//, ''), line.slice(0, 64)])
		);
		for (const file of [BX_FILE, BM_FILE, GDP_FILE]) {
			const name = relative(join(ROOT, 'data'), file);
			expect(recorded.get(name), name).toBe(
				createHash('sha256').update(readFileSync(file)).digest('hex')
			);
		}
	});
});

/** Real values of the BX snapshot as the World Bank API v2 returns them. */
const apiRow = (code: string, name: string, date: string, value: number | null) => ({
	indicator: { id: 'BX.TRF.PWKR.CD.DT', value: 'Personal remittances, received (current US$)' },
	country: { id: code.slice(0, 2), value: name },
	countryiso3code: code,
	date,
	value,
	unit: '',
	obs_status: '',
	decimal: 0
});
const meta = (page: number, pages: number, perPage: number, total: number) => ({
	page,
	pages,
	per_page: perPage,
	total,
	sourceid: '2',
	lastupdated: '2025-07-01'
});
const PAGE1 = [
	apiRow('WLD', 'World', '2019', 659353250544.119),
	apiRow('WLD', 'World', '2018', 638201547575.554),
	apiRow('', 'Not classified', '2019', null),
	apiRow('KOR', 'Korea, Rep.', '2019', 7166100000)
];
const PAGE2 = [
	apiRow('KOR', 'Korea, Rep.', '2018', 7125100000),
	apiRow('XKX', 'Kosovo', '2019', 1248990731.0196),
	apiRow('INX', 'Not classified', '2019', null)
];
const twoPages = (page1: unknown[] = PAGE1, page2: unknown[] = PAGE2) =>
	JSON.stringify([
		[meta(1, 2, 4, 7), page1],
		[meta(2, 2, 4, 7), page2]
	]);

describe('wb-indicator on the World Bank API v2 JSON', () => {
	it('reads one page [meta, rows] and several pages to the values of the CSV', () => {
		const one = parseWb(JSON.stringify([meta(1, 1, 50, 7), [...PAGE1, ...PAGE2]]), 'api.json');
		const paged = parseWb(twoPages(), 'api.json');
		for (const result of [one, paged]) {
			expect(result.problems.items).toEqual([]);
			expect(result.rowsRead).toBe(7);
			expect(result.value.indicator).toBe('BX.TRF.PWKR.CD.DT');
		}
		expect(paged.value).toEqual(one.value);
		const csv = parseWb(bx).value;
		// The row without a code (and without a value) is skipped; the others equal the CSV.
		expect(paged.value.points).toHaveLength(6);
		for (const p of paged.value.points) {
			expect(p).toEqual(csv.points.find((q) => q.code === p.code && q.year === p.year));
		}
		expect(paged.value.points.find((p) => p.code === 'INX')).toEqual({
			code: 'INX',
			aggregate: true,
			year: 2019,
			value: null
		});
	});

	it('names a row by its position in the whole input, across pages', () => {
		const bad = [PAGE2[0], { ...PAGE2[1]!, value: -5 }, PAGE2[2]];
		expect(messages(twoPages(PAGE1, bad), 'api.json')).toEqual([
			'api.json:6: value: "-5" is negative (expected an amount of 0 or more)'
		]);
	});

	it('refuses rows without a code that carry a value, unknown codes and bad dates', () => {
		const rows = [
			apiRow('', 'Euro area', '2019', 123),
			apiRow('ZZZ', 'Atlantis', '2019', 1),
			apiRow('KOR', 'Korea, Rep.', '19', 1),
			{ ...apiRow('KOR', 'Korea, Rep.', '2017', null), value: 'abc' },
			apiRow('KOR', 'Korea, Rep.', '2019', 7166100000)
		];
		expect(messages(twoPages(PAGE1, rows), 'api.json')).toEqual([
			'api.json:5: countryiso3code: empty, but the row has a value (country "Euro area", id "")',
			'api.json:6: countryiso3code: unknown code "ZZZ" (neither a country nor a World Bank aggregate)',
			'api.json:7: date: "19" is not a year',
			'api.json:8: value: "abc" is not a number',
			'api.json:9: date: KOR 2019 already appears in row 4'
		]);
	});

	it('reads the indicator from the rows: one supported indicator per input', () => {
		const gdpRow = {
			...apiRow('KOR', 'Korea, Rep.', '2017', 1),
			indicator: { id: 'NY.GDP.PCAP.CD' }
		};
		const paid = {
			...apiRow('KOR', 'Korea, Rep.', '2016', 1),
			indicator: { id: 'BM.TRF.PWKR.CD.DT' }
		};
		expect(messages(twoPages(PAGE1, [gdpRow, paid]), 'api.json')).toEqual([
			'api.json:5: indicator.id: unsupported indicator "NY.GDP.PCAP.CD" (expected BX.TRF.PWKR.CD.DT, BM.TRF.PWKR.CD.DT or NY.GDP.MKTP.CD)',
			'api.json:6: indicator.id: "BM.TRF.PWKR.CD.DT" differs from "BX.TRF.PWKR.CD.DT" in row 1 (one indicator per input)'
		]);
	});

	it("refuses broken JSON, the API's error answer and other shapes", () => {
		expect(messages('[{"page":1}, [', 'api.json')[0]).toMatch(/^api\.json:0: json: /);
		const apiError =
			'[{"message":[{"id":"120","key":"Invalid value","value":"The provided parameter value is not valid"}]}]';
		expect(messages(apiError, 'api.json')).toEqual([
			'api.json:0: json: the API answered with an error: Invalid value: The provided parameter value is not valid'
		]);
		expect(messages('{"rows":[]}', 'api.json')).toEqual([
			"api.json:0: json: expected the API's [meta, rows] or an array of such pages"
		]);
		expect(messages(JSON.stringify([meta(1, 0, 50, 0), null]), 'api.json')).toEqual([
			'api.json:0: json: no rows'
		]);
	});

	// Found by fuzzing (feedFuzz.test.ts): JSON.parse quotes the input with its line breaks.
	it('keeps a JSON syntax error on one line', () => {
		// Node 20's V8: Unexpected token 'o', "[<LF>  oops<LF>]" is not valid JSON
		const found = messages('[\n  oops\n]', 'api.json');
		expect(found).toHaveLength(1);
		expect(found[0]).toMatch(/^api\.json:0: json: \S/);
		expect(found[0]).not.toMatch(/[\r\n]/);
	});
});

describe('wb-indicator defects, each named by file, line and field', () => {
	it('a negative value', () => {
		expect(messages(bxWith(ABW, set2019(KOR, '-7166100000')))).toEqual([
			'bx.csv:7: 2019: "-7166100000" is negative (expected an amount of 0 or more)'
		]);
	});

	it('a value that is not a number', () => {
		expect(messages(bxWith(ABW, set2019(KOR, 'abc')))).toEqual([
			'bx.csv:7: 2019: "abc" is not a number'
		]);
	});

	it('an unknown code', () => {
		expect(messages(bxWith(ABW, KOR.replace('"KOR"', '"ZZZ"')))).toEqual([
			'bx.csv:7: Country Code: unknown code "ZZZ" (neither a country nor a World Bank aggregate)'
		]);
	});

	it('a wrong indicator code, or two indicators in one file', () => {
		expect(messages(bxWith(ABW.replace('BX.TRF.PWKR.CD.DT', 'NY.GDP.PCAP.CD')))).toEqual([
			'bx.csv:6: Indicator Code: unsupported indicator "NY.GDP.PCAP.CD" (expected BX.TRF.PWKR.CD.DT, BM.TRF.PWKR.CD.DT or NY.GDP.MKTP.CD)'
		]);
		expect(messages(bxWith(ABW, KOR.replace('BX.TRF.PWKR.CD.DT', 'BM.TRF.PWKR.CD.DT')))).toEqual([
			'bx.csv:7: Indicator Code: "BM.TRF.PWKR.CD.DT" differs from "BX.TRF.PWKR.CD.DT" on line 6 (one indicator per input)'
		]);
	});

	it('a truncated row', () => {
		// Cut after 30 cells (the name and the indicator name each hold a comma).
		const truncated = KOR.split(',').slice(0, 32).join(',');
		expect(messages(bxWith(ABW, truncated))).toEqual([
			'bx.csv:7: row: expected 65 cells like the header, found 30'
		]);
	});

	it('an empty file', () => {
		expect(messages('')).toEqual(['bx.csv:0: header: the file is empty']);
		expect(messages('\uFEFF\r\n')).toEqual(['bx.csv:0: header: the file is empty']);
		expect(messages(bxWith())).toEqual(['bx.csv:5: header: no data rows after the header']);
	});

	it('a code twice, a value under the empty trailing header, broken quoting', () => {
		expect(messages(bxWith(ABW, KOR, ABW))).toEqual([
			'bx.csv:8: Country Code: ABW already appears on line 6'
		]);
		expect(messages(bxWith(ABW + '"1"'))).toEqual([
			'bx.csv:6: column 65: "1" under an empty header'
		]);
		expect(messages(bxWith(ABW, KOR.replace('"Korea, Rep."', '"Korea", Rep."')))[0]).toMatch(
			/^bx\.csv:7: csv: /
		);
	});

	// Found by fuzzing (feedFuzz.test.ts): cells with line breaks split a message in two.
	it('shows cells with line breaks escaped, one message per line', () => {
		expect(messages(bxWith(set2019(ABW, '1\n2')))).toEqual([
			'bx.csv:7: 2019: "1\\n2" is not a number'
		]);
		expect(messages(bxWith(ABW.replace('"ABW"', '"AB\nW"')))).toEqual([
			'bx.csv:7: Country Code: unknown code "AB\\nW" (neither a country nor a World Bank aggregate)'
		]);
	});

	it('a header without codes or with years out of range', () => {
		expect(messages('"Data Source","World Development Indicators",\n\n"x","y",\n')).toEqual([
			'bx.csv:0: header: no header row with "Country Code" (expected a World Bank bulk CSV or API JSON)'
		]);
		expect(messages(bxWith(ABW).replace('"1960"', '"1950"'))).toEqual([
			'bx.csv:5: column 5 "1950": year 1950 is outside 1960–2100'
		]);
		expect(messages(bxWith(ABW).replace('"Indicator Code"', '"Indicator"'))).toEqual([
			'bx.csv:5: header: no "Indicator Code" column'
		]);
		expect(
			messages('Country Code,Indicator Code,2019 [YR2019]\nKOR,BX.TRF.PWKR.CD.DT,1\n')
		).toEqual(['bx.csv:1: header: no year columns (expected headers like 2019)']);
		expect(messages(bxWith(ABW).replace('"1961"', '"1960"'))).toEqual([
			'bx.csv:5: column 6 "1960": year 1960 appears twice'
		]);
	});
});

// Real lines of gdp.csv (CRLF, names with commas quoted).
const GDP_HEADER = 'Country Name,Country Code,Year,Value';
const gdpLines = gdp.split('\r\n');
const KOR_1960 = '"Korea, Rep.",KOR,1960,3958811881.188119';
const WLD_2019 = 'World,WLD,2019,87945574337517.84';
const CHI_2000 = 'Channel Islands,CHI,2000,6439703434.710243';
const gdpWith = (...rows: string[]) => [GDP_HEADER, ...rows].join('\r\n') + '\r\n';

describe('gdp on the real datasets/gdp long CSV', () => {
	const result = parseGdp(gdp, context('gdp.csv'));

	it('reads every row, economies and aggregates apart', () => {
		expect(gdpLines[0]).toBe(GDP_HEADER);
		for (const line of [KOR_1960, WLD_2019, CHI_2000]) expect(gdpLines).toContain(line);
		expect(result.problems.items).toEqual([]);
		expect(result.rowsRead).toBe(12983);
		expect(result.value.indicator).toBe('NY.GDP.MKTP.CD');
		expect(result.value.points).toHaveLength(12983);
		const codes = new Set(result.value.points.map((p) => p.code));
		expect(codes.size).toBe(262);
		const groups = new Set(result.value.points.filter((p) => p.aggregate).map((p) => p.code));
		expect(groups.size).toBe(48);
		expect(valueOf(result.value, 'KOR', 1960)).toBe(3958811881.188119);
		expect(valueOf(result.value, 'WLD', 2019)).toBe(87945574337517.84);
		const chi = result.value.points.find((p) => p.code === 'CHI' && p.year === 2000);
		expect(chi).toEqual({ code: 'CHI', aggregate: false, year: 2000, value: 6439703434.710243 });
		expect(result.value.points.find((p) => p.code === 'XKX')?.aggregate).toBe(false);
	});

	it('keeps floats of any precision exactly, as parseFloat reads the cell', () => {
		// Real lines: 17 significant digits, and a trailing ".0".
		const cells = ['125747038.49257043', '14600000.0', '3521418059.923445'];
		const lines = [
			`Samoa,WSM,1980,${cells[0]}`,
			`St. Kitts and Nevis,KNA,1968,${cells[1]}`,
			`Afghanistan,AFG,2000,${cells[2]}`
		];
		for (const line of lines) expect(gdpLines).toContain(line);
		const { value } = parseGdp(gdpWith(...lines), context('g'));
		expect(value.points.map((p) => p.value)).toEqual(cells.map((c) => parseFloat(c)));
		// More digits than a double holds (the README's example) read as parseFloat does.
		const long = parseGdp(gdpWith('x,AFG,2001,26538273498.8461413979'), context('g'));
		expect(long.value.points[0]!.value).toBe(parseFloat('26538273498.8461413979'));
	});

	it('refuses duplicates, negative and non-numbers, unknown codes, short rows, empty files', () => {
		expect(gdpMessages(gdpWith(KOR_1960, WLD_2019, KOR_1960))).toEqual([
			'gdp.csv:4: Year: KOR 1960 already appears on line 2'
		]);
		expect(gdpMessages(gdpWith(KOR_1960.replace(',3958', ',-3958')))).toEqual([
			'gdp.csv:2: Value: "-3958811881.188119" is negative (expected an amount of 0 or more)'
		]);
		expect(gdpMessages(gdpWith(WLD_2019, KOR_1960.replace('3958811881.188119', 'abc')))).toEqual([
			'gdp.csv:3: Value: "abc" is not a number'
		]);
		expect(gdpMessages(gdpWith(WLD_2019.replace('WLD', 'ZZZ')))).toEqual([
			'gdp.csv:2: Country Code: unknown code "ZZZ" (neither a country nor a World Bank aggregate)'
		]);
		expect(gdpMessages(gdpWith(WLD_2019.replace('2019', '1959')))).toEqual([
			'gdp.csv:2: Year: year 1959 is outside 1960–2100'
		]);
		expect(gdpMessages(gdpWith(KOR_1960, 'World,WLD,2019'))).toEqual([
			'gdp.csv:3: row: expected 4 cells like the header, found 3'
		]);
		expect(gdpMessages('')).toEqual(['gdp.csv:0: header: the file is empty']);
		expect(gdpMessages('Country Name,Country Code,Value\r\nWorld,WLD,1\r\n')).toEqual([
			'gdp.csv:1: header: no "Year" column (expected Country Name,Country Code,Year,Value)'
		]);
	});

	// Found by fuzzing (feedFuzz.test.ts): a header or value cell with a line break split the
	// message in two.
	it('keeps each message on one line when cells hold line breaks', () => {
		const header = 'Country Name,"Country\nCode",Year,"Val\nue"\n';
		expect(gdpMessages(header + 'Aruba,"AB\nW",2019,"1\n2"\n')).toEqual([
			'gdp.csv:6: Country Code: unknown code "AB\\nW" (neither a country nor a World Bank aggregate)',
			'gdp.csv:6: Val ue: "1\\n2" is not a number'
		]);
	});
});

function readWide(text: string): string[][] {
	return parseCsv(text, { bom: true, relax_column_count: true, skip_empty_lines: true });
}
