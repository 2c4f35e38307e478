/**
 * Keeps a view's data current: the live connection, and one loader per dataset the current
 * choices need. Call from a component's setup (the effects belong to it).
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the collections here are values, built
   whole inside $derived or assigned whole to $state.raw, never changed in place. */
import { untrack } from 'svelte';
import { ApiError, CrossingsApi } from '../api/client.ts';
import { entryView } from '../domain/entry.ts';
import { LiveConnection } from '../live/connection.svelte.ts';
import { LIVE_LAYERS, type ChangeItem } from '../domain/live.ts';
import type { CrossingsView } from './crossingsView.svelte.ts';

/** Runs `load` again whenever what it reads changes; aborts a load that is superseded. */
function loader(name: string, load: (signal: AbortSignal) => Promise<void> | void): void {
	$effect(() => {
		const controller = new AbortController();
		Promise.resolve(load(controller.signal)).catch((err: Error) => {
			if (err.name !== 'AbortError') console.warn(`${name}: ${err.message}`);
		});
		return () => controller.abort();
	});
}

export function keepViewCurrent(
	view: CrossingsView,
	options: {
		onitems?: (items: readonly ChangeItem[]) => void;
		/** False for a pinned embed: no socket, so new data never reaches it. */
		live?: boolean;
		/**
		 * When the socket may open (see `afterFirstMap`): the subscription replays from the
		 * view's seq, so waiting loses nothing, and the first map does not share the network
		 * and the main thread with it.
		 */
		connectAfter?: Promise<unknown>;
	} = {}
): LiveConnection {
	/** A client at the data version the view holds (URLs carry it: see versionedUrl). */
	const api = (seq = untrack(() => view.seq)) => new CrossingsApi('', seq);
	const live = new LiveConnection({
		// Every layer the page draws from: a change to any of them refetches what shows it.
		layers: [...LIVE_LAYERS],
		seq: untrack(() => view.seq),
		apply(items) {
			options.onitems?.(items);
			return view.applyLive(items);
		},
		async resync(layers, atLeast) {
			const versions = { ...view.versions };
			if (['remittances', 'gdp', 'remittances-monthly'].some((l) => layers.includes(l)))
				versions.remittances++;
			if (layers.includes('corridors') || layers.includes('corridor-cost')) versions.corridors++;
			if (layers.includes('entry') || layers.includes('bans')) versions.entry++;
			view.versions = versions;
			// The series carries the seq it includes; other layers are refetched by their loaders.
			const body = await api(atLeast).borderStatusSeries();
			view.replaceSeries(body.series);
			return body.seq;
		}
	});
	$effect(() => {
		view.seq = live.seq;
	});
	if (options.live !== false) {
		$effect(() => {
			let disconnect: (() => void) | null = null;
			let gone = false;
			void (options.connectAfter ?? Promise.resolve()).then(() => {
				if (!gone) disconnect = live.connect();
			});
			return () => {
				gone = true;
				disconnect?.();
			};
		});
	}

	// The commit log's recent history; live arrivals are appended by the view.
	loader('changes', async (signal) => {
		const body = await api().changes(
			{ latest: 100, kind: 'level', layer: 'border-status' },
			{ signal }
		);
		view.addCommitHistory(body.changes);
	});

	loader('remittances', async (signal) => {
		if (view.layer !== 'remittances' || !view.years) return;
		void view.versions.remittances;
		const asked = { year: view.year, measure: view.measure };
		const held = untrack(() => view.remittanceValues);
		// A pinned view keeps the values it was served with.
		if (options.live === false && held?.year === asked.year && held.measure === asked.measure) {
			return;
		}
		// Another year of a pinned view: as it stood at the view's data version too.
		const asof = options.live === false ? untrack(() => view.seq) : undefined;
		const body = await api().remittances({ ...asked, asof }, { signal });
		const values = new Map(
			body.countries.filter((c) => c.value !== null).map((c) => [c.iso3, c.value!])
		);
		view.remittanceValues = { ...asked, values };
	});

	// Remittances received, all countries and recent years: the table's and charts' money.
	loader('remittance series', async (signal) => {
		if (view.tab === 'map') return;
		void view.versions.remittances;
		const body = await api().remittanceSeries({ measure: 'received', from: 2015 }, { signal });
		view.receivedSeries = new Map(body.countries.map((c) => [c.iso3, c.series]));
	});

	loader('corridors', async (signal) => {
		const country = view.focusCountry?.iso3;
		if (view.layer !== 'corridors' || !country) {
			view.corridorData = null;
			return;
		}
		void view.versions.corridors;
		view.corridorData = await api().corridors(
			{ country, direction: view.direction, limit: 10 },
			{ signal }
		);
	});

	// Corridors: whether the people behind each corridor were banned on the day shown. Money
	// into a country comes from its people abroad: the bans on them (by origin); money out of
	// it goes to the homes of people living there: the bans it imposed (by destination).
	loader('corridor bans', async (signal) => {
		const country = view.focusCountry?.iso3;
		const date = view.day;
		if (view.layer !== 'corridors' || !country || !date) return;
		void view.versions.entry;
		const byOrigin = view.direction === 'in';
		const bans = byOrigin
			? await api().bans({ origin: country, date }, { signal })
			: await api().bans({ destination: country, date }, { signal });
		view.corridorBans = entryView(byOrigin ? 'passport' : 'destination', country, date, null, bans);
	});

	// Who can enter: the visa rules of the latest snapshot on the day, and the bans in force.
	loader('entry', async (signal) => {
		const country = view.entryCountry?.iso3;
		const date = view.day;
		const direction = view.entryDirection;
		if (view.layer !== 'entry' || !country || !date) return;
		void view.versions.entry;
		const client = api();
		const [visa, bans] = await Promise.all([
			(direction === 'passport'
				? client.visaOfPassport({ passport: country, date }, { signal })
				: client.visaForDestination({ destination: country, date }, { signal })
			).catch((err: unknown) => {
				// Before the first snapshot there are no rules: the map says so.
				if (err instanceof ApiError && err.status === 404) return null;
				throw err;
			}),
			direction === 'passport'
				? client.bans({ origin: country, date }, { signal })
				: client.bans({ destination: country, date }, { signal })
		]);
		view.entryData = entryView(direction, country, date, visa, bans);
	});

	return live;
}

/**
 * A promise settled by the map's first drawn frame (call `drawn` from CountryMap's onready),
 * or after `fallbackMs` if the map cannot draw (no WebGL), so live data still arrives.
 */
export function afterFirstMap(fallbackMs = 5000): { promise: Promise<void>; drawn: () => void } {
	let drawn = () => {};
	const promise = new Promise<void>((resolve) => {
		drawn = resolve;
		// Only in the browser: a server render must not leave a timer behind.
		if (typeof window !== 'undefined') setTimeout(resolve, fallbackMs);
	});
	return { promise, drawn };
}
