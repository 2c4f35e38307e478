import type { Map as MapLibreMap } from 'maplibre-gl';

/** Map state shared by the map and the things drawn over it (tooltip, legend). */
export class MapState {
	map = $state.raw<MapLibreMap | null>(null);
	/** True once the first frame with data is drawn. */
	ready = $state(false);
	/** The time whose data the last drawn frame shows. */
	drawnTime = $state<string | null>(null);
	hovered = $state<{ iso3: string; x: number; y: number } | null>(null);
}
