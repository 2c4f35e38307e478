/**
 * Banco de México's two remittance tables, from real lines of the bundled files (CRLF, a name
 * quoted for its comma, the non-ISO codes ABK, ANT, XKX, XXX, PSE under two names, explicit
 * zeros), and each defect named by file, line and field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	COUNTRY_ALIASES,
	REFERENCE_COUNTRIES
} from '../../src/lib/server/db/reference/countries.generated.ts';
import {
	banxicoTableKind,
	parseBanxicoRemittances,
	readFlow,
	readMonth,
	readQuarter,
	readWholeNumber,
	type BanxicoTable
} from '../../src/lib/server/ingest/feeds/banxicoRemittances.ts';
import type { ParseContext } from '../../src/lib/server/ingest/feeds/oxcgrtC8.ts';
import { formatProblem } from '../../src/lib/server/ingest/problem.ts';
import { ROOT } from '../support/server.ts';

const countries = new Map(REFERENCE_COUNTRIES.map((c) => [c.iso3, c.iso3]));
for (const [alias, iso3] of Object.entries(COUNTRY_ALIASES)) countries.set(alias, iso3);
const context = (file: string): ParseContext => ({
	file,
	resolveCountry: (code) => countries.get(code.toUpperCase()) ?? null
});
const parse = (text: string, file = 'remesas.csv') => parseBanxicoRemittances(text, context(file));
const messages = (text: string, file = 'remesas.csv') =>
	parse(text, file).problems.items.map(formatProblem);
const crlf = (...lines: string[]) => lines.map((l) => `${l}\r\n`).join('');

// Real lines of remesas_mensuales.csv (lines 1, 2, 217–219, 392–393, 538–539).
const MONTHLY_HEADER = 'PERIODO,ID_FLUJO,FLUJO,OPERACIONES,VALOR_USD';
const MONTHLY = [
	'1995-01-01,1,Ingresos,767893,254572352',
	'2012-12-01,1,Ingresos,6080094,1773401615',
	'2013-01-01,1,Ingresos,5555896,1588910357',
	'2013-01-01,2,Egresos,115965,70846787',
	'2020-04-01,1,Ingresos,9036401,2982653058',
	'2020-04-01,2,Egresos,165802,38743683',
	'2026-05-01,1,Ingresos,13901418,5611002446',
	'2026-05-01,2,Egresos,273670,108459051'
];

// Real lines of remesas_pais.csv: its header and the 2026Q1 rows of ABK, ANT, GTM, MMR, PSE
// (twice: "Cisjordania" and "Palestina"), USA, XKX and XXX.
const PARTNER_HEADER = 'PERIODO,ID_PAIS,PAIS,ID_FLUJO,FLUJO,VALOR_USD';
const PARTNER = [
	'2026-01-01,ABK,República de Abjasia,1,Ingresos,2921',
	'2026-01-01,ABK,República de Abjasia,2,Egresos,0',
	'2026-01-01,ANT,Antillas Holandesas,1,Ingresos,1288',
	'2026-01-01,ANT,Antillas Holandesas,2,Egresos,0',
	'2026-01-01,GTM,Guatemala,1,Ingresos,9955554',
	'2026-01-01,GTM,Guatemala,2,Egresos,9079012',
	'2026-01-01,MMR,"Myanmar, Birmania",1,Ingresos,0',
	'2026-01-01,MMR,"Myanmar, Birmania",2,Egresos,4569',
	'2026-01-01,PSE,Cisjordania,1,Ingresos,0',
	'2026-01-01,PSE,Cisjordania,2,Egresos,0',
	'2026-01-01,PSE,Palestina,1,Ingresos,3697',
	'2026-01-01,PSE,Palestina,2,Egresos,7924',
	'2026-01-01,USA,Estados Unidos,1,Ingresos,14310996486',
	'2026-01-01,USA,Estados Unidos,2,Egresos,134428482',
	'2026-01-01,XKX,Kosovo,1,Ingresos,16832',
	'2026-01-01,XKX,Kosovo,2,Egresos,4976',
	'2026-01-01,XXX,No Identificado,1,Ingresos,133112421',
	'2026-01-01,XXX,No Identificado,2,Egresos,20788071'
];

const months = (table: BanxicoTable) => (table.kind === 'monthly' ? table.months : []);
const corridors = (table: BanxicoTable) => (table.kind === 'by-partner' ? table.corridors : []);

describe('banxico-remittances: the pieces', () => {
	it('tells the two tables apart by their header, in any order and case', () => {
		expect(banxicoTableKind(MONTHLY_HEADER.split(','))).toBe('monthly');
		expect(banxicoTableKind(PARTNER_HEADER.split(','))).toBe('by-partner');
		expect(banxicoTableKind(['valor_usd', 'Periodo', 'ID_FLUJO', 'FLUJO', 'OPERACIONES'])).toBe(
			'monthly'
		);
		// A column more or less is neither table.
		expect(banxicoTableKind([...MONTHLY_HEADER.split(','), 'NOTA'])).toBeNull();
		expect(banxicoTableKind(PARTNER_HEADER.split(',').slice(1))).toBeNull();
	});

	it('reads flows, months, quarters and whole numbers', () => {
		expect(readFlow('1', 'Ingresos')).toEqual({ ok: true, value: 'received' });
		expect(readFlow('2', ' egresos ')).toEqual({ ok: true, value: 'paid' });
		expect(readFlow('3', 'Otros')).toMatchObject({ ok: false, field: 'ID_FLUJO' });
		expect(readFlow('1', 'Egresos')).toMatchObject({ ok: false, field: 'FLUJO' });
		expect(readMonth('2020-04-01')).toEqual({ ok: true, value: '2020-04' });
		expect(readMonth('2020-04-15')).toMatchObject({ ok: false });
		expect(readMonth('2020-13-01')).toMatchObject({ ok: false });
		expect(readMonth('04/2020')).toMatchObject({ ok: false });
		expect(readQuarter('2026-01-01')).toEqual({ ok: true, value: '2026Q1' });
		expect(readQuarter('2013-10-01')).toEqual({ ok: true, value: '2013Q4' });
		expect(readQuarter('2013-05-01')).toMatchObject({ ok: false });
		expect(readWholeNumber('14310996486')).toEqual({ ok: true, value: 14_310_996_486 });
		expect(readWholeNumber('0')).toEqual({ ok: true, value: 0 });
		for (const bad of ['', '-1', '12.5', '1e6', 'N/E', '99999999999999999999']) {
			expect(readWholeNumber(bad).ok, bad).toBe(false);
		}
	});
});

describe('banxico-remittances on the monthly table', () => {
	it('reads real lines (CRLF): US$ and operations per month and direction', () => {
		const { value, rowsRead, problems } = parse(crlf(MONTHLY_HEADER, ...MONTHLY));
		expect(problems.items).toEqual([]);
		expect(rowsRead).toBe(8);
		expect(value.kind).toBe('monthly');
		expect(months(value)).toEqual([
			{ month: '1995-01', measure: 'received', value: 254_572_352, operations: 767_893 },
			{ month: '2012-12', measure: 'received', value: 1_773_401_615, operations: 6_080_094 },
			{ month: '2013-01', measure: 'received', value: 1_588_910_357, operations: 5_555_896 },
			{ month: '2013-01', measure: 'paid', value: 70_846_787, operations: 115_965 },
			{ month: '2020-04', measure: 'received', value: 2_982_653_058, operations: 9_036_401 },
			{ month: '2020-04', measure: 'paid', value: 38_743_683, operations: 165_802 },
			{ month: '2026-05', measure: 'received', value: 5_611_002_446, operations: 13_901_418 },
			{ month: '2026-05', measure: 'paid', value: 108_459_051, operations: 273_670 }
		]);
	});

	it('reads the whole bundled file: inflows from 1995-01, outflows from 2013-01, to 2026-05', () => {
		const text = readFileSync(
			join(ROOT, 'data', 'banxico-remesas', 'remesas_mensuales.csv'),
			'utf8'
		);
		expect(text.startsWith(`${MONTHLY_HEADER}\r\n${MONTHLY[0]}\r\n`)).toBe(true);
		const { value, rowsRead, problems } = parse(text);
		expect(problems.items).toEqual([]);
		expect(rowsRead).toBe(538);
		const received = months(value).filter((m) => m.measure === 'received');
		const paid = months(value).filter((m) => m.measure === 'paid');
		expect([received.length, received[0]!.month, received.at(-1)!.month]).toEqual([
			377,
			'1995-01',
			'2026-05'
		]);
		expect([paid.length, paid[0]!.month, paid.at(-1)!.month]).toEqual([161, '2013-01', '2026-05']);
	});

	it('names each defect by file, line and field, and refuses the whole input', () => {
		const [, , jan13in, jan13out, apr20in] = MONTHLY;
		const text = crlf(
			MONTHLY_HEADER,
			jan13in!,
			jan13out!.replace(',2,Egresos,', ',3,Otros,'),
			apr20in!.replace(',1,Ingresos,', ',1,Egresos,'),
			apr20in!.replace('2020-04-01', '2020-04-15'),
			apr20in!.replace(',9036401,', ',-5,'),
			apr20in!.replace(',2982653058', ',2982653058.5'),
			jan13in!,
			'2013-02-01,1,Ingresos,5887280'
		);
		const outcome = parse(text, 'remesas_mensuales.csv');
		expect(outcome.value).toEqual({ kind: null });
		expect(outcome.problems.items.map(formatProblem)).toEqual([
			'remesas_mensuales.csv:3: ID_FLUJO: unknown flow "3" (expected 1, Ingresos: received in Mexico, or 2, Egresos: sent from Mexico)',
			'remesas_mensuales.csv:4: FLUJO: "Egresos" does not match ID_FLUJO 1 (Ingresos)',
			'remesas_mensuales.csv:5: PERIODO: "2020-04-15" is not the first day of a month',
			'remesas_mensuales.csv:6: OPERACIONES: "-5" is not a whole number of 0 or more',
			'remesas_mensuales.csv:7: VALOR_USD: "2982653058.5" is not a whole number of 0 or more',
			'remesas_mensuales.csv:8: PERIODO: 2013-01 Ingresos already appears on line 2',
			'remesas_mensuales.csv:9: row: expected 5 cells like the header, found 4'
		]);
	});

	it('refuses a file that is neither table, and an empty one', () => {
		expect(messages('PERIODO,VALOR\r\n2020-01-01,5\r\n')).toEqual([
			'remesas.csv:1: header: expected the monthly table\'s "PERIODO,ID_FLUJO,FLUJO,OPERACIONES,VALOR_USD" or the by-country table\'s "PERIODO,ID_PAIS,PAIS,ID_FLUJO,FLUJO,VALOR_USD", found "PERIODO,VALOR"'
		]);
		expect(messages('')).toEqual(['remesas.csv:0: header: the file is empty']);
		expect(messages(crlf(MONTHLY_HEADER))).toEqual([
			'remesas.csv:1: header: no data rows after the header'
		]);
	});
});

describe('banxico-remittances on the table by partner country', () => {
	it('reads real lines: a quoted name, ABK, ANT, XKX and XXX kept, PSE under two names added up', () => {
		const { value, rowsRead, problems } = parse(crlf(PARTNER_HEADER, ...PARTNER));
		expect(problems.items).toEqual([]);
		expect(rowsRead).toBe(18);
		expect(value.kind).toBe('by-partner');
		const flow = (origin: string, destination: string) =>
			corridors(value).find((c) => c.origin === origin && c.destination === destination)?.value;
		// Ingresos: money from the partner into Mexico; Egresos: from Mexico to the partner.
		expect(flow('USA', 'MEX')).toBe(14_310_996_486);
		expect(flow('MEX', 'USA')).toBe(134_428_482);
		expect(flow('MEX', 'GTM')).toBe(9_079_012);
		expect(flow('MMR', 'MEX')).toBe(0); // explicit zeros are values
		expect(flow('MEX', 'MMR')).toBe(4569);
		expect(flow('ABK', 'MEX')).toBe(2921);
		expect(flow('ANT', 'MEX')).toBe(1288);
		expect(flow('XKX', 'MEX')).toBe(16_832);
		expect(flow('XXX', 'MEX')).toBe(133_112_421);
		expect(flow('MEX', 'XXX')).toBe(20_788_071);
		// "Cisjordania" (0) and "Palestina" (3697, 7924) are both PSE.
		expect(flow('PSE', 'MEX')).toBe(3697);
		expect(flow('MEX', 'PSE')).toBe(7924);
		expect(corridors(value)).toHaveLength(16);
		expect(new Set(corridors(value).map((c) => c.quarter))).toEqual(new Set(['2026Q1']));
	});

	it('reads the whole bundled file: 2013Q1 to 2026Q1, both directions', () => {
		const text = readFileSync(join(ROOT, 'data', 'banxico-remesas', 'remesas_pais.csv'), 'utf8');
		const { value, rowsRead, problems } = parse(text);
		expect(problems.items).toEqual([]);
		expect(rowsRead).toBe(22_790);
		// 53 quarters × 2 directions × 214 partners (PSE's two names are one).
		expect(corridors(value)).toHaveLength(53 * 2 * 214);
		const quarters = [...new Set(corridors(value).map((c) => c.quarter))].sort();
		expect([quarters.length, quarters[0], quarters.at(-1)]).toEqual([53, '2013Q1', '2026Q1']);
	});

	it('refuses an unknown code by name, a duplicate, Mexico as partner and a mid-quarter date', () => {
		const text = crlf(
			PARTNER_HEADER,
			PARTNER[0]!.replace('ABK,República de Abjasia', 'ZZZ,Atlántida'),
			PARTNER[4]!,
			PARTNER[4]!,
			PARTNER[4]!.replace('GTM,Guatemala', 'MEX,México'),
			PARTNER[4]!.replace('2026-01-01', '2026-02-01'),
			PARTNER[5]!.replace(',9079012', ',')
		);
		expect(messages(text, 'remesas_pais.csv')).toEqual([
			'remesas_pais.csv:2: ID_PAIS: unknown country code "ZZZ" ("Atlántida"): neither an ISO 3166 country nor one of ANT, ABK, XXX',
			'remesas_pais.csv:4: ID_PAIS: GTM "Guatemala" 2026Q1 Ingresos already appears on line 3',
			'remesas_pais.csv:5: ID_PAIS: "MEX" is Mexico, which reports these flows',
			'remesas_pais.csv:6: PERIODO: "2026-02-01" is not the first day of a quarter (-01-01, -04-01, -07-01 or -10-01)',
			'remesas_pais.csv:7: VALOR_USD: empty (expected a whole number of 0 or more)'
		]);
	});
});
