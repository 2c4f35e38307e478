/**
 * Who may enter where: the visa requirement a destination sets for holders of a passport
 * (Passport Index), in one vocabulary for every vintage of the source. Shared by the ingest,
 * the API and (later) the map's `entry` layer and its legend, so they all say the same.
 */

/** The change_log layer of visa requirements: iso3 is the destination, partner the passport. */
export const LAYER_ENTRY = 'entry';

export interface VisaRequirementInfo {
	/** The normalised requirement, as the API and the change log write it. */
	id: string;
	/** Short legend label. */
	label: string;
	/** One sentence for tooltips and the text description. */
	description: string;
}

/**
 * The requirements from the most open to the most closed: the order of a legend, and the
 * ordinal a change_log row stores as old/new (its index here).
 */
export const VISA_REQUIREMENTS = [
	{
		id: 'visa-free',
		label: 'Visa-free',
		description: 'No visa needed, for the number of days given when the source gives one'
	},
	{
		id: 'visa-on-arrival',
		label: 'Visa on arrival',
		description: 'A visa is issued at the border'
	},
	{
		id: 'eta',
		label: 'eTA',
		description: 'An electronic travel authorisation (visa waiver) is needed before travel'
	},
	{
		id: 'e-visa',
		label: 'e-Visa',
		description: 'A visa applied for and issued online is needed before travel'
	},
	{
		id: 'visa-required',
		label: 'Visa required',
		description: 'A visa from an embassy or consulate is needed before travel'
	},
	{
		id: 'covid-ban',
		label: 'COVID-19 ban',
		description: 'Entry banned for most travellers because of COVID-19'
	},
	{
		id: 'no-admission',
		label: 'No admission',
		description: 'Holders of this passport are not admitted'
	}
] as const satisfies readonly VisaRequirementInfo[];

export type VisaRequirement = (typeof VISA_REQUIREMENTS)[number]['id'];

export const VISA_REQUIREMENT_IDS: readonly VisaRequirement[] = VISA_REQUIREMENTS.map((r) => r.id);

export function isVisaRequirement(value: unknown): value is VisaRequirement {
	return (VISA_REQUIREMENT_IDS as readonly unknown[]).includes(value);
}

/** The requirement's rank from the most open (0, visa-free) to the most closed. */
export function visaRequirementOrdinal(requirement: VisaRequirement): number {
	return VISA_REQUIREMENT_IDS.indexOf(requirement);
}

export function visaRequirementInfo(requirement: VisaRequirement): VisaRequirementInfo {
	return VISA_REQUIREMENTS[visaRequirementOrdinal(requirement)]!;
}

/** What one passport needs for one destination in one snapshot. */
export interface VisaRule {
	requirement: VisaRequirement;
	/** Visa-free days, when the source gives them (only ever with `visa-free`). */
	days: number | null;
	/**
	 * The source's own word for a category it names apart but that our vocabulary folds into
	 * another (`EVW` → eta, `Hayya Entry Permit` → e-visa); null for its ordinary categories.
	 */
	sourceTerm: string | null;
}

export function sameVisaRule(a: VisaRule | null, b: VisaRule | null): boolean {
	if (a === null || b === null) return a === b;
	return a.requirement === b.requirement && a.days === b.days && a.sourceTerm === b.sourceTerm;
}

/** The rule in words, as a change's note: `visa-free (90 days)`, `eta (EVW)`, `visa-required`. */
export function describeVisaRule(rule: VisaRule): string {
	const details = [
		...(rule.days !== null ? [`${rule.days} days`] : []),
		...(rule.sourceTerm !== null ? [rule.sourceTerm] : [])
	];
	return details.length > 0 ? `${rule.requirement} (${details.join(', ')})` : rule.requirement;
}
