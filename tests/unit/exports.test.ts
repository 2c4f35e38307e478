import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildUrl, CrossingsApi } from '../../src/lib/api/client.ts';
import {
	csvDocument,
	exportFilename,
	exportMeta,
	jsonDocument,
	toCsv
} from '../../src/lib/domain/csv.ts';
import { SOURCES } from '../../src/lib/domain/sources.ts';

describe('the shared CSV writer', () => {
	it('quotes per RFC 4180, guards formulas, keeps negative numbers', () => {
		const rows = [
			{ a: 'x, "y"', b: -3, c: '=cmd()', d: null },
			{ a: 'two\nlines', b: 0.5, c: '-sum', d: '@x' }
		];
		const csv = toCsv(rows, ['a', 'b', 'c', 'd']);
		expect(csv).toBe('a,b,c,d\r\n"x, ""y""",-3,\'=cmd(),\r\n"two\nlines",0.5,\'-sum,\'@x\r\n');
		expect(parse(csv, { columns: true })).toEqual([
			{ a: 'x, "y"', b: '-3', c: "'=cmd()", d: '' },
			{ a: 'two\nlines', b: '0.5', c: "'-sum", d: "'@x" }
		]);
	});

	it('writes export documents with # metadata lines and a content-named file', () => {
		const meta = exportMeta({
			...SOURCES['border-status'],
			dataVersion: 42,
			retrievedAt: '2024-01-01T00:00:00.000Z',
			filters: { region: 'Africa', country: [], date: '2020-04-15', x: undefined }
		});
		expect(meta.filters).toEqual({ region: 'Africa', date: '2020-04-15' });
		const doc = csvDocument(meta, [{ iso3: 'NGA', level: 4 }], ['iso3', 'level']);
		const lines = doc.split('\r\n');
		expect(lines.slice(0, 4)).toEqual([
			'# title: International travel controls (OxCGRT C8)',
			'# source: Oxford COVID-19 Government Response Tracker, Blavatnik School of Government, University of Oxford.',
			'# licence: CC BY 4.0',
			'# dataVersion: 42'
		]);
		expect(lines).toContain('# filter.region: Africa');
		expect(lines.slice(-3)).toEqual(['iso3,level', 'NGA,4', '']);
		expect(parse(doc, { comment: '#', columns: true })).toEqual([{ iso3: 'NGA', level: '4' }]);
		expect(jsonDocument(meta, [{ a: 1 }])).toEqual({ meta, rows: [{ a: 1 }] });
		expect(exportFilename('border-status', { region: 'Africa', period: '2020-04-15' }, 'csv')).toBe(
			'crossings-border-status-africa-2020-04-15.csv'
		);
		expect(
			exportFilename(
				'remittances-received',
				{ region: 'Latin America & Caribbean', countries: ['BRA', 'IND'] },
				'json'
			)
		).toBe('crossings-remittances-received-latin-america-and-caribbean-bra-ind.json');
	});
});

describe('the API client builds URLs', () => {
	it('writes parameters, leaves out empty ones, joins selections with ~ and adds v=seq', () => {
		expect(buildUrl('/api/countries')).toBe('/api/countries');
		expect(
			buildUrl('/api/border-status/table', {
				region: 'Latin America & Caribbean',
				country: ['BRA', 'IND'],
				date: '2020-04-15',
				from: undefined,
				to: null
			})
		).toBe(
			'/api/border-status/table?region=Latin%20America%20%26%20Caribbean&country=BRA~IND&date=2020-04-15'
		);
		const api = new CrossingsApi('', 7);
		expect(api.url('/api/changes', { latest: 5, direction: 'tightening' })).toBe(
			'/api/changes?latest=5&direction=tightening&v=7'
		);
		expect(new CrossingsApi().url('/api/health')).toBe('/api/health');
	});

	it('calls fetch with the URL and signal, and throws the server message on errors', async () => {
		const calls: string[] = [];
		const controller = new AbortController();
		const fake = (async (url: string, init?: RequestInit) => {
			calls.push(url);
			expect(init?.signal).toBe(controller.signal);
			return url.includes('Atlantis')
				? new Response(JSON.stringify({ error: 'region: unknown region "Atlantis"' }), {
						status: 400
					})
				: new Response(JSON.stringify([{ iso3: 'NGA' }]));
		}) as typeof fetch;
		const api = new CrossingsApi('http://x', 3, fake);
		expect(await api.countries({ region: 'Africa' }, { signal: controller.signal })).toEqual([
			{ iso3: 'NGA' }
		]);
		await expect(
			api.countries({ region: 'Atlantis' }, { signal: controller.signal })
		).rejects.toMatchObject({ status: 400, message: expect.stringContaining('unknown region') });
		expect(calls[0]).toBe('http://x/api/countries?region=Africa&v=3');
	});
});
