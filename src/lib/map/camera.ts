/**
 * Where the map looks: what a presenter's followers and a story step restore. Rounded so a
 * camera survives JSON and URLs unchanged, and compared with a tolerance below a pixel.
 */
export interface Camera {
	center: [number, number];
	zoom: number;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The camera of a MapLibre map (anything with getCenter and getZoom). */
export function cameraOf(map: {
	getCenter(): { lng: number; lat: number };
	getZoom(): number;
}): Camera {
	const { lng, lat } = map.getCenter();
	return { center: [round(lng, 4), round(lat, 4)], zoom: round(map.getZoom(), 3) };
}

/** True when two cameras differ by less than a pixel at their zoom. */
export function sameCamera(a: Camera, b: Camera): boolean {
	const degreesPerPixel = 360 / (512 * 2 ** Math.max(a.zoom, b.zoom));
	return (
		Math.abs(a.zoom - b.zoom) < 0.01 &&
		Math.abs(a.center[0] - b.center[0]) < degreesPerPixel &&
		Math.abs(a.center[1] - b.center[1]) < degreesPerPixel
	);
}
