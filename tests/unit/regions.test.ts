/**
 * Regions, country search and region framing on the real reference data: the page filters
 * by the same names the API accepts, finds countries by the names readers use, and frames a
 * region on a map that draws one copy of the world.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	buildCountryGeometry,
	countryMeta,
	readIsoRows,
	readWorldAtlas
} from '../../scripts/build-geometry.ts';
import type { Country } from '../../src/lib/domain/country.ts';
import { searchCountries } from '../../src/lib/domain/countrySearch.ts';
import { canonicalRegion, regionGroups, regionMembers } from '../../src/lib/domain/regions.ts';
import { listCountries } from '../../src/lib/server/db/countries.ts';
import { openDatabase } from '../../src/lib/server/db/open.ts';
import { regionBounds, type CountryMeta } from '../../src/lib/map/geometry.ts';
import { ROOT, tempDir } from '../support/server.ts';

let countries: Country[];
beforeAll(() => {
	const db = openDatabase(join(tempDir(), 'countries.db'));
	countries = listCountries(db);
	db.close();
});

const iso = parse(readFileSync(join(ROOT, 'data/reference/iso3166-countries.csv')), {
	columns: true
}) as Record<string, string>[];
const wb = parse(readFileSync(join(ROOT, 'data/reference/wb-country-metadata.csv')), {
	columns: true,
	bom: true
}) as Record<string, string>[];
const fromIso = (column: string, value: string) =>
	new Set(iso.filter((r) => r[column] === value).map((r) => r['alpha-3']!));
const fromWb = (column: string, value: string) =>
	new Set(wb.filter((r) => r[column] === value).map((r) => r['Country Code']!));
const sorted = (s: Set<string> | null) => [...(s ?? [])].sort();

describe('region members, as the reference files list them', () => {
	it.each([
		['Africa', () => fromIso('region', 'Africa')],
		['Western Africa', () => fromIso('intermediate-region', 'Western Africa')],
		['Southern Asia', () => fromIso('sub-region', 'Southern Asia')],
		['South Asia', () => fromWb('Region', 'South Asia')],
		['Low income', () => fromWb('IncomeGroup', 'Low income')]
	])('%s', (region, expected) => {
		const members = regionMembers(countries, region);
		const want = [...expected()].filter((c) => countries.some((k) => k.iso3 === c));
		expect(sorted(members)).toEqual(want.sort());
		expect(sorted(regionMembers(countries, region.toUpperCase()))).toEqual(sorted(members));
	});

	it('takes a name both classifications use as the countries either puts in it', () => {
		const both = new Set([
			...fromIso('sub-region', 'Sub-Saharan Africa'),
			...fromWb('Region', 'Sub-Saharan Africa')
		]);
		expect(sorted(regionMembers(countries, 'sub-saharan africa'))).toEqual(
			[...both].filter((c) => countries.some((k) => k.iso3 === c)).sort()
		);
	});

	it('knows no unknown name, and spells known ones as the data does', () => {
		expect(regionMembers(countries, 'Atlantis')).toBeNull();
		expect(regionMembers(countries, '  ')).toBeNull();
		expect(canonicalRegion(countries, 'latin america & caribbean')).toBe(
			'Latin America & Caribbean'
		);
	});

	it('groups names by classification with counts, income groups from low to high', () => {
		const groups = regionGroups(countries);
		expect(groups.map((g) => g.kind)).toEqual([
			'm49Region',
			'm49Subregion',
			'wbRegion',
			'incomeGroup'
		]);
		expect(groups[3]!.regions.map((r) => r.name)).toEqual([
			'Low income',
			'Lower middle income',
			'Upper middle income',
			'High income'
		]);
		const africa = groups[0]!.regions.find((r) => r.name === 'Africa')!;
		expect(africa.count).toBe(regionMembers(countries, 'Africa')!.size);
		expect(groups[1]!.regions.some((r) => r.name === 'Western Africa')).toBe(true);
	});
});

describe('finding a country by the names readers use', () => {
	it.each([
		['usa', 'USA'],
		['United States', 'USA'],
		['america', 'USA'],
		['uk', 'GBR'],
		['Britain', 'GBR'],
		['ivory coast', 'CIV'],
		["cote d'ivoire", 'CIV'],
		['turkey', 'TUR'],
		['drc', 'COD'],
		['MX', 'MEX'],
		['mex', 'MEX'],
		['phil', 'PHL'],
		['vietnam', 'VNM'],
		['russia', 'RUS'],
		['south korea', 'KOR']
	])('%s → %s', (query, iso3) => {
		expect(searchCountries(countries, query)[0]?.iso3).toBe(iso3);
	});

	it('finds nothing for nothing, and ranks names that start with the words first', () => {
		expect(searchCountries(countries, '  ')).toEqual([]);
		expect(searchCountries(countries, 'zzzz')).toEqual([]);
		const guinea = searchCountries(countries, 'guinea').map((c) => c.iso3);
		expect(guinea[0]).toBe('GIN');
		expect(guinea).toEqual(expect.arrayContaining(['GNB', 'GNQ', 'PNG']));
	});
});

describe('framing a region', () => {
	let shapes: CountryMeta[];
	beforeAll(() => {
		shapes = countryMeta(buildCountryGeometry(readWorldAtlas(), readIsoRows()));
	});

	it('frames Europe around the continent, not French Guiana', () => {
		const [[west, south], [east, north]] = regionBounds(
			shapes,
			regionMembers(countries, 'Europe')!
		)!;
		expect(west).toBeGreaterThan(-32);
		expect(south).toBeGreaterThan(30);
		expect(east).toBeLessThanOrEqual(180);
		expect(north).toBeLessThan(85);
	});

	it('keeps Oceania on the side of the antimeridian where most of it lies', () => {
		const [[west], [east]] = regionBounds(shapes, regionMembers(countries, 'Oceania')!)!;
		expect(west).toBeGreaterThan(100);
		expect(east).toBe(180);
	});

	it('frames Africa inside its coordinates', () => {
		const [[west, south], [east, north]] = regionBounds(
			shapes,
			regionMembers(countries, 'Africa')!
		)!;
		expect([west, south, east, north].every(Number.isFinite)).toBe(true);
		expect(west).toBeGreaterThan(-26);
		expect(east).toBeLessThan(64);
		expect(south).toBeGreaterThan(-48);
		expect(north).toBeLessThan(38);
	});

	it('frames nothing for no members', () => {
		expect(regionBounds(shapes, new Set())).toBeNull();
	});
});
