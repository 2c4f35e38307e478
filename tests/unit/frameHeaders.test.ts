import { describe, expect, it } from 'vitest';
import { frameHeaders } from '../../src/lib/server/http/securityHeaders.ts';

describe('framing policy', () => {
	it('lets any site frame the embed view', () => {
		for (const path of ['/embed', '/embed/']) {
			const headers = frameHeaders(path, "default-src 'self'");
			expect(headers['content-security-policy']).toBe("default-src 'self'; frame-ancestors *");
			expect(headers['x-frame-options']).toBeUndefined();
		}
	});

	it('lets no site frame anything else', () => {
		for (const path of ['/', '/present', '/embedded', '/api/health']) {
			const headers = frameHeaders(path, null);
			expect(headers['content-security-policy']).toBe("frame-ancestors 'none'");
			expect(headers['x-frame-options']).toBe('DENY');
		}
	});
});
