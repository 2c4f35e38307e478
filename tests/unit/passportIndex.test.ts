/**
 * The Passport Index parser on real lines of each vintage (copied from the bundled snapshots,
 * line numbers as in the files), the two categories mapped deliberately, refusals that name the
 * value and its lines, and the interval arithmetic of snapshots arriving in any order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	describeVisaRule,
	VISA_REQUIREMENTS,
	visaRequirementOrdinal,
	type VisaRule
} from '../../src/lib/domain/visaRequirement.ts';
import {
	detectVocabulary,
	linesList,
	normaliseVisaValue,
	parsePassportIndex,
	snapshotDateOf
} from '../../src/lib/server/ingest/feeds/passportIndex.ts';
import {
	placeSnapshotRule,
	type VisaInterval
} from '../../src/lib/server/ingest/feeds/visaIntervals.ts';
import { formatProblem } from '../../src/lib/server/ingest/problem.ts';
import { ROOT } from '../support/server.ts';

const KNOWN = new Set([
	...['AFG', 'ALB', 'AGO', 'ARE', 'ARG', 'ARM', 'AZE', 'BGD', 'CHN', 'CIV', 'DMA', 'DOM', 'DZA'],
	...['GBR', 'GEO', 'HTI', 'KWT', 'OMN', 'PSE', 'QAT', 'UZB', 'XKX']
]);
const resolveCountry = (code: string) => (KNOWN.has(code) ? code : null);
const file = (date: string) => `data/passport-index/legacy/${date}/passport-index-tidy-iso3.csv`;
const parse = (date: string, lines: string[], snapshotDate?: string) =>
	parsePassportIndex(lines.join('\n') + '\n', { file: file(date), resolveCountry, snapshotDate });
const rules = (date: string, lines: string[]) => {
	const result = parse(date, lines);
	expect(result.problems.items.map(formatProblem)).toEqual([]);
	return result.value.rows.map((r) => [r.passport, r.destination, describeVisaRule(r.rule)]);
};
const messages = (date: string, lines: string[], snapshotDate?: string) =>
	parse(date, lines, snapshotDate).problems.items.map(formatProblem);

const free = (days: number | null = null): VisaRule => ({
	requirement: 'visa-free',
	days,
	sourceTerm: null
});
const plain = (requirement: VisaRule['requirement']): VisaRule => ({
	requirement,
	days: null,
	sourceTerm: null
});

describe('the requirement vocabulary', () => {
	it('is ordered from the most open to the most closed, with labels for a legend', () => {
		expect(VISA_REQUIREMENTS.map((r) => r.id)).toEqual([
			'visa-free',
			'visa-on-arrival',
			'eta',
			'e-visa',
			'visa-required',
			'covid-ban',
			'no-admission'
		]);
		expect(VISA_REQUIREMENTS.every((r) => r.label && r.description)).toBe(true);
		expect(visaRequirementOrdinal('visa-free')).toBe(0);
		expect(visaRequirementOrdinal('no-admission')).toBe(6);
	});
});

describe('parsePassportIndex on real lines', () => {
	it('reads the 2019 numeric codes: 3 visa-free, 2 on arrival, 1 eTA, 0 visa required', () => {
		// 2019-12-17, lines 2, 14, 42, 49.
		const lines = ['Passport,Destination,Code', 'AFG,ALB,0', 'AFG,BGD,2', 'AFG,CIV,1', 'AFG,DMA,3'];
		expect(parse('2019-12-17', lines).value).toMatchObject({
			snapshot: '2019-12-17',
			vocabulary: 'codes'
		});
		expect(rules('2019-12-17', lines)).toEqual([
			['AFG', 'ALB', 'visa-required'],
			['AFG', 'BGD', 'visa-on-arrival'],
			['AFG', 'CIV', 'eta'],
			['AFG', 'DMA', 'visa-free']
		]);
	});

	it('reads the 2020 letters and days under the same header', () => {
		// 2020-02-07, lines 2, 14, 42, 73, 248, 262 and 7122.
		const lines = [
			'Passport,Destination,Code',
			'AFG,ALB,VR',
			'AFG,BGD,ETA',
			'AFG,CIV,VOA',
			'AFG,HTI,90',
			'ALB,DOM,VF',
			'ALB,GEO,360',
			'CHN,UZB,7'
		];
		expect(parse('2020-02-07', lines).value.vocabulary).toBe('letters');
		expect(rules('2020-02-07', lines)).toEqual([
			['AFG', 'ALB', 'visa-required'],
			['AFG', 'BGD', 'eta'],
			['AFG', 'CIV', 'visa-on-arrival'],
			['AFG', 'HTI', 'visa-free (90 days)'],
			['ALB', 'DOM', 'visa-free'],
			['ALB', 'GEO', 'visa-free (360 days)'],
			['CHN', 'UZB', 'visa-free (7 days)']
		]);
	});

	it('reads the words of 2020-11-19 on, and skips a passport’s own country (-1)', () => {
		// 2021-08-09, lines 2, 3, 5, 7, 73, 200, 335 and 1998.
		const lines = [
			'Passport,Destination,Requirement',
			'AFG,ALB,e-visa',
			'AFG,DZA,visa required',
			'AFG,AGO,visa on arrival',
			'AFG,ARG,covid ban',
			'AFG,HTI,90',
			'AFG,AFG,-1',
			'ALB,PSE,visa free',
			'AZE,ARM,no admission'
		];
		expect(parse('2021-08-09', lines).value.vocabulary).toBe('words');
		expect(rules('2021-08-09', lines)).toEqual([
			['AFG', 'ALB', 'e-visa'],
			['AFG', 'DZA', 'visa-required'],
			['AFG', 'AGO', 'visa-on-arrival'],
			['AFG', 'ARG', 'covid-ban'],
			['AFG', 'HTI', 'visa-free (90 days)'],
			['ALB', 'PSE', 'visa-free'],
			['AZE', 'ARM', 'no-admission']
		]);
	});

	it('maps EVW to eta and Hayya Entry Permit to e-visa, keeping the source’s word', () => {
		// 2021-08-09 line 18298; 2022-11-06 line 144.
		const evw = parse('2021-08-09', ['Passport,Destination,Requirement', 'KWT,GBR,EVW']);
		expect(evw.value.rows[0]!.rule).toEqual({
			requirement: 'eta',
			days: null,
			sourceTerm: 'EVW'
		});
		const hayya = parse('2022-11-06', [
			'Passport,Destination,Requirement',
			'AFG,QAT,Hayya Entry Permit'
		]);
		expect(hayya.value.rows[0]!.rule).toEqual({
			requirement: 'e-visa',
			days: null,
			sourceTerm: 'Hayya Entry Permit'
		});
		expect(describeVisaRule(hayya.value.rows[0]!.rule)).toBe('e-visa (Hayya Entry Permit)');
	});

	it('parses every bundled snapshot without a problem, 39,402 rules each', () => {
		const dir = join(ROOT, 'data', 'passport-index', 'legacy');
		for (const date of ['2019-12-17', '2020-05-09', '2020-11-19', '2022-11-06', '2023-01-11']) {
			const path = join(dir, date, 'passport-index-tidy-iso3.csv');
			const result = parsePassportIndex(readFileSync(path, 'utf8'), {
				file: path,
				resolveCountry: (c) => c
			});
			expect(result.problems.items).toEqual([]);
			expect(result.value.snapshot).toBe(date);
			// 199 × 198 pairs; from 2020-11-19 the 199 own countries (-1) are read and skipped.
			expect(result.value.rows).toHaveLength(39_402);
			expect(result.rowsRead).toBe(date < '2020-11-19' ? 39_402 : 39_601);
		}
	});
});

describe('parsePassportIndex refuses', () => {
	it('an unknown category, naming it and its lines', () => {
		const lines = [
			'Passport,Destination,Requirement',
			'AFG,ALB,e-visa',
			'AFG,DZA,XYZ',
			'AFG,AGO,visa on arrival',
			...['ARG', 'ARM', 'AZE', 'BGD', 'CHN', 'CIV'].map((d) => `AFG,${d},XYZ`),
			'AFG,DMA,visa waiver'
		];
		expect(messages('2021-08-09', lines)).toEqual([
			`${file('2021-08-09')}:3: Requirement: unknown requirement "XYZ" on lines 3, 5, 6, 7, 8 (+2 more) (expected a number of days, visa free, visa on arrival, e-visa, visa required, covid ban, no admission, EVW, Hayya Entry Permit or -1)`,
			`${file('2021-08-09')}:11: Requirement: unknown requirement "visa waiver" on line 11 (expected a number of days, visa free, visa on arrival, e-visa, visa required, covid ban, no admission, EVW, Hayya Entry Permit or -1)`
		]);
	});

	it('a value of another vintage: words in a 2019 file, 2019 codes beside 2020 letters', () => {
		expect(
			messages('2019-12-17', ['Passport,Destination,Code', 'AFG,ALB,0', 'AFG,DZA,visa free'])
		).toEqual([
			`${file('2019-12-17')}:3: Code: unknown requirement "visa free" on line 3 (expected 3, 2, 1, 0 or -1)`
		]);
		// With letters the numbers are days, and 0 days is none.
		expect(
			messages('2020-02-07', ['Passport,Destination,Code', 'AFG,ALB,VR', 'AFG,DZA,0'])
		).toEqual([
			`${file('2020-02-07')}:3: Code: unknown requirement "0" on line 3 (expected a number of days, VF, VOA, ETA, VR or -1)`
		]);
	});

	it('a header of none of the vintages, naming it', () => {
		expect(messages('2021-08-09', ['from,to,requirement', 'AFG,ALB,e-visa'])).toEqual([
			`${file('2021-08-09')}:1: header: unknown header "from,to,requirement" (expected Passport,Destination,Code or Passport,Destination,Requirement)`
		]);
	});

	it('unknown countries, repeated pairs, -1 between two countries, and broken rows', () => {
		expect(
			messages('2021-08-09', [
				'Passport,Destination,Requirement',
				'AFG,ALB,e-visa',
				'AFG,XXX,e-visa',
				'AFG,ALB,visa required',
				'AFG,DZA,-1',
				'ALB,ALB,visa free',
				'AFG,AGO'
			])
		).toEqual([
			`${file('2021-08-09')}:3: Destination: unknown country code "XXX"`,
			`${file('2021-08-09')}:4: Destination: AFG → ALB already on line 2`,
			`${file('2021-08-09')}:5: Requirement: -1 means the passport's own country, but AFG → DZA are two`,
			`${file('2021-08-09')}:6: Requirement: ALB → ALB is its own country: expected -1`,
			`${file('2021-08-09')}:7: row: expected 3 cells like the header, found 2`
		]);
	});

	it('a file without a snapshot date, or a --date that is no date', () => {
		const lines = ['Passport,Destination,Requirement', 'AFG,ALB,e-visa'];
		const undated = parsePassportIndex(lines.join('\n'), {
			file: '/tmp/passport-index-tidy-iso3.csv',
			resolveCountry
		});
		expect(undated.problems.items.map(formatProblem)).toEqual([
			'/tmp/passport-index-tidy-iso3.csv:0: date: no snapshot date: give --date YYYY-MM-DD, or keep the file in a folder named after its date (…/2021-05-13/passport-index-tidy-iso3.csv)'
		]);
		expect(messages('2021-08-09', lines, '2021-02-30')).toEqual([
			`${file('2021-08-09')}:0: date: --date "2021-02-30" is not a calendar date (YYYY-MM-DD)`
		]);
		// --date wins over the folder.
		expect(parse('2021-08-09', lines, '2021-09-01').value.snapshot).toBe('2021-09-01');
	});

	it('an empty file, or a header alone', () => {
		expect(messages('2021-08-09', [])).toEqual([
			`${file('2021-08-09')}:0: header: the file is empty`
		]);
		expect(messages('2021-08-09', ['Passport,Destination,Requirement'])).toEqual([
			`${file('2021-08-09')}:1: header: no rows after the header`
		]);
	});
});

describe('the small pure parts', () => {
	it('tells the 2019 and 2020 vintages of the Code header apart by the letters', () => {
		const header = ['Passport', 'Destination', 'Code'];
		expect(detectVocabulary(header, 'Passport,Destination,Code\nAFG,ALB,0\nAFG,DMA,3\n')).toBe(
			'codes'
		);
		expect(detectVocabulary(header, 'Passport,Destination,Code\nAFG,ALB,VR\nAFG,HTI,90\n')).toBe(
			'letters'
		);
		expect(detectVocabulary(['Passport', 'Destination', 'Requirement'], '')).toBe('words');
		expect(detectVocabulary(['Passport', 'Destination'], '')).toBeNull();
	});

	it('normalises values per vintage, case and spacing aside', () => {
		expect(normaliseVisaValue('codes', '3')).toEqual(free());
		expect(normaliseVisaValue('codes', '90')).toBeNull();
		expect(normaliseVisaValue('letters', 'vf')).toEqual(free());
		expect(normaliseVisaValue('letters', '30')).toEqual(free(30));
		expect(normaliseVisaValue('words', 'Visa  Required')).toEqual(plain('visa-required'));
		expect(normaliseVisaValue('words', '-1')).toBe('same-country');
		expect(normaliseVisaValue('words', '0')).toBeNull();
		expect(normaliseVisaValue('words', '1000')).toBeNull();
	});

	it('reads the date from the folder of a path or a URL', () => {
		expect(snapshotDateOf('/x/legacy/2021-05-13/passport-index-tidy-iso3.csv', undefined)).toEqual({
			date: '2021-05-13'
		});
		expect(
			snapshotDateOf(
				'https://raw.githubusercontent.com/ilyankou/passport-index-dataset/master/legacy/2020-02-07/passport-index-tidy-iso3.csv',
				undefined
			)
		).toEqual({ date: '2020-02-07' });
		expect(snapshotDateOf('2021-05-13.csv', undefined)).toHaveProperty('problem');
	});

	it('lists lines, then how many more', () => {
		expect(linesList([12])).toBe('line 12');
		expect(linesList([12, 40])).toBe('lines 12, 40');
		expect(linesList([1, 2, 3, 4, 5, 6, 7])).toBe('lines 1, 2, 3, 4, 5 (+2 more)');
	});
});

describe('placeSnapshotRule', () => {
	const a = free(90);
	const b = plain('e-visa');
	const c = plain('covid-ban');
	const iv = (from: string, to: string | null, rule: VisaRule): VisaInterval => ({
		from,
		to,
		rule
	});
	/** Applies the edit to a pair's intervals. */
	const applied = (
		intervals: VisaInterval[],
		window: { previous: string | null; snapshot: string; next: string | null },
		rule: VisaRule | null
	) => {
		const edit = placeSnapshotRule(intervals, window, rule);
		const kept = intervals.filter((i) => !edit.removed.includes(i));
		return {
			old: edit.old,
			intervals: [...kept, ...edit.added].sort((x, y) => (x.from < y.from ? -1 : 1))
		};
	};

	it('starts a pair, runs it on, and cuts it at a new latest snapshot', () => {
		expect(applied([], { previous: null, snapshot: 'S1', next: null }, a)).toEqual({
			old: null,
			intervals: [iv('S1', null, a)]
		});
		const held = [iv('S1', null, a)];
		expect(placeSnapshotRule(held, { previous: 'S1', snapshot: 'S2', next: null }, a)).toEqual({
			old: a,
			removed: [],
			added: []
		});
		expect(applied(held, { previous: 'S1', snapshot: 'S2', next: null }, b)).toEqual({
			old: a,
			intervals: [iv('S1', 'S2', a), iv('S2', null, b)]
		});
		// Not listed in the new snapshot: the interval ends there.
		expect(applied(held, { previous: 'S1', snapshot: 'S2', next: null }, null)).toEqual({
			old: a,
			intervals: [iv('S1', 'S2', a)]
		});
	});

	it('splits an interval around an older snapshot that arrives later', () => {
		// S1 and S3 showed a; S2 (between them) shows c.
		expect(applied([iv('S1', null, a)], { previous: 'S1', snapshot: 'S2', next: 'S3' }, c)).toEqual(
			{ old: a, intervals: [iv('S1', 'S2', a), iv('S2', 'S3', c), iv('S3', null, a)] }
		);
		// S2 shows what S3 showed: S3's interval now starts at S2.
		expect(
			applied(
				[iv('S1', 'S3', a), iv('S3', null, b)],
				{ previous: 'S1', snapshot: 'S2', next: 'S3' },
				b
			)
		).toEqual({ old: a, intervals: [iv('S1', 'S2', a), iv('S2', null, b)] });
		// A snapshot older than every other one, showing what the first showed.
		expect(applied([iv('S2', 'S3', b)], { previous: null, snapshot: 'S1', next: 'S2' }, b)).toEqual(
			{ old: null, intervals: [iv('S1', 'S3', b)] }
		);
	});

	it('joins the intervals on both sides when a revised snapshot agrees with them', () => {
		expect(
			applied(
				[iv('S1', 'S2', a), iv('S2', 'S3', c), iv('S3', null, a)],
				{ previous: 'S1', snapshot: 'S2', next: 'S3' },
				a
			)
		).toEqual({ old: c, intervals: [iv('S1', null, a)] });
	});
});

describe('parsePassportIndex on mutated real lines', () => {
	const seeds = [
		['Passport,Destination,Code', 'AFG,ALB,0', 'AFG,BGD,2', 'AFG,CIV,1', 'AFG,DMA,3'],
		['Passport,Destination,Code', 'AFG,ALB,VR', 'AFG,BGD,ETA', 'AFG,HTI,90', 'ALB,DOM,VF'],
		[
			'Passport,Destination,Requirement',
			'AFG,ALB,e-visa',
			'AFG,AFG,-1',
			'KWT,GBR,EVW',
			'AFG,QAT,Hayya Entry Permit'
		]
	].map((lines) => lines.join('\n') + '\n');
	const token = fc.oneof(
		fc.constantFrom('', '-1', '0', '7', '999', '1000', 'VF', 'visa free', 'XYZ', '"', ',', '\r'),
		fc.string({ maxLength: 8 })
	);
	const edit = fc.record({ line: fc.nat(), cell: fc.nat(), text: token, drop: fc.boolean() });

	it('never throws, and every problem names the file, a line of the input and a field', () => {
		fc.assert(
			fc.property(fc.constantFrom(...seeds), fc.array(edit, { maxLength: 4 }), (seed, edits) => {
				const lines = seed.split('\n');
				for (const e of edits) {
					const i = e.line % lines.length;
					if (e.drop) lines.splice(i, 1);
					else {
						const cells = lines[i]!.split(',');
						cells[e.cell % cells.length] = e.text;
						lines[i] = cells.join(',');
					}
				}
				const text = lines.join('\n');
				const result = parsePassportIndex(text, {
					file: file('2021-08-09'),
					resolveCountry
				});
				const bound = text.split(/\r\n|\r|\n/).length;
				for (const p of result.problems.items) {
					expect(p.file).toBe(file('2021-08-09'));
					expect(p.line >= 0 && p.line <= bound, formatProblem(p)).toBe(true);
					expect(p.field.trim()).not.toBe('');
					expect(formatProblem(p)).not.toMatch(/[\r\n]/);
				}
			}),
			{ numRuns: 300 }
		);
	});
});
