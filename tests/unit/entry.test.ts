/**
 * The "who can enter" layer's pure parts: API answers to the map's classes and bans, the
 * legend's counts, the sentence and the tooltip, both ways round.
 */
import { describe, expect, it } from 'vitest';
import {
	ENTRY_SELF,
	entryClasses,
	entryCounts,
	entryDescription,
	entryPairNote,
	entryView
} from '../../src/lib/domain/entry.ts';
import { visaRequirementOrdinal } from '../../src/lib/domain/visaRequirement.ts';

// Shapes of /api/visa and /api/bans; the pairs are from Passport Index 2021-01-25 and COBAP.
const visaForMexico = {
	passport: 'MEX',
	date: '2021-02-01',
	snapshot: '2021-01-25',
	destinations: [
		{ iso3: 'USA', requirement: 'visa-required', days: null },
		{ iso3: 'GBR', requirement: 'visa-free', days: 180 },
		{ iso3: 'CAN', requirement: 'eta', days: null },
		{ iso3: 'ARG', requirement: 'covid-ban', days: null },
		{ iso3: 'MEX', requirement: 'visa-free', days: null }
	]
};
const bansOnMexico = {
	origin: 'MEX',
	date: '2021-02-01',
	destinations: [
		{
			iso3: 'ARG',
			policies: [{ id: 'AR1', citizens: [], travellers: ['MEX', 'USA'] }]
		},
		{
			iso3: 'NZL',
			policies: [
				{ id: 'NZ2', citizens: ['MEX'], travellers: [] },
				{ id: 'NZ3', citizens: ['MEX'], travellers: ['MEX'] }
			]
		},
		// A policy listed for the origin that names neither its citizens nor its travellers.
		{ iso3: 'PER', policies: [{ id: 'PE9', citizens: ['CHL'], travellers: [] }] },
		// The API's grounds decide where the lists name the origin through a group (EU states).
		{
			iso3: 'CHE',
			policies: [
				{ id: 'CH4', citizens: ['EUR'], travellers: [], grounds: ['travel history' as const] }
			]
		}
	]
};

describe('entryView for a passport', () => {
	const view = entryView('passport', 'MEX', '2021-02-01', visaForMexico, bansOnMexico);

	it('keeps each destination’s rule, never the passport’s own country', () => {
		expect(view.snapshot).toBe('2021-01-25');
		expect([...view.rules.keys()].sort()).toEqual(['ARG', 'CAN', 'GBR', 'USA']);
		expect(view.rules.get('GBR')).toEqual({ requirement: 'visa-free', days: 180 });
	});

	it('marks the destinations that banned its citizens or travellers, with their grounds', () => {
		expect(Object.fromEntries(view.bans)).toEqual({
			ARG: { citizens: false, travellers: true, policies: ['AR1'] },
			NZL: { citizens: true, travellers: true, policies: ['NZ2', 'NZ3'] },
			CHE: { citizens: false, travellers: true, policies: ['CH4'] }
		});
	});

	it('classes every destination by its requirement and the passport as itself', () => {
		const classes = entryClasses(view);
		expect(classes.get('USA')).toBe(visaRequirementOrdinal('visa-required'));
		expect(classes.get('ARG')).toBe(visaRequirementOrdinal('covid-ban'));
		expect(classes.get('MEX')).toBe(ENTRY_SELF);
		expect(classes.has('NZL')).toBe(false);
	});

	it('counts within a filter and says it in one sentence', () => {
		const counts = entryCounts(view, (iso3) => iso3 !== 'CAN');
		expect(counts.get('visa-free')).toBe(1);
		expect(counts.get('eta')).toBe(0);
		expect(
			entryDescription({
				view,
				countryName: 'Mexico',
				dayLong: '1 February 2021',
				counts: entryCounts(view, () => true),
				bans: 2,
				regionName: null
			})
		).toBe(
			'On 1 February 2021, holders of a passport of Mexico could enter 2 of 4 countries without applying for a visa in advance; 1 banned them because of COVID-19 (Passport Index of 2021-01-25). COBAP records 2 countries that banned its citizens or travellers that day.'
		);
	});

	it('explains a pair in the tooltip', () => {
		const name = (iso3: string) =>
			({ MEX: 'Mexico', ARG: 'Argentina', GBR: 'United Kingdom' })[iso3] ?? iso3;
		expect(entryPairNote(view, 'GBR', name)).toBe(
			'Holders of a passport of Mexico: Visa-free (180 days).'
		);
		expect(entryPairNote(view, 'ARG', name)).toBe(
			'Holders of a passport of Mexico: COVID-19 ban. COBAP: Argentina banned Mexico’s travellers (AR1).'
		);
		expect(entryPairNote(null, 'ARG', name)).toMatch(/Choose a country/);
	});
});

describe('entryView for a destination', () => {
	const visa = {
		destination: 'NZL',
		date: '2021-02-01',
		snapshot: '2021-01-25',
		passports: [
			{ iso3: 'MEX', requirement: 'covid-ban', days: null },
			{ iso3: 'AUS', requirement: 'visa-free', days: null },
			{ iso3: 'NZL', requirement: 'visa-free', days: null }
		]
	};
	const bans = {
		destination: 'NZL',
		date: '2021-02-01',
		policies: [
			{ id: 'NZ2', citizens: ['MEX', 'CHN'], travellers: [] },
			{ id: 'NZ3', citizens: [], travellers: ['MEX', 'NZL'] }
		]
	};
	const view = entryView('destination', 'NZL', '2021-02-01', visa, bans);

	it('keys rules by passport and bans by the origins targeted', () => {
		expect([...view.rules.keys()].sort()).toEqual(['AUS', 'MEX']);
		expect(Object.fromEntries(view.bans)).toEqual({
			MEX: { citizens: true, travellers: true, policies: ['NZ2', 'NZ3'] },
			CHN: { citizens: true, travellers: false, policies: ['NZ2'] }
		});
	});

	it('says who could enter', () => {
		expect(
			entryDescription({
				view,
				countryName: 'New Zealand',
				dayLong: '1 February 2021',
				counts: entryCounts(view, () => true),
				bans: 2,
				regionName: null
			})
		).toBe(
			'On 1 February 2021, New Zealand let holders of 1 of 2 passports in without applying for a visa in advance; it banned holders of 1 because of COVID-19 (Passport Index of 2021-01-25). COBAP records bans on citizens or travellers of 2 countries that day.'
		);
	});

	it('has no rules before the first snapshot (the API answered 404)', () => {
		const early = entryView('destination', 'NZL', '2019-01-01', null, { policies: [] });
		expect(early.rules.size).toBe(0);
		expect(early.snapshot).toBeNull();
	});
});
