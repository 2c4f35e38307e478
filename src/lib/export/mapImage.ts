/**
 * A PNG of the map as shown, made to be pasted into a slide or an article: a title, the map,
 * the legend and the credit line, drawn onto one canvas in the browser.
 */
export interface MapImageParts {
	title: string;
	subtitle: string;
	legend: readonly { color: string | null; label: string }[];
	credit: string;
}

const INK = '#1d1d1f';
const MUTED = '#5a5a66';

/** `scale`: device pixels per CSS pixel of the map's canvas, so text is sized like the page's. */
export function composeMapImage(
	map: HTMLCanvasElement,
	parts: MapImageParts,
	scale = 1
): HTMLCanvasElement {
	const width = map.width;
	const pad = 16 * scale;
	const line = (px: number) => `${px * scale}px system-ui, -apple-system, 'Segoe UI', sans-serif`;
	const head = 58 * scale;
	const foot = 66 * scale;
	const canvas = document.createElement('canvas');
	canvas.width = width;
	canvas.height = head + map.height + foot;
	const ctx = canvas.getContext('2d')!;
	ctx.fillStyle = '#ffffff';
	ctx.fillRect(0, 0, canvas.width, canvas.height);

	ctx.fillStyle = INK;
	ctx.font = `600 ${line(18)}`;
	ctx.textBaseline = 'top';
	ctx.fillText(parts.title, pad, pad * 0.75, width - 2 * pad);
	ctx.fillStyle = MUTED;
	ctx.font = line(13);
	ctx.fillText(parts.subtitle, pad, pad * 0.75 + 24 * scale, width - 2 * pad);

	ctx.drawImage(map, 0, head);

	// Legend: swatch and label pairs in one row, wrapping when the row is full.
	let x = pad;
	let y = head + map.height + 10 * scale;
	ctx.font = line(12);
	for (const item of parts.legend) {
		const w = 14 * scale + 6 * scale + ctx.measureText(item.label).width + 14 * scale;
		if (x + w > width - pad) {
			x = pad;
			y += 18 * scale;
		}
		if (item.color) {
			ctx.fillStyle = item.color;
			ctx.fillRect(x, y, 14 * scale, 12 * scale);
		} else {
			ctx.strokeStyle = '#bebec8';
			ctx.strokeRect(x + 0.5, y + 0.5, 14 * scale - 1, 12 * scale - 1);
		}
		ctx.fillStyle = INK;
		ctx.fillText(item.label, x + 20 * scale, y);
		x += w;
	}
	ctx.fillStyle = MUTED;
	ctx.font = line(11);
	ctx.fillText(parts.credit, pad, canvas.height - 20 * scale, width - 2 * pad);
	return canvas;
}
