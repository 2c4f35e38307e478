/**
 * The bundled Passport Index snapshots read independently of the app's parser, for tests that
 * compare what the app stores or serves with the files: each rule as words
 * (`visa-free 90`, `e-visa Hayya Entry Permit`), keyed `PASSPORT>DESTINATION`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './server.ts';

export const passportIndexFile = (date: string) =>
	join(ROOT, 'data', 'passport-index', 'legacy', date, 'passport-index-tidy-iso3.csv');

const WORDS: Record<string, string> = {
	'visa free': 'visa-free',
	'visa on arrival': 'visa-on-arrival',
	'e-visa': 'e-visa',
	'visa required': 'visa-required',
	'covid ban': 'covid-ban',
	'no admission': 'no-admission',
	EVW: 'eta EVW',
	'Hayya Entry Permit': 'e-visa Hayya Entry Permit',
	VF: 'visa-free',
	VOA: 'visa-on-arrival',
	ETA: 'eta',
	VR: 'visa-required'
};
const CODES_2019: Record<string, string> = {
	'3': 'visa-free',
	'2': 'visa-on-arrival',
	'1': 'eta',
	'0': 'visa-required'
};

const read = new Map<string, Map<string, string>>();

/** One snapshot's rules; a passport's own country (-1) left out. Read once per date. */
export function fileRules(date: string): ReadonlyMap<string, string> {
	let rules = read.get(date);
	if (!rules) read.set(date, (rules = readRules(date)));
	return rules;
}

function readRules(date: string): Map<string, string> {
	const rules = new Map<string, string>();
	const text = readFileSync(passportIndexFile(date), 'utf8');
	for (const line of text.trim().split('\n').slice(1)) {
		const [passport, destination, value] = line.split(',') as [string, string, string];
		if (value === '-1') continue;
		const rule =
			date === '2019-12-17'
				? CODES_2019[value]
				: /^\d+$/.test(value)
					? `visa-free ${value}`
					: WORDS[value];
		if (!rule) throw new Error(`${date}: no words for "${value}"`);
		rules.set(`${passport}>${destination}`, rule);
	}
	return rules;
}

/** A served or stored rule in the same words. */
export const ruleWords = (r: {
	requirement: string;
	days: number | null;
	sourceTerm: string | null;
}) => [r.requirement, r.days, r.sourceTerm].filter((w) => w !== null).join(' ');
