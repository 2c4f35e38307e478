/** The shapes the chart tab receives from the page's view model. */
import type { LevelRun } from '../domain/borderStatus.ts';
import type { YearValue } from '../domain/remittances.ts';

/** How many countries of the region filter were at each level (0–4) on one day. */
export interface DayLevelCounts {
	day: string;
	counts: [number, number, number, number, number];
	/** Countries of the filter without a value that day. */
	noData: number;
}

/** One selected country's level history: runs of equal level, `level` null for gaps. */
export interface CountryHistory {
	iso3: string;
	name: string;
	runs: LevelRun[];
}

/** One selected country's yearly remittance series for the chosen measure. */
export interface CountryRemittances {
	iso3: string;
	name: string;
	series: YearValue[];
}
