/**
 * The "who can enter" layer: what holders of one passport needed to enter each country on a
 * day (Passport Index), with the COBAP bans on that country's citizens or travellers marked;
 * or, the other way round, what each passport needed to enter one destination and which
 * origins it banned. Pure: the view model and the image renderer share it.
 */
import {
	VISA_REQUIREMENTS,
	visaRequirementInfo,
	visaRequirementOrdinal,
	type VisaRequirement
} from './visaRequirement.ts';

/** Whose rules the map shows: a passport's holders going abroad, or a destination's entrants. */
export type EntryDirection = 'passport' | 'destination';

/**
 * Fill per requirement, most open to most closed (RdBu, which colour-blind readers can tell
 * apart, extended with a near-black for "no admission").
 */
export const ENTRY_COLORS: Record<VisaRequirement, string> = {
	'visa-free': '#2166ac',
	'visa-on-arrival': '#67a9cf',
	eta: '#d1e5f0',
	'e-visa': '#fddbc7',
	'visa-required': '#ef8a62',
	'covid-ban': '#b2182b',
	'no-admission': '#3f0011'
};
/** The chosen country itself: neither open nor closed to its own. */
export const ENTRY_SELF_COLOR = '#8c8c99';
/** The outline that marks a COBAP ban: amber reads on every fill and on both themes. */
export const BAN_OUTLINE_COLOR = '#ffb000';
/** Ordinal feature-state of the chosen country (after the requirements' ordinals). */
export const ENTRY_SELF = VISA_REQUIREMENTS.length;

export interface EntryRule {
	requirement: VisaRequirement;
	days: number | null;
}

/** Why a COBAP ban touches a pair: the travellers' citizenship, their travel history, or both. */
export interface EntryBan {
	citizens: boolean;
	travellers: boolean;
	/** COBAP policy ids in force, for the tooltip. */
	policies: string[];
}

/** One day's "who can enter" for one country, as the map and the description read it. */
export interface EntryView {
	direction: EntryDirection;
	country: string;
	date: string;
	/** The Passport Index snapshot the rules come from (the latest on or before `date`). */
	snapshot: string | null;
	/** The other side of each pair (destinations of a passport, or passports of a destination). */
	rules: ReadonlyMap<string, EntryRule>;
	bans: ReadonlyMap<string, EntryBan>;
}

/** The parts of the API's answers this layer reads. */
interface VisaAnswer {
	snapshot: string;
	destinations?: { iso3: string; requirement: string; days: number | null }[];
	passports?: { iso3: string; requirement: string; days: number | null }[];
}
interface BanPolicy {
	id: string;
	citizens: string[];
	travellers: string[];
	/** By origin: how the policy banned that origin (its lists may name it through a group). */
	grounds?: readonly ('citizenship' | 'travel history')[];
}
interface BansAnswer {
	policies?: BanPolicy[];
	destinations?: { iso3: string; policies: BanPolicy[] }[];
}

const isRequirement = (r: string): r is VisaRequirement => r in ENTRY_COLORS;

function addBan(
	bans: Map<string, EntryBan>,
	iso3: string,
	policy: BanPolicy,
	citizens: boolean,
	travellers: boolean
): void {
	if (!citizens && !travellers) return;
	const ban = bans.get(iso3) ?? { citizens: false, travellers: false, policies: [] };
	bans.set(iso3, {
		citizens: ban.citizens || citizens,
		travellers: ban.travellers || travellers,
		policies: ban.policies.includes(policy.id) ? ban.policies : [...ban.policies, policy.id]
	});
}

/**
 * The layer's data from `/api/visa` and `/api/bans` for one country and day. For a passport,
 * bans are keyed by the destination that imposed them; for a destination, by each origin it
 * banned (by citizenship or travel history).
 */
export function entryView(
	direction: EntryDirection,
	country: string,
	date: string,
	visa: VisaAnswer | null,
	bansAnswer: BansAnswer | null
): EntryView {
	const rules = new Map<string, EntryRule>();
	for (const r of (direction === 'passport' ? visa?.destinations : visa?.passports) ?? []) {
		if (r.iso3 !== country && isRequirement(r.requirement)) {
			rules.set(r.iso3, { requirement: r.requirement, days: r.days });
		}
	}
	const bans = new Map<string, EntryBan>();
	if (direction === 'passport') {
		for (const d of bansAnswer?.destinations ?? []) {
			for (const p of d.policies) {
				const citizens = p.grounds
					? p.grounds.includes('citizenship')
					: p.citizens.includes(country);
				const travellers = p.grounds
					? p.grounds.includes('travel history')
					: p.travellers.includes(country);
				addBan(bans, d.iso3, p, citizens, travellers);
			}
		}
	} else {
		for (const p of bansAnswer?.policies ?? []) {
			for (const iso3 of new Set([...p.citizens, ...p.travellers])) {
				if (iso3 === country) continue;
				addBan(bans, iso3, p, p.citizens.includes(iso3), p.travellers.includes(iso3));
			}
		}
	}
	return { direction, country, date, snapshot: visa?.snapshot ?? null, rules, bans };
}

/** Feature-state ordinal per country: its requirement's rank, or ENTRY_SELF for the chosen one. */
export function entryClasses(view: EntryView): Map<string, number> {
	const classes = new Map<string, number>();
	for (const [iso3, rule] of view.rules)
		classes.set(iso3, visaRequirementOrdinal(rule.requirement));
	classes.set(view.country, ENTRY_SELF);
	return classes;
}

/** How many of `shown` countries fall in each requirement (the legend's counts). */
export function entryCounts(
	view: EntryView,
	shown: (iso3: string) => boolean
): Map<VisaRequirement, number> {
	const counts = new Map<VisaRequirement, number>(VISA_REQUIREMENTS.map((r) => [r.id, 0]));
	for (const [iso3, rule] of view.rules) {
		if (shown(iso3)) counts.set(rule.requirement, (counts.get(rule.requirement) ?? 0) + 1);
	}
	return counts;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The overview's and screen readers' sentence, e.g. "On 15 April 2020, holders of a passport
 * of Mexico could enter 61 of 198 countries without applying for a visa in advance; 37 banned
 * them because of COVID-19 (Passport Index of 2020-04-02)." and the COBAP bans after it.
 */
export function entryDescription({
	view,
	countryName,
	dayLong,
	counts,
	bans,
	regionName
}: {
	view: EntryView;
	countryName: string;
	dayLong: string;
	counts: ReadonlyMap<VisaRequirement, number>;
	/** Bans among the countries shown. */
	bans: number;
	regionName: string | null;
}): string {
	const total = [...counts.values()].reduce((a, b) => a + b, 0);
	const where = regionName ? ` in ${regionName}` : '';
	if (total === 0) {
		return view.direction === 'passport'
			? `No visa rules are known for holders of a passport of ${countryName} on ${dayLong}${where}.`
			: `No visa rules are known for entering ${countryName} on ${dayLong}.`;
	}
	const open =
		(counts.get('visa-free') ?? 0) +
		(counts.get('visa-on-arrival') ?? 0) +
		(counts.get('eta') ?? 0);
	const covid = counts.get('covid-ban') ?? 0;
	const source = view.snapshot ? ` (Passport Index of ${view.snapshot})` : '';
	const banText =
		bans > 0
			? view.direction === 'passport'
				? ` COBAP records ${plural(bans, 'country', 'countries')}${where} that banned its citizens or travellers that day.`
				: ` COBAP records bans on citizens or travellers of ${plural(bans, 'country', 'countries')}${where} that day.`
			: '';
	const covidText =
		covid === 0
			? ''
			: view.direction === 'passport'
				? `; ${covid} banned them because of COVID-19`
				: `; it banned holders of ${covid} because of COVID-19`;
	return view.direction === 'passport'
		? `On ${dayLong}, holders of a passport of ${countryName} could enter ${open} of ${plural(total, 'country', 'countries')}${where} without applying for a visa in advance${covidText}${source}.${banText}`
		: `On ${dayLong}, ${countryName} let holders of ${open} of ${plural(total, 'passport')}${where} in without applying for a visa in advance${covidText}${source}.${banText}`;
}

/**
 * What one pair comes to, for the tooltip over `other`: "Visa required. COBAP: bans its
 * citizens (policy CY36)." Names come from `nameOf`.
 */
export function entryPairNote(
	view: EntryView | null,
	other: string,
	nameOf: (iso3: string) => string
): string {
	if (!view) return 'Choose a country to see who could enter where.';
	if (other === view.country) {
		return view.direction === 'passport' ? 'The passport’s own country.' : 'The destination.';
	}
	const rule = view.rules.get(other);
	const holders =
		view.direction === 'passport'
			? `Holders of a passport of ${nameOf(view.country)}`
			: `Holders of a passport of ${nameOf(other)}`;
	const ruleText = rule
		? `${holders}: ${visaRequirementInfo(rule.requirement).label}${rule.days !== null ? ` (${rule.days} days)` : ''}.`
		: 'No visa rule known for this pair.';
	const ban = view.bans.get(other);
	if (!ban) return ruleText;
	const grounds = [ban.citizens ? 'citizens' : null, ban.travellers ? 'travellers' : null]
		.filter(Boolean)
		.join(' and ');
	const banText =
		view.direction === 'passport'
			? `COBAP: ${nameOf(other)} banned ${nameOf(view.country)}’s ${grounds}`
			: `COBAP: ${nameOf(view.country)} banned ${nameOf(other)}’s ${grounds}`;
	return `${ruleText} ${banText} (${ban.policies.join(', ')}).`;
}
