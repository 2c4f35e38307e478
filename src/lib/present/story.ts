/**
 * Story steps: a presenter's sequence of views, each with a caption and optionally a camera.
 * A story travels in its URL (`/present?story=…`), so sharing one needs no account and no
 * server state; each step's view is written as the shared URL parameters, so it is read back
 * with the same validation as any link.
 */
import type { Camera } from '../map/camera.ts';
import {
	DEFAULT_VIEW,
	parseViewState,
	viewStateToQuery,
	type ViewState
} from '../domain/viewState.ts';

export type StoryView = Pick<ViewState, 'layer' | 'time' | 'region' | 'country' | 'measure'>;

export interface StoryStep {
	view: StoryView;
	camera: Camera | null;
	caption: string;
}

export interface Story {
	title: string;
	steps: StoryStep[];
}

export const STORY_LIMITS = { steps: 50, caption: 500, title: 120 } as const;

/** The parts of a view a step restores (theme, tab and the like stay the reader's). */
export function storyView(view: ViewState): StoryView {
	return {
		layer: view.layer,
		time: view.time,
		region: view.region,
		country: [...view.country],
		measure: view.measure
	};
}

interface EncodedStep {
	q: string;
	c: string;
	m?: [number, number, number];
}

function toBase64Url(text: string): string {
	const bytes = new TextEncoder().encode(text);
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
	const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
	return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** A story as one URL-safe string. */
export function encodeStory(story: Story): string {
	const steps: EncodedStep[] = story.steps.map((s) => {
		const step: EncodedStep = {
			q: viewStateToQuery({ ...DEFAULT_VIEW, ...s.view }),
			c: s.caption
		};
		if (s.camera) step.m = [s.camera.center[0], s.camera.center[1], s.camera.zoom];
		return step;
	});
	return toBase64Url(JSON.stringify({ t: story.title, s: steps }));
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads a story from its URL form; throws an Error saying what is wrong. */
export function decodeStory(text: string): Story {
	let raw: unknown;
	try {
		raw = JSON.parse(fromBase64Url(text));
	} catch {
		throw new Error('story: not a story link (it may have been cut short)');
	}
	const { t, s } = (raw ?? {}) as { t?: unknown; s?: unknown };
	if (typeof t !== 'string' || t.length > STORY_LIMITS.title) throw new Error('story: bad title');
	if (!Array.isArray(s) || s.length === 0 || s.length > STORY_LIMITS.steps) {
		throw new Error(`story: 1 to ${STORY_LIMITS.steps} steps expected`);
	}
	const steps = s.map((step: unknown, i): StoryStep => {
		const { q, c, m } = (step ?? {}) as { q?: unknown; c?: unknown; m?: unknown };
		if (typeof q !== 'string' || q.length > 1000) throw new Error(`story: step ${i + 1}: bad view`);
		if (typeof c !== 'string' || c.length > STORY_LIMITS.caption) {
			throw new Error(`story: step ${i + 1}: bad caption`);
		}
		let camera: Camera | null = null;
		if (m !== undefined) {
			if (!Array.isArray(m) || m.length !== 3 || !m.every(isFiniteNumber)) {
				throw new Error(`story: step ${i + 1}: bad camera`);
			}
			const [lng, lat, zoom] = m as [number, number, number];
			if (Math.abs(lng) > 180 || Math.abs(lat) > 90 || zoom < -2 || zoom > 24) {
				throw new Error(`story: step ${i + 1}: camera out of range`);
			}
			camera = { center: [lng, lat], zoom };
		}
		return { view: storyView(parseViewState(new URLSearchParams(q))), camera, caption: c };
	});
	return { title: t, steps };
}

const step = (query: string, caption: string): StoryStep => ({
	view: storyView(parseViewState(new URLSearchParams(query))),
	camera: null,
	caption
});

/**
 * The example the app ships, from the bundled data: the closures of March 2020, the reopening
 * of 2021–2022, and the money migrants sent home meanwhile. The figures in the captions are
 * the bundled data's (OxCGRT C8, World Bank WDI); the stage's own summary line shows the
 * counts of each step as computed.
 */
export const EXAMPLE_STORY: Story = {
	title: 'Borders closed, money kept flowing: COVID-19 and people on the move',
	steps: [
		step(
			'time=2020-01-15',
			'Mid-January 2020: 178 of 186 countries had no international travel controls at all.'
		),
		step(
			'time=2020-03-16',
			'16 March 2020: more countries tightened their borders than on any other day; 32 were already fully closed.'
		),
		step(
			'time=2020-04-15',
			'Mid-April 2020: 129 countries had closed their borders completely. Migrants were stranded far from home and from work.'
		),
		step(
			'time=2020-04-15&region=Africa',
			'In Africa, 41 of 50 countries tracked were fully closed.'
		),
		step(
			'time=2021-06-15',
			'June 2021: reopening, unevenly. Quarantines and bans on some regions replace total closures (25 left).'
		),
		step(
			'time=2022-06-15',
			'June 2022: most borders open again; 56 countries had no controls and 78 only screened arrivals.'
		),
		step(
			'layer=remittances&time=2019&country=MEX~IND~PHL~EGY',
			'Before the pandemic, in 2019: India received $83 billion from its migrants abroad, Mexico $40 billion.'
		),
		step(
			'layer=remittances&time=2020&country=MEX~IND~PHL~EGY',
			'2020: the collapse did not come. Mexico received $44 billion, more than ever, Egypt $30 billion; India held at $83 billion.'
		)
	]
};
