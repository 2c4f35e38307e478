/**
 * Finding a country the way readers name it: "USA", "Britain", "Ivory Coast", "Turkey",
 * "DRC", "cote d'ivoire" without the accent, or an ISO code.
 */
import type { Country } from './country.ts';

/** Everyday and former names the reference table does not carry, by ISO3. */
export const COLLOQUIAL_NAMES: Record<string, readonly string[]> = {
	USA: ['USA', 'US', 'America', 'United States of America', 'U.S.'],
	GBR: ['UK', 'Britain', 'Great Britain', 'England', 'Scotland', 'Wales', 'United Kingdom'],
	ARE: ['UAE', 'Emirates'],
	CIV: ['Ivory Coast'],
	TUR: ['Turkey', 'Türkiye'],
	CZE: ['Czech Republic'],
	MMR: ['Burma'],
	SWZ: ['Swaziland'],
	MKD: ['Macedonia'],
	CPV: ['Cape Verde'],
	COD: ['DRC', 'DR Congo', 'Congo-Kinshasa', 'Zaire', 'Democratic Republic of the Congo'],
	COG: ['Congo-Brazzaville', 'Republic of the Congo'],
	TLS: ['East Timor'],
	KOR: ['Korea', 'Republic of Korea'],
	PRK: ['North Korea', 'DPRK'],
	LAO: ['Laos'],
	RUS: ['Russia'],
	VNM: ['Vietnam', 'Viet Nam'],
	IRN: ['Iran', 'Persia'],
	SYR: ['Syria'],
	BOL: ['Bolivia'],
	VEN: ['Venezuela'],
	TZA: ['Tanzania'],
	MDA: ['Moldova'],
	PSE: ['Palestine', 'West Bank', 'Gaza'],
	NLD: ['Holland'],
	VAT: ['Vatican', 'Holy See'],
	FSM: ['Micronesia'],
	KGZ: ['Kyrgyzstan'],
	SVK: ['Slovak Republic'],
	GMB: ['Gambia', 'The Gambia'],
	BHS: ['Bahamas', 'The Bahamas'],
	LCA: ['St Lucia', 'Saint Lucia'],
	KNA: ['St Kitts', 'Saint Kitts'],
	VCT: ['St Vincent', 'Saint Vincent'],
	HKG: ['Hong Kong'],
	MAC: ['Macau', 'Macao'],
	TWN: ['Taiwan'],
	XKX: ['Kosovo']
};

/** Lower case, accents and punctuation dropped, so "Côte d'Ivoire" matches "cote divoire". */
export function foldName(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9 ]+/g, '')
		.replace(/\s+/g, ' ')
		.trim();
}

/**
 * Countries matching `query`, best first: an exact ISO code or name, then names and
 * other names that start with it, then words that start with it, then anything containing it.
 */
export function searchCountries(
	countries: readonly Country[],
	query: string,
	limit = 12
): Country[] {
	const q = foldName(query);
	if (!q) return [];
	const scored: { country: Country; score: number }[] = [];
	for (const country of countries) {
		const names = [country.name, ...(COLLOQUIAL_NAMES[country.iso3] ?? [])].map(foldName);
		const codes = [country.iso3, country.iso2 ?? ''].map((c) => c.toLowerCase());
		let score = 0;
		if (codes.includes(q) || names.includes(q)) score = 4;
		else if (names.some((n) => n.startsWith(q))) score = 3;
		else if (names.some((n) => n.split(' ').some((w) => w.startsWith(q)))) score = 2;
		else if (q.length >= 3 && names.some((n) => n.includes(q))) score = 1;
		if (score > 0) scored.push({ country, score });
	}
	scored.sort((a, b) => b.score - a.score || a.country.name.localeCompare(b.country.name));
	return scored.slice(0, limit).map((s) => s.country);
}
