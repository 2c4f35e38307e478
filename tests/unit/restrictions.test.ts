import { describe, expect, it } from 'vitest';
import { parseRestrictions } from '../../src/lib/server/ingest/feeds/restrictions.ts';
import { formatProblem } from '../../src/lib/server/ingest/problem.ts';

const ctx = {
	file: 'r.csv',
	resolveCountry: (code: string) =>
		['NZL', 'FRA'].includes(code.toUpperCase()) ? code.toUpperCase() : null,
	restrictionBounds: { first: '2020-01-01', last: '2027-11-29' }
};
const messages = (text: string) => parseRestrictions(text, ctx).problems.items.map(formatProblem);

describe('the restrictions feed', () => {
	it('reads a header in any case and order, and a level only as one digit 0–4', () => {
		const { value, problems } = parseRestrictions(
			'Level,ISO3,Effective_From\r\n2,nzl,2021-05-01\r\n" 3 ",FRA,2021-05-02\r\n',
			ctx
		);
		expect(problems.items).toEqual([]);
		expect(value.map((r) => [r.iso3, r.level])).toEqual([
			['NZL', 2],
			['FRA', 3]
		]);
		expect(messages('iso3,effective_from,level\nNZL,2021-05-01,3.0\nNZL,2021-05-02,+1\n')).toEqual([
			'r.csv:2: level: expected a level 0–4',
			'r.csv:3: level: expected a level 0–4'
		]);
	});

	it('refuses a header with an unnamed, unknown, repeated or missing column, at its line', () => {
		expect(messages('iso3,effective_from,level,\nNZL,2021-05-01,1,x\n')).toEqual([
			'r.csv:1: header: column 4 has no name'
		]);
		expect(messages('iso3,effective_from,level,"lev\nel"\n')).toEqual([
			'r.csv:2: header: unknown column "lev\\nel" (expected iso3, effective_from, level, note, source_url)'
		]);
		expect(messages('iso3,iso3,effective_from\n')).toEqual([
			'r.csv:1: header: column "iso3" appears twice',
			'r.csv:1: header: missing column "level"'
		]);
		expect(messages('')).toEqual([
			'r.csv:0: header: the file is empty (expected iso3,effective_from,level,note,source_url)'
		]);
	});

	it('names the right line after CR LF inside a quoted note, and keeps every message on one line', () => {
		expect(
			messages(
				'iso3,effective_from,level,note\r\nNZL,2021-05-01,1,"two\r\nlines"\r\nXYZ,2021-05-02,1,\r\n'
			)
		).toEqual(['r.csv:4: iso3: unknown country code "XYZ"']);
		const json = messages('[\n  oops\n]');
		expect(json).toHaveLength(1);
		expect(json[0]).toMatch(/^r\.csv:0: json: /);
		expect(json[0]).not.toMatch(/[\r\n]/);
	});

	it('refuses rows with more or fewer cells than the header', () => {
		expect(messages('iso3,effective_from,level,note\nNZL,2021-05-01,1\n')).toEqual([
			'r.csv:2: row: expected 4 cells, got 3'
		]);
	});
});
