import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/server/config.ts';

describe('ROLE, PRIMARY_URL and REPLICATION_TOKEN', () => {
	it('default to a primary without replication', () => {
		const config = loadConfig({});
		expect(config.role).toBe('primary');
		expect(config.primaryUrl).toBeNull();
		expect(config.replicationToken).toBeNull();
	});

	it('take a replica with its primary (trailing slash dropped) and Redis', () => {
		const config = loadConfig({
			ROLE: 'replica',
			PRIMARY_URL: 'http://primary:3000/',
			REDIS_URL: 'redis://redis:6379',
			REPLICATION_TOKEN: 't'
		});
		expect(config).toMatchObject({
			role: 'replica',
			primaryUrl: 'http://primary:3000',
			replicationToken: 't'
		});
	});

	it('refuse an unknown role, and a replica without PRIMARY_URL or REDIS_URL, by name', () => {
		expect(() => loadConfig({ ROLE: 'secondary' })).toThrow(
			'ROLE must be primary or replica, got "secondary"'
		);
		expect(() => loadConfig({ ROLE: 'replica', REDIS_URL: 'redis://r' })).toThrow(
			'ROLE=replica needs PRIMARY_URL and REDIS_URL'
		);
		expect(() => loadConfig({ ROLE: 'replica', PRIMARY_URL: 'http://p' })).toThrow(
			'ROLE=replica needs PRIMARY_URL and REDIS_URL'
		);
	});
});
