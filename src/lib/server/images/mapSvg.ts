/**
 * A complete map image as one SVG string: title, the countries filled from the layer's
 * palette, arcs, legend with counts, the summary sentence and the source line. Pure: the
 * data and the projected world in, text out, so the route, the PNG and tests share it.
 */
import type { ProjectedWorld } from './countryShapes.ts';

export type ImageTheme = 'light' | 'dark';

export interface LegendItem {
	label: string;
	/** A colour, or null for the no-data hatch. */
	color: string | null;
	count: number;
}

export interface MapArc {
	from: string;
	to: string;
	/** 0–1: the arc's weight relative to the largest. */
	weight: number;
}

export interface MapImage {
	title: string;
	/** iso3 → fill colour; null or absent: no data (hatched). */
	fills: Map<string, string | null>;
	/** Countries of the region asked for; everything else is dimmed. Null: no region. */
	inRegion: Set<string> | null;
	/** Outlined, in selection order. */
	selected: string[];
	/** Marked with a dashed outline of this colour (who can enter: COBAP bans). */
	marked?: { iso3s: string[]; color: string };
	arcs: MapArc[];
	legend: LegendItem[];
	summary: string;
	source: string;
	theme: ImageTheme;
}

const THEMES = {
	light: {
		background: '#ffffff',
		text: '#1b1b1f',
		muted: '#55555e',
		border: '#ffffff',
		dim: '#e3e3e6',
		hatchBack: '#f4f4f5',
		hatchLine: '#a1a1aa',
		outline: '#111111',
		arc: '#c2410c'
	},
	dark: {
		background: '#16171b',
		text: '#f2f2f4',
		muted: '#b4b4bd',
		border: '#16171b',
		dim: '#34353b',
		hatchBack: '#26272d',
		hatchLine: '#70707a',
		outline: '#ffffff',
		arc: '#fb923c'
	}
} as const;

export const FONT_FAMILY = 'DejaVu Sans, Verdana, Arial, sans-serif';

/** Text as XML character data or an attribute value. */
export function escapeXml(text: string): string {
	return text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!
	);
}

/** Greedy word wrap at an estimated glyph width (DejaVu Sans averages ~0.56 em, bold ~0.66). */
export function wrap(text: string, fontSize: number, maxWidth: number, em = 0.56): string[] {
	const perLine = Math.max(10, Math.floor(maxWidth / (fontSize * em)));
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line && line.length + 1 + word.length > perLine) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	if (line) lines.push(line);
	return lines;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The whole image, `world.width` wide. With `height` (a slide's 1920×1080), the drawing is
 * scaled down to fit if it is taller and centred on the background either way, so the file
 * has exactly that size.
 */
export function mapSvg(image: MapImage, world: ProjectedWorld, height?: number): string {
	const t = THEMES[image.theme];
	const W = world.width;
	const s = W / 1000;
	const pad = r1(24 * s);
	const titleSize = r1(26 * s);
	const bodySize = r1(15 * s);
	const smallSize = r1(12 * s);
	const out: string[] = [];

	// Title, wrapped if long.
	const titleLines = wrap(image.title, titleSize, W - 2 * pad, 0.66);
	let y = pad;
	const titleText = titleLines
		.map((line, i) => {
			y += i === 0 ? titleSize : titleSize * 1.2;
			return `<text x="${pad}" y="${r1(y)}" font-size="${titleSize}" font-weight="bold" fill="${t.text}">${escapeXml(line)}</text>`;
		})
		.join('');
	y += r1(14 * s);
	const mapTop = r1(y);

	// Countries: dimmed ones first, then the region's, selected outlines last (on top).
	const hatch = 'url(#no-data)';
	const dimmed: string[] = [];
	const shown: string[] = [];
	for (const [iso3, d] of world.paths) {
		if (!d) continue;
		const outside = image.inRegion !== null && !image.inRegion.has(iso3);
		const color = image.fills.get(iso3) ?? null;
		const fill = outside ? t.dim : (color ?? hatch);
		const el = `<path data-iso3="${iso3}" fill="${fill}" d="${d}"/>`;
		(outside ? dimmed : shown).push(el);
	}
	const outlines = image.selected
		.map((iso3) => world.paths.get(iso3))
		.filter((d): d is string => !!d)
		.map((d) => `<path d="${d}"/>`);
	const marks = (image.marked?.iso3s ?? [])
		.map((iso3) => world.paths.get(iso3))
		.filter((d): d is string => !!d)
		.map((d) => `<path d="${d}"/>`);
	const maxArc = r1(6 * s);
	const arcs = image.arcs
		.map((a) => {
			const d = world.arc(a.from, a.to);
			if (!d) return '';
			const width = r1(Math.max(1, a.weight * maxArc));
			return `<path data-from="${a.from}" data-to="${a.to}" stroke-width="${width}" d="${d}"/>`;
		})
		.join('');
	const [k, [tx, ty]] = [world.projection.scale(), world.projection.translate()];
	const map =
		`<g transform="translate(0 ${mapTop})" data-projection="equal-earth" data-scale="${k}" ` +
		`data-translate="${tx} ${ty + mapTop}" stroke="${t.border}" stroke-width="${r1(0.5 * s)}" stroke-linejoin="round">` +
		`<g>${dimmed.join('')}</g><g>${shown.join('')}</g>` +
		(marks.length > 0
			? `<g fill="none" stroke="${image.marked!.color}" stroke-width="${r1(1.6 * s)}" stroke-dasharray="${r1(4 * s)} ${r1(2 * s)}" data-marked="${image.marked!.iso3s.length}">${marks.join('')}</g>`
			: '') +
		`<g fill="none" stroke="${t.outline}" stroke-width="${r1(1.8 * s)}">${outlines.join('')}</g>` +
		`<g fill="none" stroke="${t.arc}" stroke-linecap="round" stroke-opacity="0.85">${arcs}</g>` +
		'</g>';
	y = mapTop + world.height + r1(18 * s);

	// Legend: swatch, label and count, flowing into rows.
	const swatch = r1(16 * s);
	const gap = r1(22 * s);
	const legend: string[] = [];
	let x = pad;
	for (const item of image.legend) {
		const label = `${item.label} (${item.count})`;
		const width = swatch + r1(6 * s) + label.length * smallSize * 0.6;
		if (x > pad && x + width > W - pad) {
			x = pad;
			y += swatch + r1(8 * s);
		}
		legend.push(
			`<g data-legend="${escapeXml(item.label)}"><rect x="${r1(x)}" y="${r1(y)}" width="${swatch}" height="${swatch}" fill="${item.color ?? hatch}" stroke="${t.muted}" stroke-width="${r1(0.5 * s)}"/>` +
				`<text x="${r1(x + swatch + 6 * s)}" y="${r1(y + swatch * 0.8)}" font-size="${smallSize}" fill="${t.text}">${escapeXml(label)}</text></g>`
		);
		x += width + gap;
	}
	y += swatch + r1(14 * s);

	const summary = wrap(image.summary, bodySize, W - 2 * pad).map((line) => {
		y += bodySize * 1.35;
		return `<text x="${pad}" y="${r1(y)}" font-size="${bodySize}" fill="${t.text}">${escapeXml(line)}</text>`;
	});
	y += r1(10 * s);
	const source = wrap(image.source, smallSize, W - 2 * pad).map((line) => {
		y += smallSize * 1.35;
		return `<text x="${pad}" y="${r1(y)}" font-size="${smallSize}" fill="${t.muted}">${escapeXml(line)}</text>`;
	});
	const natural = Math.ceil(y + pad);
	const H = height ?? natural;
	const shrink = Math.min(1, H / natural);
	const fit =
		height === undefined
			? null
			: `translate(${r1((W - W * shrink) / 2)} ${r1((H - natural * shrink) / 2)}) scale(${Math.round(shrink * 1e4) / 1e4})`;

	const hs = r1(6 * s);
	out.push(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT_FAMILY}" role="img" aria-labelledby="map-title map-desc">`,
		`<title id="map-title">${escapeXml(image.title)}</title>`,
		`<desc id="map-desc">${escapeXml(`${image.summary} ${image.source}`)}</desc>`,
		`<defs><pattern id="no-data" patternUnits="userSpaceOnUse" width="${hs}" height="${hs}" patternTransform="rotate(45)">` +
			`<rect width="${hs}" height="${hs}" fill="${t.hatchBack}"/><line x1="0" y1="0" x2="0" y2="${hs}" stroke="${t.hatchLine}" stroke-width="${r1(2 * s)}"/></pattern></defs>`,
		`<rect width="100%" height="100%" fill="${t.background}"/>`,
		fit ? `<g transform="${fit}">` : '',
		titleText,
		map,
		legend.join(''),
		summary.join(''),
		source.join(''),
		fit ? '</g>' : '',
		'</svg>'
	);
	return out.join('\n');
}
