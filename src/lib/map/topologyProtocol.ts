/**
 * Runs inside MapLibre's workers (loaded with importScriptInWorkers): a `topojson://` protocol
 * that fetches the app's TopoJSON and hands MapLibre GeoJSON, so neither the download nor the
 * decoding of the country shapes touches the page's main thread.
 */
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

interface WorkerScope {
	addProtocol: (
		protocol: string,
		load: (params: { url: string }, abort: AbortController) => Promise<{ data: unknown }>
	) => void;
	location: { origin: string };
}

const TOPOJSON_PROTOCOL = 'topojson';

const scope = self as unknown as WorkerScope;
scope.addProtocol(TOPOJSON_PROTOCOL, async (params, abort) => {
	// topojson://geo/countries-50m.json#countries → /geo/countries-50m.json, object `countries`.
	const [path, object = 'countries'] = params.url.slice(TOPOJSON_PROTOCOL.length + 3).split('#');
	const response = await fetch(new URL(`/${path}`, scope.location.origin), {
		signal: abort.signal
	});
	if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
	const topology = (await response.json()) as Topology<Record<string, GeometryCollection>>;
	return { data: feature(topology, topology.objects[object]!) };
});
