import type { VisaRequirement } from '../../domain/visaRequirement.ts';
import { prepared, type Db } from './open.ts';

/** One rule as the API writes it: the other country of the pair, and what its passport needs. */
export interface VisaEntry {
	iso3: string;
	requirement: VisaRequirement;
	days: number | null;
	sourceTerm: string | null;
}

/** The Passport Index snapshots held, oldest first. */
export function passportSnapshots(db: Db): string[] {
	return prepared(db, 'SELECT snapshot FROM passport_snapshot ORDER BY snapshot', {
		pluck: true
	}).all() as string[];
}

/** The latest snapshot on or before `day`, or null when there is none. */
export function snapshotOnOrBefore(db: Db, day: string): string | null {
	return (
		(prepared(db, 'SELECT max(snapshot) FROM passport_snapshot WHERE snapshot <= ?', {
			pluck: true
		}).get(day) as string | null) ?? null
	);
}

// The rules a snapshot shows are the intervals holding its date.
const HOLDS = 'valid_from <= @snapshot AND (valid_to IS NULL OR valid_to > @snapshot)';

/** What holders of `passport` need for each destination in `snapshot`, by destination. */
export function visaRulesOfPassport(db: Db, passport: string, snapshot: string): VisaEntry[] {
	return prepared(
		db,
		`SELECT destination AS iso3, requirement, days, source_term AS sourceTerm
		FROM visa_requirement WHERE passport = @passport AND ${HOLDS} ORDER BY destination`
	).all({ passport, snapshot }) as VisaEntry[];
}

/** What each passport needs to enter `destination` in `snapshot`, by passport. */
export function visaRulesForDestination(
	db: Db,
	destination: string,
	snapshot: string
): VisaEntry[] {
	return prepared(
		db,
		`SELECT passport AS iso3, requirement, days, source_term AS sourceTerm
		FROM visa_requirement WHERE destination = @destination AND ${HOLDS} ORDER BY passport`
	).all({ destination, snapshot }) as VisaEntry[];
}
