import type { Db } from '../../db/open.ts';
import type { ApplyContext, Feed } from '../feed.ts';
import { downloadWorldBankApi } from '../worldBankPages.ts';
import {
	parseWbIndicator,
	WB_INDICATORS,
	type WbIndicatorCode,
	type WbIndicatorData,
	type WbPoint
} from './wbIndicator.ts';

/** change_log layers: remittances are map data; GDP changes the derived share of GDP. */
export const LAYER_REMITTANCES = 'remittances';
export const LAYER_GDP = 'gdp';

/** One stored series: values by `code:year`, and how to change them. */
interface StoredValues {
	values: Map<string, number>;
	set(code: string, year: number, value: number): void;
	remove(code: string, year: number): void;
}

const key = (code: string, year: number) => `${code}:${year}`;

function stored(rows: { code: string; year: number; value: number }[]) {
	return new Map(rows.map((r) => [key(r.code, r.year), r.value]));
}

function remittanceValues(db: Db, measure: 'received' | 'paid'): StoredValues {
	const upsert = db.prepare(
		`INSERT INTO remittance (iso3, year, measure, value) VALUES (?, ?, ?, ?)
		ON CONFLICT (iso3, measure, year) DO UPDATE SET value = excluded.value`
	);
	const remove = db.prepare('DELETE FROM remittance WHERE iso3 = ? AND year = ? AND measure = ?');
	const rows = db
		.prepare('SELECT iso3 AS code, year, value FROM remittance WHERE measure = ?')
		.all(measure) as { code: string; year: number; value: number }[];
	return {
		values: stored(rows),
		set: (iso3, year, value) => upsert.run(iso3, year, measure, value),
		remove: (iso3, year) => remove.run(iso3, year, measure)
	};
}

function gdpValues(db: Db): StoredValues {
	const upsert = db.prepare(
		`INSERT INTO gdp (iso3, year, value) VALUES (?, ?, ?)
		ON CONFLICT (iso3, year) DO UPDATE SET value = excluded.value`
	);
	const remove = db.prepare('DELETE FROM gdp WHERE iso3 = ? AND year = ?');
	const rows = db.prepare('SELECT iso3 AS code, year, value FROM gdp').all() as {
		code: string;
		year: number;
		value: number;
	}[];
	return {
		values: stored(rows),
		set: (iso3, year, value) => upsert.run(iso3, year, value),
		remove: (iso3, year) => remove.run(iso3, year)
	};
}

function aggregateValues(db: Db, indicator: string): StoredValues {
	const upsert = db.prepare(
		`INSERT INTO aggregate_value (code, indicator, year, value) VALUES (?, ?, ?, ?)
		ON CONFLICT (code, indicator, year) DO UPDATE SET value = excluded.value`
	);
	const remove = db.prepare(
		'DELETE FROM aggregate_value WHERE code = ? AND indicator = ? AND year = ?'
	);
	const rows = db
		.prepare('SELECT code, year, value FROM aggregate_value WHERE indicator = ?')
		.all(indicator) as { code: string; year: number; value: number }[];
	return {
		values: stored(rows),
		set: (code, year, value) => upsert.run(code, indicator, year, value),
		remove: (code, year) => remove.run(code, indicator, year)
	};
}

/**
 * Diffs one indicator's values against the database and writes what differs: economies into
 * `remittance` (for the measure) or `gdp`, with one change_log row per changed value (period =
 * the year); aggregates into `aggregate_value`, without change_log rows (they are not drawn).
 * A null value (the year is in the input, its cell empty) removes a stored value.
 */
export function applyIndicatorValues(
	{ db, recordChange }: ApplyContext,
	indicator: WbIndicatorCode,
	points: readonly WbPoint[]
): void {
	const target = WB_INDICATORS[indicator];
	const economies = target.table === 'gdp' ? gdpValues(db) : remittanceValues(db, target.measure);
	const layer = target.table === 'gdp' ? LAYER_GDP : LAYER_REMITTANCES;
	const aggregates = aggregateValues(db, indicator);
	for (const p of points) {
		const table = p.aggregate ? aggregates : economies;
		const old = table.values.get(key(p.code, p.year)) ?? null;
		if (old === p.value) continue;
		if (p.value === null) table.remove(p.code, p.year);
		else table.set(p.code, p.year, p.value);
		if (p.aggregate) continue;
		recordChange(layer, p.code, String(p.year), old, p.value, { measure: target.measure });
	}
}

export const wbIndicatorFeed: Feed<WbIndicatorData> = {
	name: 'wb-indicator',
	description:
		'World Bank WDI remittances received/paid (or GDP): bulk CSV API_<CODE>_DS2_*.csv or API v2 JSON',
	// An API URL is read to its last page; a bulk CSV URL is one download as for any feed.
	download: downloadWorldBankApi,
	parse: parseWbIndicator,
	apply(ctx, data) {
		if (!data.indicator) throw new Error('wb-indicator: nothing to apply without an indicator');
		applyIndicatorValues(ctx, data.indicator, data.points);
	}
};
