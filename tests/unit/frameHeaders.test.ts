import { describe, expect, it } from 'vitest';
import { frameHeaders } from '../../src/lib/server/http/securityHeaders.ts';

describe('framing policy', () => {
	it('lets any site frame the embed view, its images and its script', () => {
		for (const path of ['/embed', '/embed/', '/embed.svg', '/embed.png', '/embed.js']) {
			const headers = frameHeaders(path, "default-src 'self'");
			expect(headers['content-security-policy']).toBe("default-src 'self'; frame-ancestors *");
			expect(headers['x-frame-options']).toBeUndefined();
		}
	});

	it('lets only our own pages frame anything else', () => {
		for (const path of ['/', '/present', '/embedded', '/embedx', '/api/health']) {
			const headers = frameHeaders(path, null);
			expect(headers['content-security-policy']).toBe("frame-ancestors 'self'");
			expect(headers['x-frame-options']).toBe('SAMEORIGIN');
		}
	});
});
