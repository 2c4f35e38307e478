import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
	answer,
	etagMatches,
	negotiateEncoding,
	ReadCache,
	store
} from '../../src/lib/server/http/readCache.ts';
import { clientAddress, isLocalRequest } from '../../src/lib/server/http/clientAddress.ts';
import { csvCell } from '../../src/lib/server/http/respond.ts';

const page = (text: string, status = 200) =>
	new Response(text, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });

describe('negotiateEncoding', () => {
	it('prefers brotli, then gzip, and honours q=0', () => {
		expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('br');
		expect(negotiateEncoding('gzip, deflate')).toBe('gzip');
		expect(negotiateEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
		expect(negotiateEncoding('*')).toBe('br');
		expect(negotiateEncoding('*, br;q=0')).toBe('gzip');
		expect(negotiateEncoding('identity')).toBe('identity');
		expect(negotiateEncoding(null)).toBe('identity');
	});
});

describe('etagMatches', () => {
	it('compares weakly and reads lists and *', () => {
		expect(etagMatches('W/"a-1"', 'W/"a-1"')).toBe(true);
		expect(etagMatches('"a-1"', 'W/"a-1"')).toBe(true);
		expect(etagMatches('W/"x", W/"a-1"', 'W/"a-1"')).toBe(true);
		expect(etagMatches('*', 'W/"a-1"')).toBe(true);
		expect(etagMatches('W/"a-2"', 'W/"a-1"')).toBe(false);
		expect(etagMatches(null, 'W/"a-1"')).toBe(false);
	});
});

describe('ReadCache', () => {
	it('renders a burst of identical requests once, and again after the version changes', async () => {
		const cache = new ReadCache();
		let renders = 0;
		const render = async () => {
			renders++;
			await new Promise((r) => setTimeout(r, 20));
			return page(`<p>render ${renders}</p>`);
		};
		const burst = await Promise.all(Array.from({ length: 10 }, () => cache.get('v1', '/', render)));
		expect(renders).toBe(1);
		expect(burst.filter((b) => !b.hit)).toHaveLength(1);
		expect(new Set(burst.map((b) => b.stored.body.toString()))).toEqual(
			new Set(['<p>render 1</p>'])
		);
		expect((await cache.get('v1', '/', render)).hit).toBe(true);
		const next = await cache.get('v2', '/', render);
		expect(next).toMatchObject({ hit: false });
		expect(next.stored.body.toString()).toBe('<p>render 2</p>');
	});

	it('keeps 200, 400 and 404 answers, never 500s, and drops the least recently used beyond its size', async () => {
		const cache = new ReadCache(25);
		const failing = async () => page('oops', 500);
		await cache.get('v', '/broken', failing);
		expect((await cache.get('v', '/broken', failing)).hit).toBe(false);
		await cache.get('v', '/a', async () => page('aaaaaaaaaa'));
		await cache.get('v', '/b', async () => page('bbbbbbbbbb', 404));
		await cache.get('v', '/a', async () => page('never'));
		await cache.get('v', '/c', async () => page('cccccccccc'));
		// 30 bytes > 25: /b, the least recently used, went.
		expect(cache.size).toBe(2);
		expect((await cache.get('v', '/a', async () => page('never'))).hit).toBe(true);
		expect((await cache.get('v', '/b', async () => page('bbbbbbbbbb', 404))).hit).toBe(false);
	});
});

describe('answer', () => {
	it('compresses text once per encoding and leaves small or binary bodies alone', async () => {
		const html = `<html>${'<p>Border controls on 1 April 2020</p>'.repeat(100)}</html>`;
		const stored = await store(page(html));
		const br = await answer(stored, 'br', { etag: 'W/"x"' });
		expect(br.headers.get('content-encoding')).toBe('br');
		expect(br.headers.get('vary')).toBe('Accept-Encoding');
		expect(br.headers.get('etag')).toBe('W/"x"');
		const brBytes = Buffer.from(await br.arrayBuffer());
		expect(brotliDecompressSync(brBytes).toString()).toBe(html);
		expect(Number(br.headers.get('content-length'))).toBe(brBytes.length);
		const gz = await answer(stored, 'gzip', {});
		expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(html);
		const small = await answer(await store(page('<p>hi</p>')), 'br', {});
		expect(small.headers.get('content-encoding')).toBeNull();
		const png = await store(
			new Response(new Uint8Array(4096), { headers: { 'content-type': 'image/png' } })
		);
		expect((await answer(png, 'br', {})).headers.get('content-encoding')).toBeNull();
	});
});

describe('csvCell', () => {
	it('neutralises text a spreadsheet would run, and leaves numbers alone', () => {
		expect(csvCell('=1+1')).toBe("'=1+1");
		expect(csvCell('+44 20')).toBe("'+44 20");
		expect(csvCell('-sum')).toBe("'-sum");
		expect(csvCell('@cmd')).toBe("'@cmd");
		expect(csvCell('\tx')).toBe("'\tx");
		expect(csvCell('=HYPERLINK("a","b")')).toBe(`"'=HYPERLINK(""a"",""b"")"`);
		expect(csvCell(-12.5)).toBe('-12.5');
		expect(csvCell('Border, closed')).toBe('"Border, closed"');
		expect(csvCell(null)).toBe('');
	});
});

describe('client addresses', () => {
	it('reads ADDRESS_HEADER and XFF_DEPTH like adapter-node, else the peer', () => {
		const headers = { 'x-forwarded-for': '203.0.113.7, 10.0.0.2' };
		expect(clientAddress(headers, '127.0.0.1', {})).toBe('127.0.0.1');
		expect(clientAddress(headers, '127.0.0.1', { ADDRESS_HEADER: 'X-Forwarded-For' })).toBe(
			'10.0.0.2'
		);
		expect(
			clientAddress(headers, '127.0.0.1', { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '2' })
		).toBe('203.0.113.7');
		expect(
			clientAddress({ 'x-real-ip': '198.51.100.4' }, '::1', { ADDRESS_HEADER: 'x-real-ip' })
		).toBe('198.51.100.4');
	});

	it('counts as local only a loopback peer that forwards for nobody', () => {
		expect(isLocalRequest(new Headers(), '127.0.0.1')).toBe(true);
		expect(isLocalRequest(new Headers(), '::ffff:127.0.0.1')).toBe(true);
		expect(isLocalRequest(new Headers(), '::1')).toBe(true);
		expect(isLocalRequest(new Headers({ 'x-forwarded-for': '203.0.113.7' }), '127.0.0.1')).toBe(
			false
		);
		expect(isLocalRequest(new Headers(), '10.0.0.5')).toBe(false);
		expect(isLocalRequest(new Headers(), undefined)).toBe(false);
	});
});
