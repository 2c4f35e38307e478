/**
 * COBAP country lists → ISO3 (or a group of ISO3s), deliberately.
 *
 * COBAP's lists (`CITIZEN_LIST`, `HISTORY_BAN_LIST`, `TARGETS_AIR` …) are one quoted cell of
 * comma-separated names, hand-typed or pasted from PDFs and web pages over 18 months. What the
 * bundled file holds, and what this module does about it:
 *
 * 1. **Spelling** is folded before any lookup: case, accents, spacing, punctuation and PDF
 *    hyphenation ("Be- larus", "Guinea- Bissau", "North                     Korea",
 *    "CookIslands"), detached accents of PDF text ("R ́eunion", "Cˆote d’Ivoire", "Cura¸cao"),
 *    and UTF-8 read as Windows-1252 or Mac Roman ("CÃ´te dâ€™Ivoire", "Cura Ãßcao") — see
 *    `nameKey`.
 * 2. **Names with commas** ("Micronesia, Federated States of", "Virgin Islands, British",
 *    "Saint Helena, Ascension and Tristan da Cunha") are pieces of a list cell that join into
 *    one known name: the longest run of pieces that is a name wins (`splitList`).
 * 3. **Names** are looked up among our reference countries' names and World Bank table names,
 *    the World Bank's older names (worldBankNames.ts), then COBAP_ALIASES below: each alias is
 *    a name or misspelling the file really has, with the reason it maps where it does.
 * 4. **Qualifiers** are dropped when what they qualify is a known name: a leading "the", "and"
 *    or "or"; a parenthesised part ("China(Hubei)", "Italy (except for Rome)", "Croatia
 *    (Hrvatska" — a region of a country stands for the country, as COBAP codes it); a trailing
 *    "nationals", "citizens" or "countries" ("EU citizens").
 * 5. **Missing separators**: a piece made of two or more known names in a row, alone or joined
 *    by "and", "or", "." or ";" ("Timor-Leste Turkey", "Spain and Sweden", "Zimbabwe.Afghanistan")
 *    is those names.
 * 6. **Groups** (COBAP_GROUPS) stand for their member countries as of the policy's start date:
 *    the European Union (`EU`, `European Union`, code `EUR`), the Schengen area, EFTA, and the
 *    historical or collective names the file uses (French West Indies, Netherlands Antilles,
 *    Yugoslavia).
 * 7. **Criteria** (`COVIDCASES`, `MANDVAX`) are COBAP codes for a rule rather than a list of
 *    countries; they are kept on the policy as criteria, never as countries.
 *
 * Anything else is unknown, and the feed reports it (file, line, field, name): a name is never
 * dropped. Free-text cells that are not lists at all are handled by the feed's corrections
 * (cobapCorrections.ts), which name each cell they change.
 */
import { COUNTRY_ALIASES, REFERENCE_COUNTRIES } from '../../db/reference/countries.generated.ts';
import { WORLD_BANK_ALIASES } from './worldBankNames.ts';

/** Somaliland: COBAP's `SOL`, a place of its own in bans (no ISO code, not in our reference). */
export const SOMALILAND = 'SOL';
/** The European Union as COBAP codes it (`ISO3` column `EUR`). */
export const EUROPEAN_UNION = 'EUR';

/** A membership of a group from a day (inclusive) to a day (inclusive; null: still a member). */
export interface Membership {
	iso3: string;
	from: string;
	to: string | null;
}

const since = (from: string, ...codes: string[]): Membership[] =>
	codes.map((iso3) => ({ iso3, from, to: null }));

/**
 * The European Union's members with their accession (and, for the United Kingdom, withdrawal:
 * 31 January 2020, before every COBAP policy; the transition period is not membership).
 */
export const EU_MEMBERS: readonly Membership[] = [
	...since('1958-01-01', 'BEL', 'DEU', 'FRA', 'ITA', 'LUX', 'NLD'),
	...since('1973-01-01', 'DNK', 'IRL'),
	{ iso3: 'GBR', from: '1973-01-01', to: '2020-01-31' },
	...since('1981-01-01', 'GRC'),
	...since('1986-01-01', 'ESP', 'PRT'),
	...since('1995-01-01', 'AUT', 'FIN', 'SWE'),
	...since('2004-05-01', 'CYP', 'CZE', 'EST', 'HUN', 'LTU', 'LVA', 'MLT', 'POL', 'SVK', 'SVN'),
	...since('2007-01-01', 'BGR', 'ROU'),
	...since('2013-07-01', 'HRV')
];

/** The Schengen area, from the day each state applied it in full. */
export const SCHENGEN_MEMBERS: readonly Membership[] = [
	...since('1995-03-26', 'BEL', 'DEU', 'ESP', 'FRA', 'LUX', 'NLD', 'PRT'),
	...since('1997-10-26', 'ITA'),
	...since('1997-12-01', 'AUT'),
	...since('2000-01-01', 'GRC'),
	...since('2001-03-25', 'DNK', 'FIN', 'ISL', 'NOR', 'SWE'),
	...since('2007-12-21', 'CZE', 'EST', 'HUN', 'LTU', 'LVA', 'MLT', 'POL', 'SVK', 'SVN'),
	...since('2008-12-12', 'CHE'),
	...since('2011-12-19', 'LIE'),
	...since('2023-01-01', 'HRV'),
	...since('2025-01-01', 'BGR', 'ROU')
];

export interface Group {
	/** What the group is, for messages and documentation. */
	name: string;
	members: readonly Membership[];
}

/**
 * Groups of countries the lists name. Historical and collective names stand for the countries
 * that make them up today: the file uses them in pasted "all countries" lists.
 */
export const COBAP_GROUPS: Readonly<Record<string, Group>> = {
	EU: { name: 'European Union', members: EU_MEMBERS },
	SCHENGEN: { name: 'Schengen area', members: SCHENGEN_MEMBERS },
	EFTA: {
		name: 'European Free Trade Association (its four members since 1995)',
		members: since('1995-01-01', 'ISL', 'LIE', 'NOR', 'CHE')
	},
	FRENCH_WEST_INDIES: {
		name: 'French West Indies (Antilles françaises)',
		members: since('2007-02-22', 'GLP', 'MTQ', 'BLM', 'MAF')
	},
	FRENCH_OVERSEAS: {
		name: 'French overseas departments and collectivities',
		members: since(
			'2007-02-22',
			'GUF',
			'GLP',
			'MTQ',
			'MYT',
			'REU',
			'BLM',
			'MAF',
			'SPM',
			'WLF',
			'PYF',
			'NCL'
		)
	},
	NETHERLANDS_ANTILLES: {
		name: 'Netherlands Antilles (dissolved 2010: Curaçao, Sint Maarten, Caribbean Netherlands)',
		members: since('2010-10-10', 'CUW', 'SXM', 'BES')
	},
	YUGOSLAVIA: {
		name: 'Yugoslavia (its last members: Serbia and Montenegro)',
		members: since('2006-06-03', 'SRB', 'MNE')
	}
};
export type GroupCode = keyof typeof COBAP_GROUPS;

/** A group's members on a day. */
export function groupMembers(group: GroupCode, day: string): string[] {
	return COBAP_GROUPS[group]!.members.filter(
		(m) => m.from <= day && (m.to === null || day <= m.to)
	).map((m) => m.iso3);
}

/** COBAP codes for a rule instead of a list of countries. */
export const COBAP_CRITERIA: Readonly<Record<string, string>> = {
	COVIDCASES: 'countries with COVID-19 cases',
	MANDVAX: 'travellers without the mandatory vaccination'
};

/**
 * Names in the bundled file that neither our reference names, World Bank names nor the
 * folding rules map, each with where it goes and why. A value is an ISO3 code, `SOL`, or a
 * group (`group:EU`).
 */
export const COBAP_ALIASES: Readonly<Record<string, string>> = {
	// ISO 3166 and UN long forms (our reference keeps the short form)
	'Bonaire, Sint Eustatius and Saba': 'BES',
	"Côte d'Ivoire (Ivory Coast)": 'CIV',
	'Democratic Republic of the Congo': 'COD',
	'Falkland Islands (Islas Malvinas)': 'FLK',
	'Falkland Islands (Malvinas)': 'FLK',
	'Heard Island and McDonald Islands': 'HMD',
	'Holy See (Vatican City State)': 'VAT',
	'Holy See': 'VAT',
	"Lao People's Democratic Republic": 'LAO',
	'Micronesia, Federated States of': 'FSM',
	'Palestine, State of': 'PSE',
	'Republic of Moldova': 'MDA',
	'Republic of the Congo': 'COG',
	'Sahrawi Arab Democratic Republic (Western Sahara)': 'ESH',
	'Saint Helena, Ascension and Tristan da Cunha': 'SHN',
	'Svalbard and Jan Mayen Islands': 'SJM',
	'Timor-Leste (East Timor)': 'TLS',
	'United Republic of Tanzania': 'TZA',
	'United States Minor Outlying Islands': 'UMI',
	'United States of America': 'USA',
	'Vatican City State (Holy See)': 'VAT',
	'Vatican City (Holy See)': 'VAT',
	'Virgin Islands, British': 'VGB',
	'Virgin Islands (British)': 'VGB',
	'United States Virgin Islands': 'VIR',
	'Wallis and Futuna Islands': 'WLF',
	// Other usual English names, abbreviations and older names
	'Democratic Republic of Congo': 'COD',
	'Congo, Democratic': 'COD',
	'East Timor': 'TLS',
	England: 'GBR',
	'France, Metropolitan': 'FRA', // an ISO code (FX) of the 1990s
	'French Guyana': 'GUF',
	'Great Britain': 'GBR',
	'Great Britain and Northern Ireland': 'GBR',
	'United Kingdom and Northern Ireland': 'GBR',
	Hrvatska: 'HRV', // Croatia in Croatian
	Korea: 'KOR', // in the file's early-2020 lists (Hong Kong, Bulgaria, Sudan): South Korea's outbreak
	'Korea (North)': 'PRK',
	'Korea (South)': 'KOR',
	'Republic of Korea': 'KOR',
	Macau: 'MAC',
	Macedonia: 'MKD',
	'Northern Macedonia': 'MKD',
	'Republic of Northern Macedonia': 'MKD',
	'Mainland China': 'CHN',
	"People's Republic of China": 'CHN',
	'Palestinian Territory': 'PSE',
	'Republic of Congo': 'COG',
	'Republic of Cyprus': 'CYP',
	'Reunion Island': 'REU',
	'Russian Fed.': 'RUS',
	'S. Georgia and S. Sandwich Isls.': 'SGS',
	'Saint Christopher and Nevis': 'KNA',
	'Saint Martin': 'MAF', // the French collectivity; the Dutch side is Sint Maarten
	'St. Martin': 'MAF',
	'St. Maarten': 'SXM',
	'St. Eustatius': 'BES',
	'St. Eustatius and Saba': 'BES',
	'Sint Eustatius and Saba': 'BES',
	Bonaire: 'BES',
	Saba: 'BES',
	'St. Helena': 'SHN',
	'St. Pierre and Miquelon': 'SPM',
	'Saint Vincent': 'VCT',
	Nevis: 'KNA',
	'Turks and Caicos Isl.': 'TCA',
	'Virgin Isl. (British)': 'VGB',
	UAE: 'ARE',
	UK: 'GBR',
	Vatican: 'VAT',
	Zaire: 'COD',
	'Bosnia-Herzegovina': 'BIH',
	'Bosnia Herzegovina': 'BIH',
	// Demonyms and adjectives used as names
	Argentine: 'ARG',
	Kyrgyz: 'KGZ',
	Swiss: 'CHE',
	'Central Africa': 'CAF', // in a list of countries, next to "Cabo Verde": the republic
	// Misspellings in the file
	Antiga: 'ATG',
	Bangledesh: 'BGD',
	Canda: 'CAN',
	Columbia: 'COL',
	"Cote d'lvoire": 'CIV', // a lower-case L for the I
	Czenchia: 'CZE',
	Guatamala: 'GTM',
	IIndia: 'IND',
	Nahrain: 'BHR', // between Kuwait and Lebanon in Saudi Arabia's Gulf list
	'Saint Kits': 'KNA',
	Signapore: 'SGP',
	'South Kora': 'KOR',
	Surinam: 'SUR',
	Swedan: 'SWE',
	'United Kindgdom': 'GBR',
	'Vactican City': 'VAT',
	'xfPapua New Guinea': 'PNG', // a PDF extraction artefact before the name
	'Sahrawi Arab': 'ESH', // cut short in Norway's list
	// Pieces of a name with a comma that a sorted list parted from the rest of it
	'Federated States of': 'FSM', // of "Micronesia, Federated States of"
	Metropolitan: 'FRA', // of "France, Metropolitan"
	// Parts of a country standing for it (COBAP codes the country)
	Catalonia: 'ESP',
	'East Nusa Tenggara': 'IDN', // the Indonesian province on Timor's land border
	'Western Australia': 'AUS',
	'Chinese passports issued in Hubei Province or Zhejiang Province': 'CHN',
	'Chinese passports issued in Hubei Province or Zhejiang Provinc': 'CHN', // cut short
	// Somaliland and groups
	Somaliland: SOMALILAND,
	EU: 'group:EU',
	'European Union': 'group:EU',
	Schengen: 'group:SCHENGEN',
	'EU/Schengen': 'group:EU+SCHENGEN',
	EFTA: 'group:EFTA',
	'French West Indies': 'group:FRENCH_WEST_INDIES',
	'French Overseas Territories': 'group:FRENCH_OVERSEAS',
	'Netherlands Antilles': 'group:NETHERLANDS_ANTILLES',
	Yugoslavia: 'group:YUGOSLAVIA'
};

/** A list entry once resolved. */
export type CobapName =
	| { kind: 'country'; iso3: string }
	| { kind: 'group'; groups: GroupCode[] }
	| { kind: 'criterion'; code: string };

// ---------------------------------------------------------------- folding

/**
 * Windows-1252's characters for bytes 0x80–0x9F (its other bytes are Latin-1). Written out:
 * Node's TextDecoder('windows-1252') decodes these bytes as Latin-1 controls.
 */
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Byte of each character of a single-byte encoding's upper half, for undoing mojibake. */
function upperHalf(encoding: 'windows-1252' | 'macintosh'): Map<string, number> | null {
	const map = new Map<string, number>();
	if (encoding === 'windows-1252') {
		for (let b = 0x80; b < 0x100; b++) {
			map.set(b < 0xa0 ? CP1252_80_9F[b - 0x80]! : String.fromCharCode(b), b);
		}
		return map;
	}
	let decoder: TextDecoder;
	try {
		decoder = new TextDecoder(encoding);
	} catch {
		return null; // a Node built without ICU's legacy encodings
	}
	for (let b = 0x80; b < 0x100; b++) map.set(decoder.decode(new Uint8Array([b])), b);
	return map;
}
let mojibakeTables: Map<string, number>[] | undefined;
const utf8 = new TextDecoder('utf-8');

/**
 * UTF-8 that was decoded as Windows-1252 or Mac Roman and written again ("CÃ´te dâ€™Ivoire",
 * "Cura Ãßcao") decoded right; text that is not such mojibake comes back unchanged.
 */
export function repairMojibake(text: string): string {
	if (!/[\u0080-\uffff]/.test(text)) return text;
	let repaired = repairs.get(text);
	if (repaired === undefined) {
		repaired = undoMojibake(text);
		repairs.set(text, repaired);
	}
	return repaired;
}
const repairs = new Map<string, string>();

function undoMojibake(text: string): string {
	mojibakeTables ??= [upperHalf('windows-1252'), upperHalf('macintosh')].filter(
		(t): t is Map<string, number> => t !== null
	);
	for (const table of mojibakeTables) {
		const bytes: number[] = [];
		let encodable = true;
		for (const ch of text) {
			const code = ch.codePointAt(0)!;
			const byte = code < 0x80 ? code : table.get(ch);
			if (byte === undefined) {
				encodable = false;
				break;
			}
			bytes.push(byte);
		}
		if (encodable && isUtf8(bytes)) return utf8.decode(Uint8Array.from(bytes));
	}
	return text;
}

/** Whether bytes are well-formed UTF-8 with at least one multi-byte character. */
function isUtf8(bytes: readonly number[]): boolean {
	let multi = false;
	for (let i = 0; i < bytes.length;) {
		const b = bytes[i]!;
		const length =
			b < 0x80
				? 1
				: b >= 0xc2 && b <= 0xdf
					? 2
					: b >= 0xe0 && b <= 0xef
						? 3
						: b >= 0xf0 && b <= 0xf4
							? 4
							: 0;
		if (length === 0 || i + length > bytes.length) return false;
		for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return false;
		if (length > 1) multi = true;
		i += length;
	}
	return multi;
}

/**
 * The key a name is looked up by: mojibake repaired, accents (attached or detached) removed,
 * lower case, and nothing but letters and digits, so spacing, punctuation and hyphenation
 * never matter ("Guinea- Bissau" = "GuineaBissau" = "Guinea-Bissau").
 */
export function nameKey(name: string): string {
	return repairMojibake(name)
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/&/g, 'and')
		.replace(/[^a-z0-9]/g, '');
}

// ---------------------------------------------------------------- lookup

/** Folded name → what it is; a key two entries disagree on is dropped (reported as unknown). */
function index(entries: Iterable<[string, string]>, into = new Map<string, string>()) {
	const ambiguous = new Set<string>();
	for (const [name, target] of entries) {
		const key = nameKey(name);
		const earlier = into.get(key);
		if (earlier !== undefined && earlier !== target) ambiguous.add(key);
		else into.set(key, target);
	}
	for (const key of ambiguous) into.delete(key);
	return into;
}

let lookup: Map<string, string> | undefined;
function names(): Map<string, string> {
	if (lookup) return lookup;
	const reference = index(
		REFERENCE_COUNTRIES.flatMap((c) => [
			[c.name, c.iso3] as [string, string],
			...(c.wbName ? [[c.wbName, c.iso3] as [string, string]] : [])
		])
	);
	// Later tiers add names; they never override a reference name.
	for (const tier of [WORLD_BANK_ALIASES, COBAP_ALIASES]) {
		for (const [key, target] of index(Object.entries(tier))) {
			if (!reference.has(key)) reference.set(key, target);
		}
	}
	lookup = reference;
	return lookup;
}

let prefixes: Set<string> | undefined;
/** Every proper prefix of a known name's key ("virginislands" of "virginislandsbritish"). */
function namePrefixes(): Set<string> {
	if (prefixes) return prefixes;
	prefixes = new Set();
	for (const key of names().keys()) {
		for (let n = 1; n < key.length; n++) prefixes.add(key.slice(0, n));
	}
	return prefixes;
}

const ISO3_CODES = new Set(REFERENCE_COUNTRIES.map((c) => c.iso3));

function fromTarget(target: string): CobapName {
	if (target.startsWith('group:')) {
		return { kind: 'group', groups: target.slice(6).split('+') as GroupCode[] };
	}
	return { kind: 'country', iso3: target };
}

/** Leading words that qualify nothing: "the Netherlands", "and Zimbabwe", "or Iran". */
const LEADING = /^(?:(?:the|and|or)\s+)+/i;
/** Trailing words naming people or states of a place: "EU citizens", "UK nationals". */
const TRAILING = /\s+(?:nationals|citizens|countries)$/i;

/**
 * A name as a whole (after the leading and trailing words): a reference or alias name, an
 * ISO3 code (`USA`; COBAP's `EUR`, `SOL`, `XKX`; publishers' aliases such as `RKS`), or a
 * criterion code; null otherwise.
 */
export function resolveWholeName(text: string): CobapName | null {
	// Lists repeat the same few hundred names thousands of times.
	let known = wholeNames.get(text);
	if (known === undefined) {
		known = lookupWholeName(text);
		wholeNames.set(text, known);
	}
	return known;
}
const wholeNames = new Map<string, CobapName | null>();

function lookupWholeName(text: string): CobapName | null {
	const trimmed = repairMojibake(text).trim();
	if (trimmed === '') return null;
	if (/^[A-Z]{3,10}$/.test(trimmed)) {
		if (trimmed in COBAP_CRITERIA) return { kind: 'criterion', code: trimmed };
		if (trimmed === EUROPEAN_UNION) return { kind: 'group', groups: ['EU'] };
		if (trimmed === SOMALILAND || ISO3_CODES.has(trimmed)) {
			return { kind: 'country', iso3: trimmed };
		}
		const alias = COUNTRY_ALIASES[trimmed];
		if (alias) return { kind: 'country', iso3: alias };
	}
	const bare = trimmed.replace(LEADING, '');
	for (const candidate of [bare, bare.replace(TRAILING, '')]) {
		const target = names().get(nameKey(candidate));
		if (target !== undefined) return fromTarget(target);
	}
	return null;
}

/**
 * One piece of a list: the whole name; else a known name with a parenthesised qualifier
 * ("China(Hubei)", "Croatia (Hrvatska" with its parenthesis never closed); else known names
 * run together ("Timor-Leste Turkey", "Spain and Sweden", "Zimbabwe.Afghanistan"). Null: unknown.
 */
export function resolvePiece(piece: string): CobapName[] | null {
	const whole = resolveWholeName(piece);
	if (whole) return [whole];
	const qualified = /^(.+?)\s*\(.*$/s.exec(repairMojibake(piece).trim());
	if (qualified) {
		const base = resolveWholeName(qualified[1]!);
		if (base) return [base];
	}
	return segment(piece);
}

/**
 * The fewest known names whose words, in order, make up `piece`, with "and", "or", "." and ";"
 * allowed between them; null when there is no such reading.
 */
function segment(piece: string): CobapName[] | null {
	const words = repairMojibake(piece)
		.replace(/([.;])(?=\S)/g, '$1 ')
		.split(/\s+/)
		.filter((w) => w !== '');
	if (words.length < 2 || words.length > 40) return null;
	const connector = (w: string) => /^(?:and|or|&|[.;])$/i.test(w);
	// best[i]: the fewest names that make up words[0..i), or null when none do.
	const best: (CobapName[] | null)[] = [[]];
	for (let end = 1; end <= words.length; end++) {
		best[end] = null;
		for (let start = 0; start < end; start++) {
			const before = best[start];
			if (!before) continue;
			let reading: CobapName[];
			if (end - start === 1 && connector(words[start]!)) {
				// Only between two names.
				if (start === 0 || end === words.length) continue;
				reading = before;
			} else {
				const name = resolveWholeName(
					words
						.slice(start, end)
						.join(' ')
						.replace(/[.;]+$/, '')
				);
				if (!name) continue;
				reading = [...before, name];
			}
			if (!best[end] || reading.length < best[end]!.length) best[end] = reading;
		}
	}
	const found = best[words.length];
	return found && found.length >= 2 ? found : null;
}

/** One resolved piece of a list cell, or an unknown one (`names` null) to report. */
export interface ListPiece {
	text: string;
	names: CobapName[] | null;
}

/**
 * A list cell's pieces: split at commas and semicolons (not inside parentheses, unless one is
 * never closed), runs of pieces that join into one known name joined again (longest first),
 * each piece resolved. Empty pieces (a doubled or trailing comma) are skipped.
 */
export function splitList(cell: string): ListPiece[] {
	const pieces = splitOutsideParentheses(cell)
		.map((p) => p.trim())
		.filter((p) => p !== '');
	const out: ListPiece[] = [];
	for (let i = 0; i < pieces.length; i++) {
		let joined = false;
		// Only a piece that begins some longer known name can join the next ones.
		const last = namePrefixes().has(nameKey(pieces[i]!)) ? Math.min(pieces.length - 1, i + 3) : i;
		for (let j = last; j > i; j--) {
			const text = pieces.slice(i, j + 1).join(', ');
			const name = resolveWholeName(text);
			if (name) {
				out.push({ text, names: [name] });
				i = j;
				joined = true;
				break;
			}
		}
		if (!joined) out.push({ text: pieces[i]!, names: resolvePiece(pieces[i]!) });
	}
	return out;
}

function splitOutsideParentheses(cell: string): string[] {
	const out: string[] = [];
	let depth = 0;
	let current = '';
	for (const ch of cell) {
		if (ch === '(') depth++;
		else if (ch === ')') depth = Math.max(0, depth - 1);
		if ((ch === ',' || ch === ';') && depth === 0) {
			out.push(current);
			current = '';
		} else current += ch;
	}
	out.push(current);
	// A parenthesis never closed would swallow the rest of the list.
	return depth > 0 ? cell.split(/[,;]/) : out;
}
