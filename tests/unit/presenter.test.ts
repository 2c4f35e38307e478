/**
 * The presenter's keyboard and story links, without a browser: what each key does, and a
 * story surviving its URL form (and a tampered one refused with a reason).
 */
import { describe, expect, it } from 'vitest';
import { PRESENTER_KEYS, presenterAction } from '../../src/lib/present/presenterKeys.ts';
import {
	decodeStory,
	encodeStory,
	EXAMPLE_STORY,
	type Story
} from '../../src/lib/present/story.ts';

describe('presenter keys', () => {
	it('maps the documented keys to their actions', () => {
		expect(presenterAction({ key: ' ' })).toEqual({ kind: 'play' });
		expect(presenterAction({ key: 'ArrowRight' })).toEqual({ kind: 'step', by: 1 });
		expect(presenterAction({ key: 'ArrowLeft' })).toEqual({ kind: 'step', by: -1 });
		expect(presenterAction({ key: 'ArrowRight', shiftKey: true })).toEqual({ kind: 'step', by: 7 });
		expect(presenterAction({ key: 'ArrowLeft', shiftKey: true })).toEqual({ kind: 'step', by: -7 });
		expect(presenterAction({ key: ']' })).toEqual({ kind: 'change', direction: 1 });
		expect(presenterAction({ key: '[' })).toEqual({ kind: 'change', direction: -1 });
		expect(presenterAction({ key: '1' })).toEqual({ kind: 'layer', layer: 'border-status' });
		expect(presenterAction({ key: '2' })).toEqual({ kind: 'layer', layer: 'remittances' });
		expect(presenterAction({ key: '3' })).toEqual({ kind: 'layer', layer: 'corridors' });
		expect(presenterAction({ key: '4' })).toEqual({ kind: 'layer', layer: 'entry' });
		expect(presenterAction({ key: 'PageDown' })).toEqual({ kind: 'story', by: 1 });
		expect(presenterAction({ key: 'PageUp' })).toEqual({ kind: 'story', by: -1 });
		expect(presenterAction({ key: 'f' })).toEqual({ kind: 'fullscreen' });
		expect(presenterAction({ key: 's' })).toEqual({ kind: 'spotlight' });
		expect(presenterAction({ key: '?' })).toEqual({ kind: 'help' });
		expect(presenterAction({ key: 'Escape' })).toEqual({ kind: 'escape' });
	});

	it("leaves the browser's shortcuts and unknown keys alone", () => {
		expect(presenterAction({ key: 'f', ctrlKey: true })).toBeNull();
		expect(presenterAction({ key: 'ArrowLeft', altKey: true })).toBeNull();
		expect(presenterAction({ key: '1', metaKey: true })).toBeNull();
		expect(presenterAction({ key: 'x' })).toBeNull();
		expect(presenterAction({ key: '5' })).toBeNull();
	});

	it('documents every key it handles in the help overlay', () => {
		const documented = PRESENTER_KEYS.map((r) => r.keys).join(' ');
		for (const word of [
			'Space',
			'←',
			'→',
			'Shift',
			'[',
			']',
			'1',
			'2',
			'3',
			'PageUp',
			'PageDown',
			'S',
			'F',
			'?',
			'Esc'
		]) {
			expect(documented).toContain(word);
		}
	});
});

describe('story links', () => {
	it('the example story survives its URL form', () => {
		const text = encodeStory(EXAMPLE_STORY);
		expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(decodeStory(text)).toEqual(EXAMPLE_STORY);
	});

	it('keeps cameras, regions, selections and non-ASCII captions', () => {
		const story: Story = {
			title: 'Côte d’Ivoire et le Sénégal',
			steps: [
				{
					view: {
						layer: 'corridors',
						time: '2020-04-15',
						region: 'Western Africa',
						country: ['CIV', 'SEN'],
						measure: 'received'
					},
					camera: { center: [-5.55, 7.54], zoom: 4.25 },
					caption: 'Fermetures — avril 2020 ✈'
				}
			]
		};
		expect(decodeStory(encodeStory(story))).toEqual(story);
	});

	it('refuses a link that was cut short or tampered with, saying why', () => {
		const text = encodeStory(EXAMPLE_STORY);
		expect(() => decodeStory(text.slice(0, 40))).toThrow(/not a story link/);
		const bad = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
		expect(() => decodeStory(bad({ t: 'x', s: [] }))).toThrow(/1 to 50 steps/);
		expect(() => decodeStory(bad({ t: 'x', s: [{ q: '', c: 'x'.repeat(501) }] }))).toThrow(
			/step 1: bad caption/
		);
		expect(() => decodeStory(bad({ t: 'x', s: [{ q: '', c: '', m: [0, 95, 2] }] }))).toThrow(
			/step 1: camera out of range/
		);
		expect(() => decodeStory(bad({ t: 'x', s: [{ q: '', c: '', m: ['a', 0, 2] }] }))).toThrow(
			/step 1: bad camera/
		);
	});

	it('reads a step view with the URL rules: an unknown layer or bad date falls back', () => {
		const bad = Buffer.from(
			JSON.stringify({ t: 'x', s: [{ q: 'layer=nope&time=2020-02-30&country=mex~XX', c: '' }] })
		).toString('base64url');
		expect(decodeStory(bad).steps[0]!.view).toEqual({
			layer: 'border-status',
			time: 'latest',
			region: null,
			country: ['MEX'],
			measure: 'received'
		});
	});
});
