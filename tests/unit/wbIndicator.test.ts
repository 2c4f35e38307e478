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
import { apiMeta, apiRow } from '../support/worldBankApi.ts';

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
/** Replaces the 2019 cell (every cell is quoted, so `","` separates them). */
const set2019 = (line: string, cell: string) => {
	const at = HEADER.slice(1, -2).split('","').indexOf('2019');
	const cells = line.slice(1, -2).split('","');
	cells[at] = cell;
	return `"${cells.join('","')}",`;
};

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
			// Every row has every year: 1960…2024 received, 1960…2020 paid (that vintage's end).
			const years = indicator === 'BX.TRF.PWKR.CD.DT' ? 65 : 61;
			expect(result.value.points).toHaveLength(266 * years);
			const economies = new Set(result.value.points.filter((p) => !p.aggregate).map((p) => p.code));
			const groups = new Set(result.value.points.filter((p) => p.aggregate).map((p) => p.code));
			expect(economies.size).toBe(217);
			expect(groups.size).toBe(49); // 48 aggregates + INX "Not classified"
		}
	});

	it('matches the documented counts: rows with a value, per year', () => {
		const withValue = (data: WbIndicatorData, year: number) =>
			data.points.filter((p) => p.year === year && p.value !== null).length;
		expect(withValue(received.value, 2019)).toBe(249);
		expect(withValue(paid.value, 2019)).toBe(205);
		// The full files: received to 2024, only partly filled; paid to 2020.
		for (const year of [2020, 2021, 2022, 2023]) expect(withValue(received.value, year)).toBe(249);
		expect(withValue(received.value, 2024)).toBe(154);
		expect(withValue(paid.value, 2020)).toBe(152);
		const years = received.value.points.filter((p) => p.value !== null).map((p) => p.year);
		expect(Math.min(...years)).toBe(1970);
		expect(Math.max(...years)).toBe(2024);
		expect(Math.max(...paid.value.points.map((p) => p.year))).toBe(2020);
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

// Real lines from the full files' later years, cut to the id columns and 2018 on (BX) or
// 2017 on (BM): 2020–2024 values, and 2024 left empty for Kosovo and others (154 of 266 filled).
const LATE_BX_HEADER =
	'"Country Name","Country Code","Indicator Name","Indicator Code","2018","2019","2020","2021","2022","2023","2024",';
const LATE_BX = [
	'"Korea, Rep.","KOR","Personal remittances, received (current US$)","BX.TRF.PWKR.CD.DT","7125100000","7166100000","7434800000","7742300000","7814500000","7035000000","7449400000",',
	'"Kosovo","XKX","Personal remittances, received (current US$)","BX.TRF.PWKR.CD.DT","1235727938.31153","1248990731.0196","1436087663.97194","1695069653.79042","1612854276.25325","1832626789.98852","",',
	'"Not classified","INX","Personal remittances, received (current US$)","BX.TRF.PWKR.CD.DT","","","","","","","",'
];
const LATE_BM_HEADER =
	'"Country Name","Country Code","Indicator Name","Indicator Code","2017","2018","2019","2020",';
const LATE_BM =
	'"Korea, Rep.","KOR","Personal remittances, paid (current US$)","BM.TRF.PWKR.CD.DT","12888000000","13530600000","11231600000","9218700000",';

describe("wb-indicator on the full files' later years (2020–2024, 2024 partly empty)", () => {
	/** A file's line for a code, cut to its id columns and its last `years` year cells. */
	const cutLine = (text: string, code: string, years: number) => {
		const line = text
			.replace(/^\uFEFF/, '')
			.split(/\r?\n/)
			.find((l) => l.includes(`","${code}","`))!;
		const cells = line.slice(1, -2).split('","');
		return `"${[...cells.slice(0, 4), ...cells.slice(-years)].join('","')}",`;
	};

	it("are the files' own lines", () => {
		expect(cutLine(bx, 'Country Code', 7)).toBe(LATE_BX_HEADER);
		for (const line of LATE_BX) expect(cutLine(bx, line.split('","')[1]!, 7)).toBe(line);
		expect(cutLine(bm, 'Country Code', 4)).toBe(LATE_BM_HEADER);
		expect(cutLine(bm, 'KOR', 4)).toBe(LATE_BM);
	});

	it('reads 2020–2024, an empty 2024 as no value, never as a problem', () => {
		const { value, problems } = parseWb([LATE_BX_HEADER, ...LATE_BX].join('\r\n') + '\r\n');
		expect(problems.items).toEqual([]);
		const series = (code: string) =>
			value.points.filter((p) => p.code === code).map((p) => [p.year, p.value]);
		expect(series('KOR')).toEqual([
			[2018, 7125100000],
			[2019, 7166100000],
			[2020, 7434800000],
			[2021, 7742300000],
			[2022, 7814500000],
			[2023, 7035000000],
			[2024, 7449400000]
		]);
		expect(series('XKX').slice(-2)).toEqual([
			[2023, 1832626789.98852],
			[2024, null]
		]);
		expect(series('INX').every(([, v]) => v === null)).toBe(true);
		expect(value.points.find((p) => p.code === 'INX')!.aggregate).toBe(true);
	});

	it('reads the paid vintage, which ends at 2020 (LF)', () => {
		const { value, problems } = parseWb([LATE_BM_HEADER, LATE_BM].join('\n') + '\n', 'bm.csv');
		expect(problems.items).toEqual([]);
		expect(value.indicator).toBe('BM.TRF.PWKR.CD.DT');
		expect(value.points.map((p) => [p.year, p.value])).toEqual([
			[2017, 12888000000],
			[2018, 13530600000],
			[2019, 11231600000],
			[2020, 9218700000]
		]);
	});

	it('agrees with the whole files', () => {
		const received = parseWb(bx).value;
		expect(valueOf(received, 'KOR', 2024)).toBe(7449400000);
		expect(valueOf(received, 'XKX', 2024)).toBeNull();
		expect(valueOf(received, 'MEX', 2024)).toBe(67637913797);
		expect(valueOf(received, 'WLD', 2024)).toBe(740508109059.594);
		expect(valueOf(parseWb(bm, 'bm.csv').value, 'KOR', 2020)).toBe(9218700000);
	});
});

// Real values of the BX snapshot as the World Bank API v2 returns them.
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
/** The answer in two pages, as a download of every page delivers it; the total counts the rows. */
const twoPages = (page1: unknown[] = PAGE1, page2: unknown[] = PAGE2) => {
	const total = page1.length + page2.length;
	return JSON.stringify([
		[apiMeta(1, 2, page1.length, total), page1],
		[apiMeta(2, 2, page1.length, total), page2]
	]);
};

describe('wb-indicator on the World Bank API v2 JSON', () => {
	it('reads one page [meta, rows] and several pages to the values of the CSV', () => {
		const one = parseWb(JSON.stringify([apiMeta(1, 1, 50, 7), [...PAGE1, ...PAGE2]]), 'api.json');
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
		expect(messages(JSON.stringify([apiMeta(1, 0, 50, 0), null]), 'api.json')).toEqual([
			'api.json:0: json: no rows'
		]);
	});

	it('never takes one page of a larger answer for the whole', () => {
		// What a URL without per_page answers: page 1 of 2. Refused, not ingested as all there is.
		expect(messages(JSON.stringify([apiMeta(1, 2, 4, 7), PAGE1]), 'api.json')).toEqual([
			"api.json:0: json: the input holds page 1 of the answer's 2: a page is a part of the answer, never the whole (fetch every page, as ingest --url does, or ask for per_page=7)"
		]);
		expect(messages(JSON.stringify([[apiMeta(2, 2, 4, 7), PAGE2]]), 'api.json')[0]).toMatch(
			/holds page 2 of the answer's 2/
		);
		expect(
			messages(
				JSON.stringify([
					[apiMeta(2, 2, 4, 7), PAGE2],
					[apiMeta(1, 2, 4, 7), PAGE1]
				]),
				'api.json'
			)
		).toEqual(['api.json:0: json: the input holds pages 2, 1: expected pages 1 to 2 in order']);
		// Pages of two different answers, and rows missing from the total.
		expect(
			messages(
				JSON.stringify([
					[apiMeta(1, 2, 4, 7), PAGE1],
					[apiMeta(2, 2, 4, 8), PAGE2]
				]),
				'api.json'
			)
		).toEqual([
			'api.json:0: json: page 2 says 2 pages (8 rows, 4 a page) where page 1 says 2 (7 rows, 4 a page): pages of different answers'
		]);
		expect(
			messages(JSON.stringify([apiMeta(1, 1, 50, 9), [...PAGE1, ...PAGE2]]), 'api.json')
		).toEqual(["api.json:0: json: the pages hold 7 rows but the answer's total is 9"]);
		// Counts written as strings, as some answers do, are counts all the same.
		const stringly = { page: '1', pages: '1', per_page: '50', total: '7' };
		expect(messages(JSON.stringify([stringly, [...PAGE1, ...PAGE2]]), 'api.json')).toEqual([]);
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
			'bx.csv:7: row: expected 70 cells like the header, found 30'
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
			'bx.csv:6: column 70: "1" under an empty header'
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
// Real lines of the full file's later years (2020–2023).
const KOR_2023 = '"Korea, Rep.",KOR,2023,1712792854202.3687';
const XKX_2020 = 'Kosovo,XKX,2020,7717145217.812473';
const WLD_2023 = 'World,WLD,2023,105435039507024.1';
const gdpWith = (...rows: string[]) => [GDP_HEADER, ...rows].join('\r\n') + '\r\n';

describe('gdp on the real datasets/gdp long CSV', () => {
	const result = parseGdp(gdp, context('gdp.csv'));

	it('reads every row, economies and aggregates apart', () => {
		expect(gdpLines[0]).toBe(GDP_HEADER);
		for (const line of [KOR_1960, WLD_2019, CHI_2000]) expect(gdpLines).toContain(line);
		expect(result.problems.items).toEqual([]);
		expect(result.rowsRead).toBe(13_979);
		expect(result.value.indicator).toBe('NY.GDP.MKTP.CD');
		expect(result.value.points).toHaveLength(13_979);
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

	it('reads the full file to 2023, where fewer codes have a value', () => {
		for (const line of [KOR_2023, XKX_2020, WLD_2023]) expect(gdpLines).toContain(line);
		const years = result.value.points.map((p) => p.year);
		expect(Math.max(...years)).toBe(2023);
		const codesIn = (year: number) => result.value.points.filter((p) => p.year === year).length;
		expect([codesIn(2019), codesIn(2020), codesIn(2023)]).toEqual([258, 257, 233]);
		const { value, problems } = parseGdp(gdpWith(KOR_2023, XKX_2020, WLD_2023), context('g'));
		expect(problems.items).toEqual([]);
		expect(value.points).toEqual([
			{ code: 'KOR', aggregate: false, year: 2023, value: 1712792854202.3687 },
			{ code: 'XKX', aggregate: false, year: 2020, value: 7717145217.812473 },
			{ code: 'WLD', aggregate: true, year: 2023, value: 105435039507024.1 }
		]);
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
