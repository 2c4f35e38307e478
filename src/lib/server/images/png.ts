/**
 * SVG → PNG with resvg (a prebuilt native binary, no browser). Text needs a font: DejaVu Sans
 * when the system has it (Debian's fonts-dejavu-core), else whatever the system offers.
 */
import { existsSync } from 'node:fs';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';

const DEJAVU = [
	'/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
	'/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'
];

let fontOptions: ResvgRenderOptions['font'] | null = null;

function fonts(): ResvgRenderOptions['font'] {
	if (fontOptions) return fontOptions;
	const files = DEJAVU.filter((f) => existsSync(f));
	fontOptions =
		files.length > 0
			? { fontFiles: files, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' }
			: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' };
	return fontOptions;
}

export function svgToPng(svg: string): Buffer {
	const resvg = new Resvg(svg, { font: fonts(), background: undefined });
	return resvg.render().asPng();
}
