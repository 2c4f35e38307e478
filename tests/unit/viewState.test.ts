import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, parseViewState, viewStateToQuery } from '../../src/lib/domain/viewState.ts';

const parse = (query: string) => parseViewState(new URLSearchParams(query));

describe('view state URL codec', () => {
	it('writes nothing for the default view', () => {
		expect(parse('')).toEqual(DEFAULT_VIEW);
		expect(viewStateToQuery(DEFAULT_VIEW)).toBe('');
	});

	it('round-trips every parameter of the contract', () => {
		const query =
			'layer=corridors&time=2020-04-15&region=South%20America&country=MEX~USA&tab=table&theme=dark&live=0&controls=0&follow=abc_123&measure=share_gdp';
		const view = parse(query);
		expect(view).toEqual({
			layer: 'corridors',
			time: '2020-04-15',
			region: 'South America',
			country: ['MEX', 'USA'],
			tab: 'table',
			theme: 'dark',
			live: false,
			controls: false,
			follow: 'abc_123',
			measure: 'share_gdp'
		});
		expect(viewStateToQuery(view)).toBe(query);
	});

	it('accepts years and latest as time', () => {
		expect(parse('time=2019').time).toBe('2019');
		expect(parse('time=latest').time).toBe('latest');
	});

	it('falls back to defaults for anything malformed', () => {
		const view = parse(
			'layer=heatmap&time=yesterday&country=mex~USA~USA~12~TOOLONG&tab=x&theme=pink&follow=<script>'
		);
		expect(view.layer).toBe('border-status');
		expect(view.time).toBe('latest');
		expect(view.country).toEqual(['MEX', 'USA']);
		expect(view.tab).toBe('map');
		expect(view.theme).toBe('auto');
		expect(view.follow).toBeNull();
	});

	it('refuses a day that is not on the calendar (it used to crash the page)', () => {
		expect(parse('time=2020-13-45').time).toBe('latest');
		expect(parse('time=2021-02-29').time).toBe('latest');
		expect(parse('time=2020-02-29').time).toBe('2020-02-29');
	});
});
