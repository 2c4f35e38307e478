import { describe, expect, it } from 'vitest';
import { escapeXml, wrap } from '../../src/lib/server/images/mapSvg.ts';
import { oembedSize, oembedTarget } from '../../src/lib/server/images/oembed.ts';

describe('oembedTarget', () => {
	const local = { publicOrigin: null, host: '127.0.0.1:3000' };
	const public_ = { publicOrigin: 'https://crossings.example', host: '10.0.0.5:3000' };

	it('accepts view pages of this server and keeps their view parameters', () => {
		const t = oembedTarget('http://127.0.0.1:3000/embed?time=2020-04-15&country=MEX~USA', local);
		expect(t).toMatchObject({ ok: true, origin: 'http://127.0.0.1:3000' });
		expect(t.ok && t.query).toBe('time=2020-04-15&country=MEX~USA');
		expect(oembedTarget('https://crossings.example/?layer=remittances', public_)).toMatchObject({
			ok: true,
			origin: 'https://crossings.example',
			query: 'layer=remittances'
		});
	});

	it('drops a presenter session from the embed', () => {
		const t = oembedTarget('http://127.0.0.1:3000/present?follow=abc&time=2021', local);
		expect(t.ok && t.query).toBe('time=2021');
	});

	it('refuses other sites and other pages (404) and non-URLs (400)', () => {
		expect(oembedTarget('https://example.com/embed', local)).toMatchObject({ status: 404 });
		expect(oembedTarget('http://10.0.0.5:3000/embed', public_)).toMatchObject({ status: 404 });
		expect(oembedTarget('http://127.0.0.1:3000/api/health', local)).toMatchObject({ status: 404 });
		expect(oembedTarget('not a url', local)).toMatchObject({ status: 400 });
		expect(oembedTarget('javascript:alert(1)', local)).toMatchObject({ status: 400 });
	});

	it('fits maxwidth and maxheight', () => {
		expect(oembedSize()).toEqual({ width: 800, height: 520 });
		expect(oembedSize(400)).toEqual({ width: 400, height: 260 });
		const { width, height } = oembedSize(800, 300);
		expect(height).toBe(300);
		expect(width).toBeLessThanOrEqual(800);
	});
});

describe('SVG text', () => {
	it('escapes markup', () => {
		expect(escapeXml(`<a href="x">&'</a>`)).toBe(
			'&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;'
		);
	});
	it('wraps words within the width', () => {
		const lines = wrap('one two three four five six seven eight nine ten', 10, 100);
		expect(lines.length).toBeGreaterThan(1);
		expect(lines.join(' ')).toBe('one two three four five six seven eight nine ten');
	});
});
