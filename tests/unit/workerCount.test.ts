import { describe, expect, it } from 'vitest';
import { MAX_WORKERS, workerCount } from '../../src/lib/server/config.ts';

describe('WORKERS for npm run start:cluster', () => {
	it('defaults to the CPUs, at most 8', () => {
		expect(workerCount({}, 2)).toBe(2);
		expect(workerCount({ WORKERS: '' }, 32)).toBe(MAX_WORKERS);
	});

	it('takes a whole number 1–8 and refuses anything else by name', () => {
		expect(workerCount({ WORKERS: '3' }, 2)).toBe(3);
		for (const bad of ['0', '9', '2.5', 'two', '-1']) {
			expect(() => workerCount({ WORKERS: bad }, 2)).toThrow(/^WORKERS must be a whole number 1–8/);
		}
	});
});
