/**
 * The analyst's view of the data: shapes shared by the page, the API and the exports, so a
 * table row on screen, a JSON row and a CSV row are one object written three ways.
 */
import type { Level } from './borderStatus.ts';

/**
 * One country in the table tab, as of a chosen day. Day counts run from the series' first
 * day through the chosen day, so "days at level 4" is how long the border had been closed
 * by then. A "closure" is level 4 (total closure), the legend's darkest class.
 */
export interface BorderStatusTableRow {
	iso3: string;
	name: string;
	m49Region: string | null;
	m49Subregion: string | null;
	wbRegion: string | null;
	incomeGroup: string | null;
	/** The chosen day. */
	date: string;
	level: Level | null;
	/** First day of the run holding `level` on `date`. */
	since: string | null;
	days0: number;
	days1: number;
	days2: number;
	days3: number;
	days4: number;
	daysNoData: number;
	/** First day at level 4, on or before `date`. */
	firstClosure: string | null;
	/** The longest run at level 4 (clipped at `date`): its first and last day and length. */
	longestClosureFrom: string | null;
	longestClosureTo: string | null;
	longestClosureDays: number;
	/** The last day on or before `date` whose level differs from the day before's. */
	lastChange: string | null;
	lastChangeFrom: Level | null;
	lastChangeTo: Level | null;
	/** Personal remittances received (current US$): the latest year with a value. */
	remittancesYear: number | null;
	remittances: number | null;
	remittances2019: number | null;
	remittances2020: number | null;
	/** (2020 − 2019) / 2019; null unless both years have a value. */
	remittancesChange2019To2020: number | null;
}

/** Column order of the table's CSV and of the on-screen table. */
export const BORDER_STATUS_TABLE_COLUMNS = [
	'iso3',
	'name',
	'm49Region',
	'm49Subregion',
	'wbRegion',
	'incomeGroup',
	'date',
	'level',
	'since',
	'days0',
	'days1',
	'days2',
	'days3',
	'days4',
	'daysNoData',
	'firstClosure',
	'longestClosureFrom',
	'longestClosureTo',
	'longestClosureDays',
	'lastChange',
	'lastChangeFrom',
	'lastChangeTo',
	'remittancesYear',
	'remittances',
	'remittances2019',
	'remittances2020',
	'remittancesChange2019To2020'
] as const satisfies readonly (keyof BorderStatusTableRow)[];

/** A change of level found in the series itself (not the commit log): never empty on data. */
export interface LevelChange {
	iso3: string;
	/** The first day at the new level. */
	day: string;
	/** The level the day before; null after a gap or at the start of a country's data. */
	from: Level | null;
	to: Level;
}

/** Tightening raises the level, loosening lowers it. */
export type ChangeDirection = 'tightening' | 'loosening';

/** A named group of countries a `region` parameter accepts, as the region control lists it. */
export type RegionKind = 'm49Region' | 'm49Subregion' | 'wbRegion' | 'incomeGroup';
