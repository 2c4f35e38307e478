/**
 * A corridor's other end as publishers code it. Most codes are countries (ISO alpha-3, or an
 * alias such as RPW's `KSV` for Kosovo); a few name something that is no country of ours and
 * are kept as they are, by name, because their values are real money (Banco de México's
 * "No Identificado" alone is over US$100 million a quarter). Any other code is refused.
 */
import { quoted } from '../problem.ts';
import type { ParseContext } from './oxcgrtC8.ts';

/** Partner codes that are no country, and what they stand for. */
export const NON_COUNTRY_PARTNERS: Readonly<Record<string, string>> = {
	// Dissolved in 2010 (Curaçao, Sint Maarten, the Caribbean Netherlands): RPW and Banxico
	// still report it.
	ANT: 'Netherlands Antilles',
	// Not in ISO 3166; Banco de México reports it apart from Georgia.
	ABK: 'Abkhazia',
	// Banco de México's "No Identificado": money whose origin or destination is not known.
	XXX: 'not identified'
};

/**
 * Our ISO3 for a country code (aliases resolved: KSV → XKX), the code itself for a known
 * non-country partner, or null for anything else.
 */
export function resolvePartner(
	raw: string,
	ctx: Pick<ParseContext, 'resolveCountry'>
): string | null {
	const code = raw.trim().toUpperCase();
	if (!/^[A-Z]{3}$/.test(code)) return null;
	return ctx.resolveCountry(code) ?? (Object.hasOwn(NON_COUNTRY_PARTNERS, code) ? code : null);
}

export const unknownPartner = (code: string, name: string) =>
	`unknown country code ${quoted(code.trim())}${name.trim() ? ` (${quoted(name.trim())})` : ''}: neither an ISO 3166 country nor one of ${Object.keys(NON_COUNTRY_PARTNERS).join(', ')}`;
