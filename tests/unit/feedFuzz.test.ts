/**
 * Property-based fuzzing of the text feeds (oxcgrt-c8, wb-indicator, gdp, restrictions,
 * banxico-remittances, rpw) and of the ingest runner, from real lines of the bundled snapshots
 * in data/.
 *
 * Inputs are real extracts mutated at random (truncated, bytes flipped/inserted/deleted, lines
 * duplicated/dropped/swapped, cells replaced by NA/./""/huge/negative/unicode, quoting, CR/LF
 * and BOM changed), real headers over random cells, and fully random strings and bytes. The
 * properties: parsing never throws and every problem names file, line (within the input) and
 * field in one `file:line: field: reason` line; an ingest either commits (and the same input
 * again changes nothing) or is refused with IngestRefusedError and the database unchanged.
 *
 * Seeds are random on every run; on a failure fast-check prints the seed, the path and the
 * minimal counterexample, and `fc.assert(…, { seed, path })` replays it.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import {
	COUNTRY_ALIASES,
	REFERENCE_COUNTRIES,
	WB_AGGREGATES
} from '../../src/lib/server/db/reference/countries.generated.ts';
import type { Feed, ParseContext } from '../../src/lib/server/ingest/feed.ts';
import { FEEDS } from '../../src/lib/server/ingest/feeds/index.ts';
import { formatProblem, type IngestProblem } from '../../src/lib/server/ingest/problem.ts';
import { runIngest, type IngestInput } from '../../src/lib/server/ingest/run.ts';
import { readGrid, toBareNA, toVintage2020, writeGrid } from '../support/c8Variants.ts';
import { dumpContent } from '../support/db.ts';
import { ingestOnCopy as ingestOnSeededCopy } from '../support/ingestProperty.ts';
import { C8_SNAPSHOT, ROOT, tempDir } from '../support/server.ts';

/** FUZZ_SCALE=10 runs ten times as many cases (for a deeper search than the suite's). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

// --- real seeds ------------------------------------------------------------------------------

const DATA = join(ROOT, 'data');
const read = (...path: string[]) => readFileSync(join(DATA, ...path), 'utf8');

/** OxCGRT C8: the real header and rows of 10 countries, cut to three weeks of March 2020. */
const c8Seed = (() => {
	const grid = readGrid(readFileSync(C8_SNAPSHOT, 'utf8'));
	const codes = ['ABW', 'AFG', 'BRA', 'CHN', 'COM', 'ITA', 'NAM', 'NZL', 'RKS', 'USA'];
	const first = grid[0]!.indexOf('01Mar2020');
	const cut = (row: string[]) => [...row.slice(0, 3), ...row.slice(first, first + 21)];
	const rows = grid.filter((row, i) => i === 0 || codes.includes(row[1]!)).map(cut);
	expect(rows).toHaveLength(codes.length + 1);
	return writeGrid(rows, { quoteAll: true });
})();
const C8_SEEDS = [c8Seed, toVintage2020(c8Seed), toBareNA(c8Seed)];

/** World Bank bulk CSV: the real preamble, header and 8 rows (BX with BOM and CRLF, BM with LF). */
const WB_CODES = ['ABW', 'AFG', 'CHI', 'EUU', 'INX', 'KOR', 'WLD', 'XKX'];
function wbSeed(name: string): string {
	const text = read('worldbank-wdi', name);
	const nl = text.includes('\r\n') ? '\r\n' : '\n';
	const lines = text.split(nl);
	const header = lines.findIndex((l) => l.startsWith('"Country Name","Country Code"'));
	const rows = lines.filter((l) => WB_CODES.some((code) => l.includes(`","${code}","Personal`)));
	expect(rows).toHaveLength(WB_CODES.length);
	return [...lines.slice(0, header + 1), ...rows].join(nl) + nl;
}
const BX_SEED = wbSeed('API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv');
const BM_SEED = wbSeed('API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv');

/** The same BX values as the World Bank API v2 answers them: two pages [meta, rows]. */
const apiSeed = (() => {
	const grid = parseCsv(BX_SEED, { bom: true, relax_column_count: true }) as string[][];
	const [header, ...rows] = grid.slice(grid.findIndex((r) => r[1] === 'Country Code'));
	const apiRows = rows.flatMap((r) =>
		['2019', '2018', '2017'].map((year) => {
			const cell = r[header!.indexOf(year)]!;
			return {
				indicator: { id: r[3], value: r[2] },
				country: { id: r[1]!.slice(0, 2), value: r[0] },
				countryiso3code: r[1],
				date: year,
				value: cell === '' ? null : Number(cell),
				unit: '',
				obs_status: '',
				decimal: 0
			};
		})
	);
	const half = Math.ceil(apiRows.length / 2);
	const meta = (page: number) => ({ page, pages: 2, per_page: half, total: apiRows.length });
	return [
		[meta(1), apiRows.slice(0, half)],
		[meta(2), apiRows.slice(half)]
	];
})();
const WB_SEEDS = [BX_SEED, BM_SEED, JSON.stringify(apiSeed), JSON.stringify(apiSeed, null, 1)];

/** datasets/gdp long CSV: the real header and every row of 6 economies/aggregates from 2012. */
const GDP_SEED = (() => {
	const lines = read('datasets-gdp', 'gdp.csv').split('\n');
	const wanted = ['AFG', 'CHI', 'EUU', 'KOR', 'WLD', 'XKX'];
	const rows = lines.filter((l) => {
		const m = /,([A-Z]{3}),(\d{4}),/.exec(l);
		return m && wanted.includes(m[1]!) && Number(m[2]) >= 2012;
	});
	expect(rows.length).toBeGreaterThan(30);
	return [lines[0]!, ...rows].join('\n') + '\n';
})();

/** Banco de México: the real header and some lines of each table (CRLF, PSE twice, MMR quoted). */
const BANXICO_SEEDS = (() => {
	const pick = (file: string, keep: RegExp, lines: number) => {
		const [header, ...rows] = read('banxico-remesas', file).split('\r\n');
		const kept = rows.filter((l) => keep.test(l));
		expect(kept).toHaveLength(lines);
		return [header, ...kept].join('\r\n') + '\r\n';
	};
	return [
		pick('remesas_mensuales.csv', /^(1995-0[12]|2012-12|2013-01|2020-04|2026-05)-01,/, 9),
		pick('remesas_pais.csv', /^2026-01-01,(ABK|ANT|GTM|MMR|PSE|USA|XKX|XXX),/, 18)
	];
})();

/** RPW: the real header (BOM), six corridors (a quoted name, KSV, ANT, a negative) and trailer. */
const RPW_SEED = (() => {
	const lines = read('worldbank-rpw', '36d1ed87-9a2d-41da-8eac-c1c25d45fa65_Data.csv').split('\n');
	const corridors = [274, 2550, 2846, 3978, 5281, 5282].map((n) => lines[n - 1]!);
	return [lines[0]!, ...corridors, ...lines.slice(5329, 5334)].join('\n') + '\n';
})();

/** Editors' restrictions (no bundled file: the rows of the API's documentation). */
const RESTRICTION_ROWS = [
	{
		iso3: 'NZL',
		effective_from: '2021-05-01',
		level: 1,
		note: 'Travel bubble with Australia, quarantine-free',
		source_url: 'https://example.org/nz'
	},
	{ iso3: 'RKS', effective_from: '2021-05-10', level: 0 },
	{ iso3: 'NZL', effective_from: '2021-06-15', level: 3, note: 'Bubble paused' }
];
const RESTRICTIONS_CSV = [
	'iso3,effective_from,level,note,source_url',
	'NZL,2021-05-01,1,"Travel bubble with Australia, quarantine-free",https://example.org/nz',
	'RKS,2021-05-10,0,,',
	'NZL,2021-06-15,3,Bubble paused,'
].join('\n');
const RESTRICTION_SEEDS = [
	RESTRICTIONS_CSV,
	JSON.stringify(RESTRICTION_ROWS),
	JSON.stringify(RESTRICTION_ROWS, null, 2)
];

interface FeedCase {
	feed: Feed<unknown>;
	seeds: readonly string[];
	/** Whether the feed also reads JSON (problems then name rows by their position). */
	json: boolean;
	/** Cell values the feed accepts, so that edits also make inputs that commit new values. */
	values: readonly string[];
}
const AMOUNTS = ['0', '1', '0.5', '12345.678', '1e9', '7166100000', '', '..'];
const CASES: readonly FeedCase[] = [
	{
		feed: FEEDS['oxcgrt-c8']!,
		seeds: C8_SEEDS,
		json: false,
		values: ['0', '1', '2', '3', '4', '4.0', 'NA', '.', '']
	},
	{ feed: FEEDS['wb-indicator']!, seeds: WB_SEEDS, json: true, values: AMOUNTS },
	{ feed: FEEDS['gdp']!, seeds: [GDP_SEED], json: false, values: AMOUNTS },
	{
		feed: FEEDS['restrictions']!,
		seeds: RESTRICTION_SEEDS,
		json: true,
		values: ['0', '2', '4', '2020-03-15', '2021-05-01', '2021-06-30', 'AUS', 'NZL', 'RKS', '']
	},
	{
		feed: FEEDS['banxico-remittances']!,
		seeds: BANXICO_SEEDS,
		json: false,
		values: [
			'0',
			'1',
			'2',
			'Ingresos',
			'Egresos',
			'2013-01-01',
			'2026-04-01',
			'767893',
			'XXX',
			'PSE'
		]
	},
	{
		feed: FEEDS['rpw']!,
		seeds: [RPW_SEED],
		json: false,
		values: ['..', '0', '4.5', '-11.36', '99.9', 'KSV', 'ANT', 'MEX', 'ATCR.CORR']
	}
];

// --- mutations ---------------------------------------------------------------------------------

const TOKENS = [
	...['', 'NA', '.', '..', '""', '"', "'", ',', ',,', ' ', '\t', '\0', '-', 'null', 'true'],
	...['\r', '\n', '\r\n', '\n\n', '\uFEFF', '\u2028', '"a\nb"', '"a""b"', '🌍', 'é', '\uFFFD'],
	...['0', '-0', '-1', '3', '4', '5', '3.0', '4.5', '+2', '1e3', '0x1F', '1_000', '1,5', 'NaN'],
	...['Infinity', '-Infinity', '1e309', '-1e309', '1e-400', '99999999999999999999999999'],
	...['-5000000', '0.0000000001', '2019', '1959', '2101', '0000', '9999', '01Jan2020'],
	...['31Feb2020', '29feb2021', '1Mar2020', '01Foo2020', '2021-05-01', '2021-13-01'],
	...['ABW', 'abw', 'RKS', 'XKX', 'KSV', 'WLD', 'INX', 'EUU', 'XYZ', 'Country Code', 'Year'],
	...['Value', 'Indicator Code', 'BX.TRF.PWKR.CD.DT', 'NY.GDP.MKTP.CD', 'country_code'],
	...['iso3', 'level', 'ftp://example.org', 'https://example.org', '[', ']', '{', '}', '[]', '{}']
];
const token: fc.Arbitrary<string> = fc.oneof(
	{ weight: 6, arbitrary: fc.constantFrom(...TOKENS) },
	{ weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
	{ weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map(String) }
);

type Mutation =
	| { op: 'truncate'; at: number }
	| { op: 'flip'; at: number; mask: number }
	| { op: 'insert'; at: number; text: string }
	| { op: 'delete'; at: number; length: number }
	| { op: 'duplicateLine' | 'dropLine'; line: number }
	| { op: 'swapLines'; a: number; b: number }
	| { op: 'setCell'; line: number; cell: number; text: string; quoted: boolean }
	| { op: 'quoting'; style: 'none' | 'all' | 'single' }
	| { op: 'newlines'; to: '\n' | '\r\n' | '\r' }
	| { op: 'bom'; on: boolean };

const at = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	fc.record({ op: fc.constant('truncate' as const), at }),
	fc.record({ op: fc.constant('flip' as const), at, mask: fc.integer({ min: 1, max: 255 }) }),
	fc.record({ op: fc.constant('insert' as const), at, text: token }),
	fc.record({ op: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 16 }) }),
	fc.record({ op: fc.constantFrom('duplicateLine' as const, 'dropLine' as const), line: at }),
	fc.record({ op: fc.constant('swapLines' as const), a: at, b: at }),
	{
		weight: 3,
		arbitrary: fc.record({
			op: fc.constant('setCell' as const),
			line: at,
			cell: at,
			text: token,
			quoted: fc.boolean()
		})
	},
	fc.record({
		op: fc.constant('quoting' as const),
		style: fc.constantFrom('none', 'all', 'single')
	}),
	fc.record({ op: fc.constant('newlines' as const), to: fc.constantFrom('\n', '\r\n', '\r') }),
	fc.record({ op: fc.constant('bom' as const), on: fc.boolean() })
);

const utf8 = (text: string) => Buffer.from(text, 'utf8');

function mutate(input: Buffer, m: Mutation): Buffer {
	const n = input.length;
	switch (m.op) {
		case 'truncate':
			return input.subarray(0, m.at % (n + 1));
		case 'flip': {
			if (n === 0) return input;
			const copy = Buffer.from(input);
			copy[m.at % n] = copy[m.at % n]! ^ m.mask;
			return copy;
		}
		case 'insert': {
			const i = m.at % (n + 1);
			return Buffer.concat([input.subarray(0, i), utf8(m.text), input.subarray(i)]);
		}
		case 'delete': {
			const i = m.at % (n + 1);
			return Buffer.concat([input.subarray(0, i), input.subarray(i + m.length)]);
		}
		case 'quoting': {
			const text = input.toString('utf8');
			if (m.style === 'none') return utf8(text.replaceAll('"', ''));
			if (m.style === 'single') return utf8(text.replaceAll('"', "'"));
			const quote = (c: string) => (c.startsWith('"') ? c : `"${c}"`);
			return utf8(
				text
					.split('\n')
					.map((l) => l.split(',').map(quote).join(','))
					.join('\n')
			);
		}
		case 'newlines':
			return utf8(input.toString('utf8').replace(/\r\n|\r|\n/g, m.to));
		case 'bom': {
			const text = input.toString('utf8').replace(/^\uFEFF/, '');
			return utf8(m.on ? `\uFEFF${text}` : text);
		}
		default:
			return editLines(input, m);
	}
}

/** Line operations, on the text's LF-separated lines (a CR stays with its line). */
function editLines(
	input: Buffer,
	m: Extract<Mutation, { op: 'duplicateLine' | 'dropLine' | 'swapLines' | 'setCell' }>
): Buffer {
	const lines = input.toString('utf8').split('\n');
	const i = (k: number) => k % lines.length;
	if (m.op === 'setCell') {
		const cells = lines[i(m.line)]!.split(',');
		cells[m.cell % cells.length] = m.quoted ? `"${m.text.replaceAll('"', '""')}"` : m.text;
		lines[i(m.line)] = cells.join(',');
	} else if (m.op === 'swapLines') {
		const [a, b] = [i(m.a), i(m.b)];
		[lines[a], lines[b]] = [lines[b]!, lines[a]!];
	} else if (m.op === 'duplicateLine') lines.splice(i(m.line), 0, lines[i(m.line)]!);
	else lines.splice(i(m.line), 1);
	return utf8(lines.join('\n'));
}

/** What is fed in: a string, or bytes (which the runner decodes as UTF-8 for text feeds). */
type Fuzzed = string | Uint8Array;

/** A real seed after 1–4 mutations, handed over as text or as bytes. */
const mutatedSeed = (seeds: readonly string[]): fc.Arbitrary<Fuzzed> =>
	fc
		.tuple(
			fc.constantFrom(...seeds),
			fc.array(mutation, { minLength: 1, maxLength: 4 }),
			fc.boolean()
		)
		.map(([seed, mutations, asBytes]) => {
			const bytes = mutations.reduce(mutate, utf8(seed));
			return asBytes ? new Uint8Array(bytes) : bytes.toString('utf8');
		});

/** A real seed with a few cells set to values the feed accepts (most of these commit). */
const plausibleEdits = (c: FeedCase): fc.Arbitrary<Fuzzed> => {
	const edit = fc.record({
		op: fc.constant('setCell' as const),
		line: fc.nat(),
		cell: fc.nat(),
		text: fc.constantFrom(...c.values),
		quoted: fc.boolean()
	});
	const layout = fc.oneof(
		fc.record({ op: fc.constant('newlines' as const), to: fc.constantFrom('\n', '\r\n') }),
		fc.record({ op: fc.constant('bom' as const), on: fc.boolean() }),
		fc.record({ op: fc.constant('dropLine' as const), line: fc.nat() })
	);
	return fc
		.tuple(
			fc.constantFrom(...c.seeds.filter((s) => !/^\s*[[{]/.test(s))),
			fc.array(fc.oneof({ weight: 4, arbitrary: edit }, layout), { minLength: 1, maxLength: 6 })
		)
		.map(([seed, edits]) => edits.reduce(mutate, utf8(seed)).toString('utf8'));
};

/** The real header lines of a seed over rows of random cells. */
const headerOverRandomRows = (seeds: readonly string[]): fc.Arbitrary<Fuzzed> =>
	fc
		.tuple(
			fc.constantFrom(...seeds.filter((s) => !/^\s*[[{]/.test(s))),
			fc.array(fc.array(token, { minLength: 1, maxLength: 30 }), { maxLength: 5 })
		)
		.map(([seed, rows]) => {
			const lines = seed.split('\n');
			const header = lines.findIndex((l) => /country|iso3/i.test(l));
			return [...lines.slice(0, header + 1), ...rows.map((r) => r.join(','))].join('\n');
		});

/** A JSON seed with one value, anywhere in it, replaced by another (random JSON by default). */
const jsonSeedEdit = (
	seeds: readonly string[],
	replacement: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 })
): fc.Arbitrary<Fuzzed> =>
	fc
		.tuple(
			fc.constantFrom(...seeds.filter((s) => /^\s*[[{]/.test(s))),
			fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
			replacement,
			fc.constantFrom(0, 1)
		)
		.map(([seed, path, replacement, indent]) => {
			const data = JSON.parse(seed) as unknown;
			let node = data as Record<string, unknown>;
			for (let depth = 0; depth < path.length; depth++) {
				const keys = Object.keys(node);
				if (keys.length === 0) break;
				const key = keys[path[depth]! % keys.length]!;
				const child = node[key];
				if (depth === path.length - 1 || typeof child !== 'object' || child === null) {
					node[key] = replacement;
					break;
				}
				node = child as Record<string, unknown>;
			}
			return JSON.stringify(data, null, indent);
		});

function fuzzedInput(c: FeedCase): fc.Arbitrary<Fuzzed> {
	const arbitraries: fc.WeightedArbitrary<Fuzzed>[] = [
		{ weight: 12, arbitrary: mutatedSeed(c.seeds) },
		{ weight: 4, arbitrary: plausibleEdits(c) },
		{ weight: 3, arbitrary: headerOverRandomRows(c.seeds) },
		{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
		{ weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 300 }) },
		{ weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) }
	];
	if (c.json) {
		arbitraries.push(
			{ weight: 4, arbitrary: jsonSeedEdit(c.seeds) },
			{
				weight: 2,
				arbitrary: jsonSeedEdit(
					c.seeds,
					fc.constantFrom(...c.values).chain((v) => fc.constantFrom(v, Number(v), null))
				)
			},
			{ weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) }
		);
	}
	return fc.oneof(...arbitraries);
}

// --- checks ------------------------------------------------------------------------------------

const decode = (input: Fuzzed) =>
	typeof input === 'string' ? input : new TextDecoder('utf-8', { ignoreBOM: true }).decode(input);

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

/** The largest line a problem may name: the input's line count + 1, or a JSON row's position. */
function lineBound(text: string, json: boolean): number {
	const lines = count(text, /\r\n|\r|\n/g) + 1;
	const body = text.replace(/^\uFEFF/, '').trimStart();
	if (!json || !(body.startsWith('[') || body.startsWith('{'))) return lines + 1;
	// JSON problems name a row by its position, across the pages of an API answer.
	let rows = 0;
	const visit = (v: unknown, depth: number) => {
		if (!Array.isArray(v) || depth > 2) return;
		rows += v.length;
		for (const x of v) visit(x, depth + 1);
	};
	try {
		visit(JSON.parse(body), 0);
	} catch {
		// Not JSON: the problem is at line 0.
	}
	return Math.max(lines + 1, rows);
}

type Check = 'file' | 'line' | 'field' | 'reason' | 'one line' | 'shape';

/** Every problem names the file, a line within the input, a field and a reason, on one line. */
function checkProblems(
	problems: readonly IngestProblem[],
	feed: string,
	text: string,
	json: boolean
): void {
	const bound = lineBound(text, json);
	for (const p of problems) {
		const message = formatProblem(p);
		const failed: [Check, string][] = [];
		if (p.file !== FILE) failed.push(['file', `the problem names ${p.file}, not ${FILE}`]);
		if (!Number.isInteger(p.line) || p.line < 0 || p.line > bound) {
			failed.push(['line', `line ${p.line} is outside 0…${bound}`]);
		}
		if (typeof p.field !== 'string' || p.field.trim() === '') failed.push(['field', 'no field']);
		if (typeof p.reason !== 'string' || p.reason.trim() === '') {
			failed.push(['reason', 'no reason']);
		}
		if (/[\r\n]/.test(message)) failed.push(['one line', 'the message spans several lines']);
		if (!message.startsWith(`${FILE}:${p.line}: ${p.field}: `)) {
			failed.push(['shape', 'not file:line: field: reason']);
		}
		for (const [, what] of failed) throw new Error(`${feed}: ${what}: ${JSON.stringify(p)}`);
	}
}

const FILE = 'fuzz-input.csv';

function parseContext(): ParseContext {
	const countries = new Map(REFERENCE_COUNTRIES.map((c) => [c.iso3, c.iso3]));
	for (const [alias, iso3] of Object.entries(COUNTRY_ALIASES)) countries.set(alias, iso3);
	const aggregates = new Set(WB_AGGREGATES.map((a) => a.code));
	return {
		file: FILE,
		resolveCountry: (code) => countries.get(code.trim().toUpperCase()) ?? null,
		isAggregate: (code) => aggregates.has(code.trim().toUpperCase())
	};
}

// --- property 1: parsing ---------------------------------------------------------------------

describe.each(CASES.map((c) => [c.feed.name, c] as const))('%s parse fuzzing', (_, c) => {
	const ctx = parseContext();

	it('parses every real seed without problems', () => {
		for (const seed of c.seeds) expect(c.feed.parse(seed, ctx).problems.items).toEqual([]);
	});

	it('never throws; every problem is file:line: field: reason within the input', () => {
		fc.assert(
			fc.property(fuzzedInput(c), (input) => {
				const text = decode(input);
				const { problems, rowsRead } = c.feed.parse(text, ctx);
				expect(Number.isInteger(rowsRead) && rowsRead >= 0).toBe(true);
				expect(problems.total).toBeGreaterThanOrEqual(problems.items.length);
				checkProblems(problems.items, c.feed.name, text, c.json);
			}),
			{ numRuns: 200 * SCALE }
		);
	});
});

// --- property 2: the ingest runner -------------------------------------------------------------

describe('runIngest fuzzing on a seeded SQLite file', () => {
	let dir: string;
	let seedPath: string;
	let seeded: Record<string, unknown[]>;
	const outcomes: Record<string, { committed: number; refused: number }> = {};

	beforeAll(() => {
		dir = tempDir('crossings-fuzz-');
		seedPath = join(dir, 'seed.db');
		const db = openDatabase(seedPath);
		for (const c of CASES) {
			for (const [i, seed] of c.seeds.entries()) {
				runIngest(db, c.feed, { source: `seed-${c.feed.name}-${i}`, text: seed });
			}
		}
		db.pragma('wal_checkpoint(TRUNCATE)');
		seeded = dumpContent(db);
		db.close();
	});
	afterAll(() => {
		console.info('runIngest outcomes', JSON.stringify(outcomes));
		rmSync(dir, { recursive: true, force: true });
	});

	/** One run on a fresh copy of the seeded file; throws on any broken promise. */
	function ingestOnCopy(c: FeedCase, fuzzed: Fuzzed): 'committed' | 'refused' {
		const input: IngestInput =
			typeof fuzzed === 'string' ? { source: FILE, text: fuzzed } : { source: FILE, bytes: fuzzed };
		const result = ingestOnSeededCopy({ path: seedPath, content: seeded, dir }, c.feed, input);
		if (result.outcome === 'refused') {
			checkProblems(result.problems, c.feed.name, decode(fuzzed), c.json);
		}
		return result.outcome;
	}

	it.each(CASES.map((c) => [c.feed.name, c] as const))(
		'%s: commits idempotently or refuses leaving the database as it was',
		(name, c) => {
			const tally = (outcomes[name] = { committed: 0, refused: 0 });
			// The unchanged seeds commit and change nothing.
			for (const seed of c.seeds) expect(ingestOnCopy(c, seed)).toBe('committed');
			fc.assert(
				fc.property(fuzzedInput(c), (input) => {
					tally[ingestOnCopy(c, input)]++;
				}),
				{ numRuns: 60 * SCALE }
			);
		}
	);
});
