/**
 * The editors' API against random bodies, truncations and byte flips of valid ones, random
 * content types and ids, on the real server: never a 500, never a partial write.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededDatabaseCopy } from '../support/seeded.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'fuzz-token-0123456789';
let server: RunningServer;

beforeAll(async () => {
	server = await startServer({ databasePath: seededDatabaseCopy(), env: { ADMIN_TOKEN: TOKEN } });
});
afterAll(() => server?.stop());

interface Listed {
	id: number;
	iso3: string;
	effectiveFrom: string;
	level: number;
	note: string | null;
	sourceUrl: string | null;
}
/** What the database holds, as readers see it: the seq and every restriction. */
async function state(): Promise<{ seq: number; restrictions: Listed[] }> {
	const { seq } = (await (await fetch(`${server.url}/api/health`)).json()) as { seq: number };
	const { restrictions } = (await (await fetch(`${server.url}/api/restrictions`)).json()) as {
		restrictions: Listed[];
	};
	return { seq, restrictions };
}

const valid = fc.record({
	iso3: fc.constantFrom('FRA', 'nzl', 'RKS', 'XKX', 'BRA', 'IND'),
	effective_from: fc
		.date({
			min: new Date('2020-01-01T00:00:00Z'),
			max: new Date('2022-12-31T00:00:00Z'),
			noInvalidDate: true
		})
		.map((d) => d.toISOString().slice(0, 10)),
	level: fc.integer({ min: 0, max: 4 }),
	note: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
	source_url: fc.option(fc.constantFrom('https://example.org/a', 'http://gov.example/b'), {
		nil: undefined
	})
});

/** A valid body, then possibly broken: truncated, a byte flipped, a field swapped for junk. */
const body = fc.oneof(
	valid.map((v) => JSON.stringify(v)),
	fc.tuple(valid, fc.nat()).map(([v, cut]) => {
		const text = JSON.stringify(v);
		return text.slice(0, cut % (text.length + 1));
	}),
	fc.tuple(valid, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([v, at, flip]) => {
		const bytes = Buffer.from(JSON.stringify(v));
		bytes[at % bytes.length] = bytes[at % bytes.length]! ^ flip;
		return bytes.toString('latin1');
	}),
	fc
		.tuple(
			valid,
			fc.constantFrom('iso3', 'effective_from', 'level', 'note', 'source_url', 'extra'),
			fc.jsonValue()
		)
		.map(([v, key, junk]) => JSON.stringify({ ...v, [key]: junk })),
	fc.jsonValue().map((v) => JSON.stringify(v)),
	fc.string({ maxLength: 200 })
);

const contentType = fc.oneof(
	{ weight: 6, arbitrary: fc.constant('application/json') },
	fc.constantFrom(
		'application/json; charset=utf-8',
		'text/plain',
		'application/json-patch+json',
		'multipart/form-data',
		''
	)
);

describe("the editors' API, fuzzed", () => {
	it('answers every POST with 200/201/400/413/415 and writes only what a 201 says', async () => {
		await fc.assert(
			fc.asyncProperty(body, contentType, async (text, type) => {
				const before = await state();
				const response = await fetch(`${server.url}/api/restrictions`, {
					method: 'POST',
					headers: { authorization: `Bearer ${TOKEN}`, ...(type ? { 'content-type': type } : {}) },
					body: text
				});
				expect([200, 201, 400, 413, 415]).toContain(response.status);
				const answer = (await response.json()) as {
					error?: string;
					restriction?: Listed;
					changed?: boolean;
				};
				const after = await state();
				if (response.status === 201) {
					expect(after.seq).toBeGreaterThan(before.seq);
					expect(after.restrictions).toContainEqual(expect.objectContaining(answer.restriction!));
				} else {
					expect(typeof answer.error === 'string' || answer.changed === false).toBe(true);
					expect(after).toEqual(before);
				}
			}),
			{ numRuns: 150 }
		);
	});

	it('answers every DELETE with 200/400/404 and removes only the one it names', async () => {
		const id = fc.oneof(
			fc.nat({ max: 400 }).map(String),
			fc.constantFrom('0', '-1', '1e2', '01', 'abc', '%00', '9'.repeat(30), '1.5')
		);
		await fc.assert(
			fc.asyncProperty(id, async (raw) => {
				const before = await state();
				const response = await fetch(`${server.url}/api/restrictions/${raw}`, {
					method: 'DELETE',
					headers: { authorization: `Bearer ${TOKEN}` }
				});
				expect([200, 400, 404]).toContain(response.status);
				const after = await state();
				if (response.status === 200) {
					// The one named is gone (its neighbour's effectiveTo may now reach further).
					const ids = (list: Listed[]) => list.map((r) => r.id);
					expect(ids(after.restrictions)).toEqual(
						ids(before.restrictions).filter((r) => String(r) !== raw)
					);
					expect(after.seq).toBeGreaterThan(before.seq);
				} else {
					expect(after).toEqual(before);
				}
			}),
			{ numRuns: 80 }
		);
	});
});
