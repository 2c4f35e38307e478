import type { Map as MapLibreMap } from 'maplibre-gl';

/** The map's own state: the MapLibre instance, and what its test hooks report. */
export class MapState {
	map = $state.raw<MapLibreMap | null>(null);
	/** True once the first frame with data is drawn. */
	ready = $state(false);
	/** The time whose data the last drawn frame shows. */
	drawnTime = $state<string | null>(null);
}
