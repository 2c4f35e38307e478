/**
 * One dated snapshot of the Passport Index dataset (`passport-index-tidy-iso3.csv`): one row
 * per passport → destination pair, ISO3 codes, and the requirement in whichever vocabulary
 * the publisher used that year. Every vintage is normalised to one set (see
 * domain/visaRequirement.ts); a value outside the vintage's vocabulary is refused with the
 * lines it is on, never dropped.
 *
 * - `Passport,Destination,Code` with `0`–`3` only (2019-12-17): 3 visa-free, 2 visa on
 *   arrival, 1 eTA, 0 visa required.
 * - `Passport,Destination,Code` with letters (2020-02-07 … 2020-05-09): a number of visa-free
 *   days, `VF`, `VOA`, `ETA`, `VR`. Both vintages share the header, so the letters decide:
 *   a file holding any of them is read as the letters vintage, where numbers are days.
 * - `Passport,Destination,Requirement` (2020-11-19 on): a number of visa-free days, `visa free`,
 *   `visa on arrival`, `e-visa` (which then also covered eTAs), `visa required`, `covid ban`,
 *   `no admission`, and two of the publisher's own categories mapped deliberately, keeping the
 *   word: `EVW` (the UK's Electronic Visa Waiver for Gulf passports, an eTA in all but name)
 *   → eta, and `Hayya Entry Permit` (Qatar, FIFA World Cup 2022: every visitor applied online
 *   in advance for a permit that served as the entry visa) → e-visa.
 *
 * `-1` marks a passport's own country: skipped, never stored.
 */
import { isIsoDay } from '../../../domain/date.ts';
import type { VisaRule } from '../../../domain/visaRequirement.ts';
import { readCsvRecords, type CsvRecord } from '../csvRecords.ts';
import { ProblemList, quoted } from '../problem.ts';
import type { ParseContext, ParseOutcome } from './oxcgrtC8.ts';

/** The publisher's vintages of the value vocabulary. */
export type PassportIndexVocabulary = 'codes' | 'letters' | 'words';

/** One passport → destination rule of a snapshot. */
export interface PassportIndexRow {
	passport: string;
	destination: string;
	rule: VisaRule;
}

export interface PassportIndexSnapshot {
	/** The snapshot's date (YYYY-MM-DD). */
	snapshot: string;
	vocabulary: PassportIndexVocabulary;
	rows: PassportIndexRow[];
}

/** A passport's own country, in every vintage that lists it. */
export const SAME_COUNTRY = '-1';

const visaFree = (days: number | null = null): VisaRule => ({
	requirement: 'visa-free',
	days,
	sourceTerm: null
});
const plain = (requirement: VisaRule['requirement']): VisaRule => ({
	requirement,
	days: null,
	sourceTerm: null
});

/** 2019-12-17: numeric codes. */
const CODES: Readonly<Record<string, VisaRule>> = {
	'3': visaFree(),
	'2': plain('visa-on-arrival'),
	'1': plain('eta'),
	'0': plain('visa-required')
};

/** 2020-02-07 … 2020-05-09: letters (and days). */
const LETTERS: Readonly<Record<string, VisaRule>> = {
	vf: visaFree(),
	voa: plain('visa-on-arrival'),
	eta: plain('eta'),
	vr: plain('visa-required')
};

/** 2020-11-19 on: words (and days), lower-cased. */
const WORDS: Readonly<Record<string, VisaRule>> = {
	'visa free': visaFree(),
	'visa on arrival': plain('visa-on-arrival'),
	'e-visa': plain('e-visa'),
	'visa required': plain('visa-required'),
	'covid ban': plain('covid-ban'),
	'no admission': plain('no-admission'),
	// The UK's Electronic Visa Waiver (Kuwait, Oman, Qatar, UAE passports, 2020-11-19 …
	// 2021-08-09): an online authorisation for otherwise visa-free travellers, which is what
	// eta means. Later snapshots fold it into `e-visa`, as they fold every eTA.
	evw: { requirement: 'eta', days: null, sourceTerm: 'EVW' },
	// Qatar during the FIFA World Cup 2022 (2022-11-06, every passport): each visitor applied
	// online in advance for the Hayya permit, which stood in for the entry visa, so e-visa;
	// not eta, since it replaced visa-free entry and asked for a match ticket and lodging. The
	// word is kept, so the permit's weeks stay apart from the ordinary e-visas around them.
	'hayya entry permit': { requirement: 'e-visa', days: null, sourceTerm: 'Hayya Entry Permit' }
};

const VOCABULARY: Record<PassportIndexVocabulary, Readonly<Record<string, VisaRule>>> = {
	codes: CODES,
	letters: LETTERS,
	words: WORDS
};

const EXPECTED: Record<PassportIndexVocabulary, string> = {
	codes: '3, 2, 1, 0 or -1',
	letters: 'a number of days, VF, VOA, ETA, VR or -1',
	words:
		'a number of days, visa free, visa on arrival, e-visa, visa required, covid ban, no admission, EVW, Hayya Entry Permit or -1'
};

/** Visa-free stays are given in days; anything longer than this is not a number of days. */
const MAX_DAYS = 999;
const DAYS = /^\d{1,3}$/;

/**
 * The rule a value stands for in a vintage; `same-country` for `-1`; null for a value the
 * vintage does not know.
 */
export function normaliseVisaValue(
	vocabulary: PassportIndexVocabulary,
	raw: string
): VisaRule | 'same-country' | null {
	const value = raw.trim();
	if (value === SAME_COUNTRY) return 'same-country';
	if (vocabulary !== 'codes' && DAYS.test(value)) {
		const days = Number(value);
		return days >= 1 && days <= MAX_DAYS ? visaFree(days) : null;
	}
	const key = vocabulary === 'codes' ? value : value.toLowerCase().replace(/\s+/g, ' ');
	return VOCABULARY[vocabulary][key] ?? null;
}

const normaliseHeader = (h: string) => h.trim().toLowerCase();
const HEADER_CODE = ['passport', 'destination', 'code'];
const HEADER_REQUIREMENT = ['passport', 'destination', 'requirement'];
const sameCells = (a: string[], b: string[]) =>
	a.length === b.length && a.every((cell, i) => cell === b[i]);
/** A line whose last cell is one of the 2020 letters, quoted or not. */
const LETTER_VALUE = /,[ \t]*"?(?:vf|voa|eta|vr)"?[ \t]*\r?$/im;

/**
 * The vintage a header and the file's text are in, or null for a header of none. A `Code`
 * file with any of the letters is the 2020 vintage; with only numbers, the 2019 one.
 */
export function detectVocabulary(header: string[], text: string): PassportIndexVocabulary | null {
	const cells = header.map(normaliseHeader);
	if (sameCells(cells, HEADER_REQUIREMENT)) return 'words';
	if (!sameCells(cells, HEADER_CODE)) return null;
	return LETTER_VALUE.test(text) ? 'letters' : 'codes';
}

/**
 * The snapshot's date: `--date` when given, else the name of the folder holding the file
 * (`…/legacy/2021-05-13/passport-index-tidy-iso3.csv`, a path or a URL); otherwise the reason
 * there is none.
 */
export function snapshotDateOf(
	source: string,
	given: string | undefined
): { date: string } | { problem: string } {
	if (given !== undefined) {
		return isIsoDay(given)
			? { date: given }
			: { problem: `--date ${quoted(given)} is not a calendar date (YYYY-MM-DD)` };
	}
	let path = source;
	if (/^https?:\/\//i.test(source)) {
		try {
			path = new URL(source).pathname;
		} catch {
			// Not a URL after all: read it as a path.
		}
	}
	const folder = /(?:^|[/\\])([^/\\]+)[/\\][^/\\]*$/.exec(path)?.[1];
	if (folder && isIsoDay(folder)) return { date: folder };
	return {
		problem:
			'no snapshot date: give --date YYYY-MM-DD, or keep the file in a folder named after its date (…/2021-05-13/passport-index-tidy-iso3.csv)'
	};
}

/**
 * The CSV's records with their line numbers. The published files are unquoted, and a general
 * CSV parser takes half a second over one of them, which every start pays fourteen times;
 * so a file without a quote is split by hand, and one with quotes goes to csv-parse.
 */
function readRecords(text: string, problems: ProblemList): CsvRecord[] | null {
	if (text.includes('"')) return readCsvRecords(text, problems);
	const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
	const records: CsvRecord[] = [];
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!;
		if (line === '') continue;
		records.push({ record: line.split(','), info: { lines: i + 1 } });
	}
	return records;
}

/** How many line numbers a refusal lists before "(+N more)". */
const LINES_SHOWN = 5;

export function linesList(lines: readonly number[]): string {
	const shown = lines.slice(0, LINES_SHOWN).join(', ');
	const more = lines.length - LINES_SHOWN;
	return `line${lines.length === 1 ? '' : 's'} ${shown}${more > 0 ? ` (+${more} more)` : ''}`;
}

/** A function of a string remembered per argument: a file repeats ~200 codes and ~30 values. */
function memo<T>(f: (key: string) => T): (key: string) => T {
	const known = new Map<string, T>();
	return (key) => {
		let value = known.get(key);
		if (value === undefined && !known.has(key)) {
			value = f(key);
			known.set(key, value);
		}
		return value as T;
	};
}

export function parsePassportIndex(
	text: string,
	ctx: ParseContext
): ParseOutcome<PassportIndexSnapshot> {
	const problems = new ProblemList(ctx.file);
	const value: PassportIndexSnapshot = { snapshot: '', vocabulary: 'words', rows: [] };
	const refused = (rowsRead: number) => ({ value, rowsRead, problems });

	const date = snapshotDateOf(ctx.file, ctx.snapshotDate);
	if ('problem' in date) problems.add(0, 'date', date.problem);
	else value.snapshot = date.date;

	const records = readRecords(text, problems);
	if (!records) return refused(0);
	const header = records[0];
	if (!header) {
		problems.add(0, 'header', 'the file is empty');
		return refused(0);
	}
	const rowCount = records.length - 1;
	const vocabulary = detectVocabulary(header.record, text);
	if (!vocabulary) {
		problems.add(
			header.info.lines,
			'header',
			`unknown header ${quoted(header.record.join(','))} (expected Passport,Destination,Code or Passport,Destination,Requirement)`
		);
		return refused(rowCount);
	}
	value.vocabulary = vocabulary;
	if (rowCount === 0) {
		problems.add(header.info.lines, 'header', 'no rows after the header');
		return refused(0);
	}
	const [passportField, destinationField, valueField] = header.record.map((h) => h.trim()) as [
		string,
		string,
		string
	];

	const resolve = memo((code: string) => ctx.resolveCountry(code.trim()));
	const normalise = memo((raw: string) => normaliseVisaValue(vocabulary, raw));
	// Pairs seen, by a number made of the two countries' positions, to the line they were on.
	const positions = new Map<string, number>();
	const position = (iso3: string) => {
		let p = positions.get(iso3);
		if (p === undefined) positions.set(iso3, (p = positions.size));
		return p;
	};
	const seen = new Map<number, number>();
	/** Unknown values with the lines they are on: one problem per value, not per line. */
	const unknown = new Map<string, number[]>();
	for (let r = 1; r < records.length; r++) {
		const { record, info } = records[r]!;
		const line = info.lines;
		if (record.length !== 3) {
			problems.add(line, 'row', `expected 3 cells like the header, found ${record.length}`);
			continue;
		}
		const passport = resolve(record[0]!);
		const destination = resolve(record[1]!);
		if (!passport) {
			problems.add(line, passportField, `unknown country code ${quoted(record[0]!.trim())}`);
		}
		if (!destination) {
			problems.add(line, destinationField, `unknown country code ${quoted(record[1]!.trim())}`);
		}
		const raw = record[2]!;
		const rule = normalise(raw);
		if (rule === null) {
			const key = raw.trim();
			const lines = unknown.get(key);
			if (lines) lines.push(line);
			else unknown.set(key, [line]);
			continue;
		}
		if (!passport || !destination) continue;
		const pair = position(passport) * 4096 + position(destination);
		const earlier = seen.get(pair);
		if (earlier !== undefined) {
			problems.add(
				line,
				destinationField,
				`${passport} → ${destination} already on line ${earlier}`
			);
			continue;
		}
		seen.set(pair, line);
		if (rule === 'same-country') {
			if (passport !== destination) {
				problems.add(
					line,
					valueField,
					`-1 means the passport's own country, but ${passport} → ${destination} are two`
				);
			}
			continue;
		}
		if (passport === destination) {
			problems.add(line, valueField, `${passport} → ${passport} is its own country: expected -1`);
			continue;
		}
		value.rows.push({ passport, destination, rule });
	}
	for (const [raw, lines] of unknown) {
		problems.add(
			lines[0]!,
			valueField,
			`unknown requirement ${quoted(raw)} on ${linesList(lines)} (expected ${EXPECTED[vocabulary]})`
		);
	}
	return { value, rowsRead: rowCount, problems };
}
