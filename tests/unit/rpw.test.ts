/**
 * Remittance Prices Worldwide, from real lines of the bundled DataBank export: its BOM, the
 * double space in "Receiving Countries  …", names quoted for their commas, `..` for missing,
 * KSV and ANT, a negative cost, and the trailer of blank and footer lines padded with commas,
 * which is recognised (not skipped as "lines that fail"), so a corridor after it is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	COUNTRY_ALIASES,
	REFERENCE_COUNTRIES
} from '../../src/lib/server/db/reference/countries.generated.ts';
import type { ParseContext } from '../../src/lib/server/ingest/feeds/oxcgrtC8.ts';
import {
	parseRpw,
	readCostPercent,
	readQuarterHeader,
	rpwRowKind,
	type RpwTable
} from '../../src/lib/server/ingest/feeds/rpw.ts';
import { formatProblem } from '../../src/lib/server/ingest/problem.ts';
import { ROOT } from '../support/server.ts';

const FILE = join(ROOT, 'data', 'worldbank-rpw', '36d1ed87-9a2d-41da-8eac-c1c25d45fa65_Data.csv');
const text = readFileSync(FILE, 'utf8');
/** The file's lines, 1-based as in messages (line 1 keeps its BOM). */
const lines = ['', ...text.split('\n')];
const line = (n: number, starts: string) => {
	expect(lines[n]!.startsWith(starts), `line ${n}`).toBe(true);
	return lines[n]!;
};

const HEADER = line(
	1,
	'\uFEFFSending Countries Name,Sending Countries Code,Series Name,Series Code,Receiving Countries  Name,Receiving Countries  Code,2011Q1 [YR2011Q1],2011Q3 [YR2011Q3],2012Q1 [YR2012Q1]'
);
const AUT_KSV = line(
	274,
	'Austria,AUT,Average Total Cost to remit in corridor,ATCR.CORR,Kosovo,KSV,'
);
const KOR_PHL = line(
	2522,
	'"Korea, Rep.",KOR,Average Total Cost to remit in corridor,ATCR.CORR,Philippines,PHL,..,..'
);
const KOR_VNM = line(
	2550,
	'"Korea, Rep.",KOR,Average Total Cost to remit in corridor,ATCR.CORR,Viet Nam,VNM,7.89368438720703,'
);
const NLD_ANT = line(
	2846,
	'Netherlands,NLD,Average Total Cost to remit in corridor,ATCR.CORR,Netherlands-Antilles,ANT,6.69999980926514,'
);
const SAU_SDN = line(
	3978,
	'Saudi Arabia,SAU,Average Total Cost to remit in corridor,ATCR.CORR,Sudan,SDN,'
);
const USA_MEX = line(
	5281,
	'United States of America,USA,Average Total Cost to remit in corridor,ATCR.CORR,Mexico,MEX,5.00611114501953,'
);
const BLANK = line(5330, ',,,,,,,,,,');
const DATABASE = line(5333, 'Data from database: Remittance Prices Worldwide (Corridors),,,');
const UPDATED = line(5334, 'Last Updated: 12/07/2020,,,');

const countries = new Map(REFERENCE_COUNTRIES.map((c) => [c.iso3, c.iso3]));
for (const [alias, iso3] of Object.entries(COUNTRY_ALIASES)) countries.set(alias, iso3);
const context = (file: string): ParseContext => ({
	file,
	resolveCountry: (code) => countries.get(code.toUpperCase()) ?? null
});
const parse = (input: string, file = 'rpw.csv') => parseRpw(input, context(file));
const messages = (input: string, file = 'rpw.csv') =>
	parse(input, file).problems.items.map(formatProblem);
const lf = (...rows: string[]) => rows.map((r) => `${r}\n`).join('');
const trailer = [BLANK, BLANK, BLANK, DATABASE, UPDATED];
const costOf = (table: RpwTable, sending: string, receiving: string, quarter: string) =>
	table.costs.find(
		(c) => c.sending === sending && c.receiving === receiving && c.quarter === quarter
	)?.percent;

describe('rpw: the pieces', () => {
	it('reads quarter headers with or without their bracket, refusing others', () => {
		expect(readQuarterHeader('2011Q1 [YR2011Q1]')).toEqual({ ok: true, value: '2011Q1' });
		expect(readQuarterHeader('2020Q3')).toEqual({ ok: true, value: '2020Q3' });
		expect(readQuarterHeader('2011Q1 [YR2011Q3]')).toMatchObject({ ok: false });
		expect(readQuarterHeader('2011 [YR2011]')).toMatchObject({ ok: false });
		expect(readQuarterHeader('2011Q5')).toMatchObject({ ok: false });
	});

	it('reads costs: `..` missing, negatives kept, beyond ±100 refused', () => {
		expect(readCostPercent('..')).toEqual({ ok: true, value: null });
		expect(readCostPercent('4.45392847061157')).toEqual({ ok: true, value: 4.45392847061157 });
		expect(readCostPercent('-11.3599996566772')).toEqual({ ok: true, value: -11.3599996566772 });
		expect(readCostPercent('0')).toEqual({ ok: true, value: 0 });
		expect(readCostPercent('150')).toMatchObject({ ok: false });
		expect(readCostPercent('NA')).toMatchObject({ ok: false });
	});

	it('tells corridors from the trailer: blank lines and the two footers, padded with commas', () => {
		const cells = (l: string) => l.split(',');
		expect(rpwRowKind(cells(BLANK))).toBe('blank');
		expect(rpwRowKind(cells(DATABASE))).toBe('footer');
		expect(rpwRowKind(cells(UPDATED))).toBe('footer');
		expect(rpwRowKind(['Last Updated: 12/07/2020'])).toBe('footer'); // not padded
		expect(rpwRowKind(cells(USA_MEX))).toBe('data');
		// A footer with something beside it, or any other lone text, is no footer.
		expect(rpwRowKind(['Last Updated: 12/07/2020', 'x'])).toBe('data');
		expect(rpwRowKind(['Notes', ''])).toBe('data');
	});
});

describe('rpw on real lines', () => {
	it('reads the BOM, the double-spaced headers, quoted names, `..`, KSV and ANT, and the trailer', () => {
		const input = lf(HEADER, AUT_KSV, KOR_PHL, KOR_VNM, NLD_ANT, SAU_SDN, USA_MEX, ...trailer);
		const { value, rowsRead, problems } = parse(input);
		expect(problems.items).toEqual([]);
		expect(rowsRead).toBe(6);
		expect(value.quarters).toHaveLength(35);
		expect([
			value.quarters[0],
			value.quarters[1],
			value.quarters[4],
			value.quarters.at(-1)
		]).toEqual(['2011Q1', '2011Q3', '2013Q1', '2020Q3']);
		expect(value.costs).toHaveLength(6 * 35);
		expect(costOf(value, 'USA', 'MEX', '2011Q1')).toBe(5.00611114501953);
		expect(costOf(value, 'USA', 'MEX', '2017Q4')).toBe(4.45392847061157);
		// KSV is our XKX; ANT is kept as the Netherlands Antilles.
		expect(costOf(value, 'AUT', 'XKX', '2015Q3')).toBeNull();
		expect(costOf(value, 'AUT', 'XKX', '2015Q4')).toBe(7.55800008773804);
		expect(costOf(value, 'NLD', 'ANT', '2011Q1')).toBe(6.69999980926514);
		expect(costOf(value, 'NLD', 'ANT', '2020Q3')).toBeNull();
		expect(costOf(value, 'KOR', 'VNM', '2011Q1')).toBe(7.89368438720703);
		expect(costOf(value, 'KOR', 'PHL', '2017Q4')).toBeNull();
		expect(costOf(value, 'SAU', 'SDN', '2017Q4')).toBe(-11.3599996566772);
	});

	it('reads the whole bundled file: 5,328 corridors, 10,417 costs in 377 of them', () => {
		const { value, rowsRead, problems } = parse(text);
		expect(problems.items).toEqual([]);
		expect(rowsRead).toBe(5328);
		expect(value.costs.filter((c) => c.percent !== null)).toHaveLength(10_417);
		const pairs = new Set(
			value.costs.filter((c) => c.percent !== null).map((c) => `${c.sending}>${c.receiving}`)
		);
		expect(pairs.size).toBe(377);
	});
});

describe('rpw defects, each named by file, line and field', () => {
	it('a corridor after the trailer began is refused, not skipped', () => {
		expect(messages(lf(HEADER, USA_MEX, BLANK, KOR_VNM, DATABASE, UPDATED))).toEqual([
			'rpw.csv:4: row: a corridor after the table\'s end (the blank or footer line 3); only blank lines and the "Data from database:" and "Last Updated:" footers may follow the table'
		]);
		// Something written beside a footer makes it a broken corridor row.
		expect(messages(lf(HEADER, USA_MEX, DATABASE.replace(/,$/, ',x')))).toEqual([
			'rpw.csv:3: Series Code: unsupported series "" (expected ATCR.CORR, Average Total Cost to remit in corridor)',
			'rpw.csv:3: Sending Countries Code: unknown country code "" ("Data from database: Remittance Prices Worldwide (Corridors)"): neither an ISO 3166 country nor one of ANT, ABK, XXX',
			'rpw.csv:3: Receiving Countries Code: unknown country code "": neither an ISO 3166 country nor one of ANT, ABK, XXX',
			'rpw.csv:3: 2020Q3 [YR2020Q3]: "x" is not a number (missing values are "..")'
		]);
	});

	it('an unknown code, another series, a bad cell, a short row and a duplicate corridor', () => {
		// Cell i of an unquoted line replaced (29 is 2017Q4, 30 is 2018Q1).
		const edit = (row: string, i: number, v: string) =>
			row
				.split(',')
				.map((c, j) => (j === i ? v : c))
				.join(',');
		const input = lf(
			HEADER,
			USA_MEX.replace(',Mexico,MEX,', ',Atlantis,ZZZ,'),
			USA_MEX.replace(',ATCR.CORR,', ',ATCR.SEND,'),
			edit(AUT_KSV, 29, '150'),
			edit(NLD_ANT, 30, 'abc'),
			SAU_SDN.split(',').slice(0, 40).join(','),
			USA_MEX,
			USA_MEX,
			...trailer
		);
		expect(messages(input, 'rpw.csv')).toEqual([
			'rpw.csv:2: Receiving Countries Code: unknown country code "ZZZ" ("Atlantis"): neither an ISO 3166 country nor one of ANT, ABK, XXX',
			'rpw.csv:3: Series Code: unsupported series "ATCR.SEND" (expected ATCR.CORR, Average Total Cost to remit in corridor)',
			'rpw.csv:4: 2017Q4 [YR2017Q4]: "150" is not a cost in % of the amount sent (-100 to 100)',
			'rpw.csv:5: 2018Q1 [YR2018Q1]: "abc" is not a number (missing values are "..")',
			'rpw.csv:6: row: expected 41 cells like the header, found 40',
			'rpw.csv:8: Receiving Countries Code: the corridor USA → MEX already appears on line 7'
		]);
	});

	it('a header without the code columns or with a column that is no quarter', () => {
		expect(messages(lf(HEADER.replace('Sending Countries Code', 'Sender'), USA_MEX))).toEqual([
			'rpw.csv:1: header: no "sendingcountriescode" column (expected the RPW corridors export)',
			'rpw.csv:1: column 2: "Sender" is not a quarter like "2011Q1 [YR2011Q1]"'
		]);
		expect(messages(lf(HEADER.replace('2011Q3 [YR2011Q3]', '2011 [YR2011]'), USA_MEX))).toEqual([
			'rpw.csv:1: column 8: "2011 [YR2011]" is not a quarter like "2011Q1 [YR2011Q1]"'
		]);
		expect(messages(lf(HEADER, ...trailer))).toEqual([
			'rpw.csv:1: header: no corridor rows after the header'
		]);
	});
});
