/**
 * COVID Border Accountability Project (COBAP) `policy_list.csv`: one row per border policy.
 *
 * - UTF-8 with BOM, CRLF; 44 columns found by name; rows in no particular order.
 * - `ID` (CY36) identifies a policy; `ISO3` is the country imposing it, with COBAP's own codes
 *   `EUR` (the European Union), `SOL` (Somaliland) and `XKX` (Kosovo).
 * - `START_DATE`/`END_DATE` are `MM_DD_YY`; `END_DATE` `NONE` means no end was recorded (the
 *   policy holds on). `NOPOLICYIMPLEMENTED` rows have `START_DATE` `NONE` and the day the team
 *   checked as `END_DATE`: stored, never in force.
 * - `NA` is "not applicable"; flags are `0`/`1`; `*_TYPE` is `All`/`Specific`/`NA`.
 * - Country lists are one cell of names (cobapNames.ts), some cells corrected by
 *   cobapCorrections.ts.
 *
 * A policy bans the countries of `CITIZEN_LIST` by citizenship and those of `HISTORY_BAN_LIST`
 * by travel history (travellers who were there); both become intervals per destination, target
 * and kind. The European Union (as destination or in a list) stands for its member states on
 * the policy's start date.
 */
import { readCsvRecords } from '../csvRecords.ts';
import { isIsoDay } from '../../../domain/date.ts';
import type { ParseContext, ParseOutcome } from '../feed.ts';
import { ProblemList, quoted } from '../problem.ts';
import { correctionsFor } from './cobapCorrections.ts';
import {
	EUROPEAN_UNION,
	groupMembers,
	repairMojibake,
	SOMALILAND,
	splitList
} from './cobapNames.ts';

export const POLICY_TYPES = ['COMPLETE', 'PARTIAL', 'NOPOLICYIMPLEMENTED'] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];
export const POLICY_SUBTYPES = [
	'BORDER_CLOSURE',
	'CITIZEN_EXCEP',
	'CITIZENSHIP_BAN',
	'ESSENTIAL_ONLY',
	'HISTORY_BAN',
	'NONE',
	'REFUGEE_BAN',
	'SPECIFIC_COUNTRY',
	'VISA_BAN',
	'WORK_EXCEP'
] as const;
export const SOURCE_QUALITIES = ['Very Sure', 'Sure', 'Less Sure'] as const;

/** The two ways a policy bans a country's people. */
export const BAN_KINDS = ['citizens', 'travellers'] as const;
export type BanKind = (typeof BAN_KINDS)[number];

/** Air, land or sea: closed to all, or to the `targets` (ISO3) only. */
export interface BanMode {
	scope: 'all' | 'specific';
	targets: string[];
}

export interface BanSource {
	/** Which COBAP source column: government, airline, media … or `end` (the end's source). */
	kind: string;
	/** null for a cell's words that are not a URL ("Policies CO01, CO02"). */
	url: string | null;
	note?: string;
}

/** Everything a policy says besides its key fields, as stored (JSON) and served. */
export interface BanPolicyDetail {
	air: BanMode | null;
	land: BanMode | null;
	sea: BanMode | null;
	/** ISO3 codes whose citizens are banned. */
	citizens: string[];
	/** ISO3 codes travellers from or through which are banned (COBAP's history ban). */
	travellers: string[];
	/** COBAP criteria codes in the lists instead of countries (`MANDVAX`, `COVIDCASES`). */
	criteria: string[];
	exceptions: {
		/** Categories of people let in (citizens, residents, diplomats …), as written. */
		people: string[];
		/** ISO3 codes whose travellers are let in. */
		countries: string[];
		/** Workers let in (`WORK_EXCEP`). */
		work: boolean;
	};
	/** Visas suspended: for all, or for the list as written (not mapped); null: none. */
	visaBan: { scope: 'all' | 'specific'; list: string | null } | null;
	/** Refugees banned, with the list as written; null: no refugee ban. */
	refugeeBan: { list: string | null } | null;
	sources: BanSource[];
	/** COBAP's confidence in its sources: Very Sure, Sure, Less Sure. */
	sourceQuality: string | null;
	comments: string | null;
	/** Published cells read otherwise (cobapCorrections.ts). */
	corrections: { field: string; published: string; read: string; reason: string }[];
}

export interface BanPolicy {
	id: string;
	/** The line of the file (not stored: a later vintage may move it). */
	line: number;
	/** ISO3 of the country imposing it; `EUR` for the European Union, `SOL` for Somaliland. */
	destination: string;
	type: PolicyType;
	subtype: string;
	/** First day in force; null for NOPOLICYIMPLEMENTED. */
	start: string | null;
	/** Last day in force (inclusive); null: holds on (or NOPOLICYIMPLEMENTED). */
	end: string | null;
	/** NOPOLICYIMPLEMENTED: the day COBAP checked and found no policy. */
	checked: string | null;
	detail: BanPolicyDetail;
}

/** One stored interval: `destination` bans `target`'s citizens or travellers by `policy`. */
export interface BanInterval {
	destination: string;
	target: string;
	kind: BanKind;
	policy: string;
	start: string;
	end: string | null;
}

export interface BanPolicies {
	policies: BanPolicy[];
}

const COLUMNS = [
	'ID',
	'COUNTRY_NAME',
	'ISO3',
	'POLICY_TYPE',
	'POLICY_SUBTYPE',
	'START_DATE',
	'END_DATE',
	'AIR',
	'AIR_TYPE',
	'TARGETS_AIR',
	'LAND',
	'LAND_TYPE',
	'TARGETS_LAND',
	'SEA',
	'SEA_TYPE',
	'TARGETS_SEA',
	'CITIZEN',
	'CITIZEN_LIST',
	'HISTORY_BAN',
	'HISTORY_BAN_LIST',
	'REFUGEE',
	'REFUGEE_LIST',
	'VISA_BAN',
	'VISA_BAN_TYPE',
	'VISA_BAN_LIST',
	'CITIZEN_EXCEP',
	'CITIZEN_EXCEP_LIST',
	'COUNTRY_EXCEP',
	'COUNTRY_EXCEP_LIST',
	'WORK_EXCEP',
	'SOURCE_QUALITY',
	'COMMENTS'
] as const;
type Column = (typeof COLUMNS)[number];

/** Source columns and what `kind` says for them. */
const SOURCE_COLUMNS: Record<string, string> = {
	INTERNAL_GOVT_SOURCE: 'government',
	AIRLINE_SOURCE: 'airline',
	INSURANCE_SOURCE: 'insurance',
	GOVT_SOCIAL_MED_SOURCE: 'government social media',
	EXT_GOVT_SOURCE: 'foreign government',
	INTERNAL_MEDIA_SOURCE: 'national media',
	EXT_MEDIA_SOURCE: 'foreign media',
	OTHER_SOURCE: 'other',
	END_SOURCE: 'end'
};

const NA = 'NA';
const NONE = 'NONE';

/** `MM_DD_YY` → `20YY-MM-DD`, or null when it is not a calendar date. */
export function parseCobapDate(value: string): string | null {
	const m = /^(\d{2})_(\d{2})_(\d{2})$/.exec(value.trim());
	if (!m) return null;
	const day = `20${m[3]}-${m[1]}-${m[2]}`;
	return isIsoDay(day) ? day : null;
}

/** Mojibake repaired until it no longer changes (some cells were mis-decoded twice). */
function repaired(text: string): string {
	let current = text;
	for (let i = 0; i < 3; i++) {
		const next = repairMojibake(current);
		if (next === current) break;
		current = next;
	}
	return current;
}

export function parseCobap(text: string, ctx: ParseContext): ParseOutcome<BanPolicies> {
	const problems = new ProblemList(ctx.file);
	const value: BanPolicies = { policies: [] };
	const records = readCsvRecords(text, problems);
	if (!records) return { value, rowsRead: 0, problems };
	const header = records[0];
	if (!header) {
		problems.add(0, 'header', 'the file is empty');
		return { value, rowsRead: 0, problems };
	}
	const names = header.record.map((h) =>
		h
			.replace(/^\uFEFF/, '')
			.trim()
			.toUpperCase()
	);
	const index = new Map<string, number>();
	names.forEach((name, i) => {
		if (!index.has(name)) index.set(name, i);
	});
	const missing = COLUMNS.filter((c) => !index.has(c));
	if (missing.length > 0) {
		problems.add(header.info.lines, 'header', `missing columns: ${missing.join(', ')}`);
		return { value, rowsRead: 0, problems };
	}
	const sourceColumns = Object.keys(SOURCE_COLUMNS).filter((c) => index.has(c));

	const seen = new Map<string, number>();
	let rowsRead = 0;
	for (const { record, info } of records.slice(1)) {
		const line = info.lines;
		if (record.every((c) => c.trim() === '')) continue;
		rowsRead++;
		if (record.length !== names.length) {
			problems.add(line, 'row', `${record.length} cells, the header has ${names.length}`);
			continue;
		}
		const raw = (c: Column | string) => record[index.get(c)!]!;
		const id = raw('ID').trim();
		if (id === '') {
			problems.add(line, 'ID', 'empty policy id');
			continue;
		}
		const earlier = seen.get(id);
		if (earlier !== undefined) {
			problems.add(line, 'ID', `policy ${quoted(id)} again (first on line ${earlier})`);
			continue;
		}
		seen.set(id, line);
		const policy = readRow(id, line, raw, sourceColumns, ctx, problems);
		if (policy) value.policies.push(policy);
	}
	value.policies.sort((a, b) => a.id.localeCompare(b.id));
	return { value, rowsRead, problems };
}

function readRow(
	id: string,
	line: number,
	raw: (column: string) => string,
	sourceColumns: string[],
	ctx: ParseContext,
	problems: ProblemList
): BanPolicy | null {
	const before = problems.total;
	const corrections: BanPolicyDetail['corrections'] = [];
	const cells = new Map<Column, string>();
	/** The cell as the feed reads it: trimmed, with its corrections applied (and recorded once). */
	const cell = (field: Column): string => {
		const known = cells.get(field);
		if (known !== undefined) return known;
		const published = raw(field);
		let read = published;
		for (const c of correctionsFor(id, field)) {
			if (read.includes(c.find)) read = read.replace(c.find, c.replace);
		}
		if (read !== published) {
			corrections.push({
				field,
				published,
				read,
				reason: correctionsFor(id, field)
					.map((c) => c.reason)
					.join('; ')
			});
		}
		cells.set(field, read.trim());
		return read.trim();
	};

	// Who imposes it.
	const code = cell('ISO3').toUpperCase();
	const destination =
		code === EUROPEAN_UNION || code === SOMALILAND ? code : ctx.resolveCountry(code);
	if (!destination) problems.add(line, 'ISO3', `unknown country code ${quoted(code)}`);

	const type = cell('POLICY_TYPE').toUpperCase() as PolicyType;
	if (!POLICY_TYPES.includes(type)) {
		problems.add(line, 'POLICY_TYPE', `expected ${POLICY_TYPES.join(', ')}, got ${quoted(type)}`);
	}
	const subtype = cell('POLICY_SUBTYPE').toUpperCase();
	if (!(POLICY_SUBTYPES as readonly string[]).includes(subtype)) {
		problems.add(
			line,
			'POLICY_SUBTYPE',
			`expected one of ${POLICY_SUBTYPES.join(', ')}, got ${quoted(subtype)}`
		);
	}

	// When.
	const date = (field: 'START_DATE' | 'END_DATE'): string | null | undefined => {
		const v = cell(field);
		if (v.toUpperCase() === NONE) return null;
		const day = parseCobapDate(v);
		if (!day) problems.add(line, field, `expected a date MM_DD_YY or NONE, got ${quoted(v)}`);
		return day ?? undefined;
	};
	const startCell = date('START_DATE');
	const endCell = date('END_DATE');
	let start: string | null = null;
	let end: string | null = null;
	let checked: string | null = null;
	if (type === 'NOPOLICYIMPLEMENTED') {
		if (startCell !== null) {
			problems.add(line, 'START_DATE', 'a NOPOLICYIMPLEMENTED row has START_DATE NONE');
		}
		if (endCell === null) {
			problems.add(line, 'END_DATE', 'a NOPOLICYIMPLEMENTED row gives the day it was checked');
		}
		checked = endCell ?? null;
	} else {
		if (startCell === null) problems.add(line, 'START_DATE', 'a policy needs a start date');
		start = startCell ?? null;
		end = endCell ?? null;
		if (start && end && end < start) {
			problems.add(
				line,
				'END_DATE',
				`the end ${raw('END_DATE')} is before the start ${raw('START_DATE')}`
			);
		}
	}
	/** The day groups (the EU …) are taken as of: the start, or the day checked. */
	const asOf = start ?? checked ?? '2020-01-01';

	// Flags.
	const flag = (field: Column): boolean => {
		const v = cell(field);
		if (v !== '0' && v !== '1') problems.add(line, field, `expected 0 or 1, got ${quoted(v)}`);
		return v === '1';
	};
	const isNA = (v: string) => v.toUpperCase() === NA;

	// Lists of countries.
	const criteria = new Set<string>();
	const countries = (field: Column): string[] => {
		const v = cell(field);
		if (isNA(v) || v === '') return [];
		const out = new Set<string>();
		for (const piece of splitList(v)) {
			if (!piece.names) {
				problems.add(line, field, `unknown country name ${quoted(repaired(piece.text))}`);
				continue;
			}
			for (const name of piece.names) {
				if (name.kind === 'country') out.add(name.iso3);
				else if (name.kind === 'criterion') criteria.add(name.code);
				else for (const g of name.groups) for (const m of groupMembers(g, asOf)) out.add(m);
			}
		}
		return [...out].sort();
	};

	const mode = (flagField: Column, typeField: Column, listField: Column): BanMode | null => {
		const on = flag(flagField);
		const scope = cell(typeField);
		const list = cell(listField);
		if (!on) {
			if (!isNA(scope) || !(isNA(list) || list === '')) {
				problems.add(line, typeField, `${flagField} is 0 but ${typeField}/${listField} are given`);
			}
			return null;
		}
		const s = scope.toLowerCase();
		if (s !== 'all' && s !== 'specific') {
			problems.add(line, typeField, `expected All or Specific, got ${quoted(scope)}`);
			return null;
		}
		const targets = countries(listField);
		return { scope: s, targets };
	};
	const air = mode('AIR', 'AIR_TYPE', 'TARGETS_AIR');
	const land = mode('LAND', 'LAND_TYPE', 'TARGETS_LAND');
	const sea = mode('SEA', 'SEA_TYPE', 'TARGETS_SEA');

	const listBan = (flagField: Column, listField: Column): string[] => {
		const on = flag(flagField);
		const list = cell(listField);
		if (!on && !isNA(list) && list !== '') {
			problems.add(line, listField, `${flagField} is 0 but the list is given`);
		}
		return on ? countries(listField) : [];
	};
	const citizens = listBan('CITIZEN', 'CITIZEN_LIST');
	const travellers = listBan('HISTORY_BAN', 'HISTORY_BAN_LIST');

	const text = (field: Column): string | null => {
		const v = repaired(cell(field));
		return isNA(v) || v === '' ? null : v;
	};
	const refugee = flag('REFUGEE');
	const visa = flag('VISA_BAN');
	const visaScope = cell('VISA_BAN_TYPE').toLowerCase();
	if (visa && visaScope !== 'all' && visaScope !== 'specific') {
		problems.add(line, 'VISA_BAN_TYPE', `expected All or Specific, got ${quoted(visaScope)}`);
	}
	const peopleExcepted = flag('CITIZEN_EXCEP');
	const countriesExcepted = flag('COUNTRY_EXCEP');
	const people = peopleExcepted ? splitText(text('CITIZEN_EXCEP_LIST') ?? '') : [];
	const exceptedCountries = countriesExcepted ? countries('COUNTRY_EXCEP_LIST') : [];
	const work = flag('WORK_EXCEP');

	const quality = cell('SOURCE_QUALITY');
	if (quality !== '' && !(SOURCE_QUALITIES as readonly string[]).includes(quality)) {
		problems.add(
			line,
			'SOURCE_QUALITY',
			`expected ${SOURCE_QUALITIES.join(', ')} or nothing, got ${quoted(quality)}`
		);
	}

	if (problems.total > before || !destination) return null;
	return {
		id,
		line,
		destination,
		type,
		subtype,
		start,
		end,
		checked,
		detail: {
			air,
			land,
			sea,
			citizens,
			travellers,
			criteria: [...criteria].sort(),
			exceptions: { people, countries: exceptedCountries, work },
			visaBan: visa
				? { scope: visaScope as 'all' | 'specific', list: text('VISA_BAN_LIST') }
				: null,
			refugeeBan: refugee ? { list: text('REFUGEE_LIST') } : null,
			sources: sourceColumns.flatMap((c) => readSources(SOURCE_COLUMNS[c]!, raw(c))),
			sourceQuality: quality === '' ? null : quality,
			comments: text('COMMENTS'),
			corrections
		}
	};
}

/** A cell of words separated by commas (not inside quotes or parentheses), trimmed. */
function splitText(text: string): string[] {
	const out: string[] = [];
	let depth = 0;
	let quote = false;
	let current = '';
	for (const ch of text) {
		if (ch === '"') quote = !quote;
		else if (ch === '(') depth++;
		else if (ch === ')') depth = Math.max(0, depth - 1);
		if (ch === ',' && depth === 0 && !quote) {
			out.push(current);
			current = '';
		} else current += ch;
	}
	out.push(current);
	return out.map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * The URLs of a source cell (several may be run together, separated by spaces or commas), and
 * its other words as a note ("Policies CO01, CO02").
 */
export function readSources(kind: string, cell: string): BanSource[] {
	const urls = (cell.match(/https?:\/\/\S+/g) ?? [])
		.flatMap((u) => u.split(/,(?=https?:\/\/)/))
		.map((u) => u.replace(/[,;]+$/, ''));
	const rest = cell
		.replace(/https?:\/\/\S+/g, ' ')
		.replace(/[\s,;]+/g, ' ')
		.trim();
	return [
		...urls.map((url) => ({ kind, url })),
		...(rest !== '' ? [{ kind, url: null, note: rest }] : [])
	];
}

/**
 * The countries a policy is imposed by as of its start: the destination itself, or the EU's
 * member states on that day.
 */
export function imposedBy(policy: Pick<BanPolicy, 'destination' | 'start' | 'checked'>): string[] {
	if (policy.destination !== EUROPEAN_UNION) return [policy.destination];
	return groupMembers('EU', policy.start ?? policy.checked ?? '2020-01-01');
}

/** A policy's intervals: each imposing country × each banned country × citizens/travellers. */
export function intervalsOf(policy: BanPolicy): BanInterval[] {
	if (policy.start === null) return [];
	const out: BanInterval[] = [];
	for (const destination of imposedBy(policy)) {
		for (const kind of BAN_KINDS) {
			for (const target of policy.detail[kind]) {
				out.push({
					destination,
					target,
					kind,
					policy: policy.id,
					start: policy.start,
					end: policy.end
				});
			}
		}
	}
	return out;
}
