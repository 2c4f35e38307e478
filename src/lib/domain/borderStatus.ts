/** OxCGRT C8, international travel controls: an ordinal level per country and day. */
export type Level = 0 | 1 | 2 | 3 | 4;

export const LAYER_BORDER_STATUS = 'border-status';

export interface LevelInfo {
	level: Level;
	/** Short legend label. */
	label: string;
	/** One sentence for tooltips and the text description. */
	description: string;
	color: string;
}

/**
 * One hue ramp from light to dark (sampled from ColorBrewer RdPu), so the order reads the
 * same in greyscale and under colour-vision deficiencies: the sample points were chosen so
 * that adjacent levels stay more than ΔE 18 apart under simulated deuteranopia, protanopia
 * and tritanopia (tests/unit/palette.test.ts). "No data" is a hatch, not a colour.
 */
export const LEVELS: readonly LevelInfo[] = [
	{
		level: 0,
		label: 'No measures',
		description: 'No restrictions on incoming travellers',
		color: '#feeeea'
	},
	{
		level: 1,
		label: 'Screening',
		description: 'Arrivals are screened (health checks or a test instead of quarantine)',
		color: '#fa9ab3'
	},
	{
		level: 2,
		label: 'Quarantine',
		description: 'Arrivals from some or all regions must quarantine',
		color: '#e74b9b'
	},
	{
		level: 3,
		label: 'Ban on some regions',
		description: 'Arrivals from some regions are banned',
		color: '#ad0a81'
	},
	{
		level: 4,
		label: 'Total closure',
		description: 'Arrivals from all regions banned, or the border closed completely',
		color: '#49006a'
	}
];

export const NO_DATA_LABEL = 'No data';

export function isLevel(value: unknown): value is Level {
	return value === 0 || value === 1 || value === 2 || value === 3 || value === 4;
}

export function levelInfo(level: number | null): LevelInfo | null {
	return level === null ? null : (LEVELS[level] ?? null);
}

/** A run of days at one level, inclusive on both ends. `level` null marks a gap in the data. */
export interface LevelRun {
	from: string;
	to: string;
	level: Level | null;
}

export interface BorderStatusEntry {
	iso3: string;
	name: string;
	level: Level | null;
	/** First day of the run that contains the date; null when there is no data. */
	since: string | null;
}

/**
 * Every country's runs in one compact payload for the map's timeline: days are indexes
 * from `first`, so scrubbing time needs no request.
 */
export interface BorderStatusSeries {
	first: string;
	last: string;
	/** iso3 → [fromIndex, toIndex, level] runs, ascending, gaps omitted. */
	runs: Record<string, [number, number, Level][]>;
}
