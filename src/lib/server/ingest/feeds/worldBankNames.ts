/**
 * World Bank country names → our ISO3 codes. The bilateral matrices (and other World Bank
 * tables) identify economies by name only, and by the names of their vintage: the 2017
 * matrices still say "Swaziland", "Macedonia, FYR" and "Turkey".
 *
 * A name is looked up, after folding case, accents, apostrophes and spacing:
 * 1. among our reference countries' World Bank table names (`wbName`, 2025 metadata),
 * 2. then among their ISO names,
 * 3. then in WORLD_BANK_ALIASES, the older World Bank names kept on purpose.
 * A name found nowhere is unknown, and feeds report it as a problem; the only names known
 * not to be countries are NON_COUNTRY_BUCKETS.
 */
import { REFERENCE_COUNTRIES } from '../../db/reference/countries.generated.ts';

/**
 * World Bank names of earlier vintages that neither today's table names nor ISO names
 * match (each year's name given, with the name that replaced it).
 */
export const WORLD_BANK_ALIASES: Readonly<Record<string, string>> = {
	'Cape Verde': 'CPV', // Cabo Verde
	'Czech Republic': 'CZE', // Czechia
	'Faeroe Islands': 'FRO', // Faroe Islands
	'Korea, Dem. Rep.': 'PRK', // Korea, Dem. People's Rep.
	'Macedonia, FYR': 'MKD', // North Macedonia
	'Puerto Rico': 'PRI', // Puerto Rico (US)
	Swaziland: 'SWZ', // Eswatini
	'Taiwan, China': 'TWN', // not in the WDI country list; some World Bank tables use it
	Turkey: 'TUR', // Türkiye
	Vietnam: 'VNM', // Viet Nam
	'Virgin Islands (U.S.)': 'VIR' // Virgin Islands (US)
};

/**
 * Rows and columns of World Bank matrices that are deliberately not countries, so not
 * mapped and not reported: the migrant-stock matrix's residual groups of origins and
 * destinations not estimated one by one, split into high-income ("North") and the rest
 * ("South"). Totals rows and columns ("WORLD") are not here: parsers stop at them.
 */
export const NON_COUNTRY_BUCKETS: readonly string[] = ['Other North', 'Other South'];

export type WorldBankName =
	{ kind: 'country'; iso3: string; via: 'wbName' | 'name' | 'alias' } | { kind: 'bucket' };

/** Folds case, accents, apostrophes and spacing: "Côte d'Ivoire" = "COTE D’IVOIRE". */
export function foldName(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.replace(/[‘’ʼ`´]/g, "'")
		.replace(/\s+/g, ' ')
		.trim()
		.toLowerCase();
}

/**
 * Folded name → ISO3. A folded name that two different countries share is ambiguous and
 * left out, so it is reported as unknown rather than mapped to either.
 */
function index(entries: Iterable<[string, string]>): Map<string, string> {
	const map = new Map<string, string>();
	const ambiguous = new Set<string>();
	for (const [name, iso3] of entries) {
		const key = foldName(name);
		const earlier = map.get(key);
		if (earlier !== undefined && earlier !== iso3) ambiguous.add(key);
		else map.set(key, iso3);
	}
	for (const key of ambiguous) map.delete(key);
	return map;
}

const BY_WB_NAME = index(
	REFERENCE_COUNTRIES.flatMap((c) => (c.wbName ? [[c.wbName, c.iso3] as [string, string]] : []))
);
const BY_ISO_NAME = index(REFERENCE_COUNTRIES.map((c) => [c.name, c.iso3]));
const BY_ALIAS = index(Object.entries(WORLD_BANK_ALIASES));
const BUCKETS = new Set(NON_COUNTRY_BUCKETS.map(foldName));

/** Our ISO3 for a World Bank country name, `bucket` for a deliberate non-country, or null. */
export function resolveWorldBankName(name: string): WorldBankName | null {
	const key = foldName(name);
	if (key === '') return null;
	const tiers = [
		['wbName', BY_WB_NAME],
		['name', BY_ISO_NAME],
		['alias', BY_ALIAS]
	] as const;
	for (const [via, map] of tiers) {
		const iso3 = map.get(key);
		if (iso3 !== undefined) return { kind: 'country', iso3, via };
	}
	return BUCKETS.has(key) ? { kind: 'bucket' } : null;
}
