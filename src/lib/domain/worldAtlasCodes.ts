/**
 * How world-atlas features are keyed by ISO alpha-3: through their ISO numeric id, or by
 * name for the few features without one. Used by the geometry build (scripts/build-geometry.ts)
 * and by the server's image renderer, so both key every shape the same way.
 */
import { UNCODED_MAP_FEATURES } from './country.ts';

export interface IsoRow {
	name: string;
	'alpha-2': string;
	'alpha-3': string;
	'country-code': string;
}

/** Map from ISO numeric ("076") to alpha-3 ("BRA"). */
export function numericToAlpha3(rows: IsoRow[]): Map<string, string> {
	const map = new Map<string, string>();
	for (const row of rows) {
		if (map.has(row['country-code'])) {
			throw new Error(`iso3166 CSV: duplicate country-code ${row['country-code']}`);
		}
		map.set(row['country-code'], row['alpha-3']);
	}
	return map;
}

export function iso3ForFeature(
	id: string | number | undefined,
	name: string,
	alpha3ByNumeric: Map<string, string>
): string {
	if (id !== undefined) {
		const iso3 = alpha3ByNumeric.get(String(id));
		if (!iso3) throw new Error(`world-atlas feature "${name}" has id ${id}, not in the ISO CSV`);
		return iso3;
	}
	const uncoded = UNCODED_MAP_FEATURES[name];
	if (!uncoded) {
		throw new Error(`world-atlas feature "${name}" has no id and is not in UNCODED_MAP_FEATURES`);
	}
	return uncoded.code;
}
