import type {
	BanxicoCorridor,
	Corridor,
	CorridorCost,
	CorridorWithCost,
	Measure,
	MonthlyRemittancePoint,
	RemittanceEntry,
	YearValue
} from '../../domain/remittances.ts';
import { LATEST_COVERAGE } from '../../domain/borderStatusSeries.ts';
import { prepared, type Db } from './open.ts';

/**
 * The years a measure covers (share of GDP: years with both remittances and GDP), and the
 * one "latest" means: the last year for which at least
 * four in five as many countries have a value as in the best-covered year (see
 * LATEST_COVERAGE; 2024's received figures are
 * only half in, so the default is 2023).
 */
export function remittanceYears(
	db: Db,
	measure: Measure
): { first: number; last: number; latest: number } | null {
	const counts = (
		measure === 'share_gdp'
			? prepared(
					db,
					`SELECT r.year, count(*) AS n FROM remittance r
					JOIN gdp g ON g.iso3 = r.iso3 AND g.year = r.year
					WHERE r.measure = 'received' GROUP BY r.year ORDER BY r.year`
				).all()
			: prepared(
					db,
					'SELECT year, count(*) AS n FROM remittance WHERE measure = ? GROUP BY year ORDER BY year'
				).all(measure)
	) as { year: number; n: number }[];
	if (counts.length === 0) return null;
	const best = Math.max(...counts.map((c) => c.n));
	const latest = counts.findLast((c) => c.n >= best * LATEST_COVERAGE)!.year;
	return { first: counts[0]!.year, last: counts.at(-1)!.year, latest };
}

/** Every country with its value for a year; null where the World Bank has none. */
export function remittancesIn(db: Db, year: number, measure: Measure): RemittanceEntry[] {
	if (measure === 'share_gdp') {
		return db
			.prepare(
				`SELECT c.iso3, c.name, r.value * 100.0 / g.value AS value
				FROM country c
				LEFT JOIN remittance r ON r.iso3 = c.iso3 AND r.year = @year AND r.measure = 'received'
				LEFT JOIN gdp g ON g.iso3 = c.iso3 AND g.year = @year AND g.value > 0
				ORDER BY c.name`
			)
			.all({ year }) as RemittanceEntry[];
	}
	return db
		.prepare(
			`SELECT c.iso3, c.name, r.value FROM country c
			LEFT JOIN remittance r ON r.iso3 = c.iso3 AND r.year = @year AND r.measure = @measure
			ORDER BY c.name`
		)
		.all({ year, measure }) as RemittanceEntry[];
}

/**
 * The values of one year as they stood at data version `asof`: every remittance (and, for a
 * share of GDP, GDP) change committed after it is undone, the earliest one last, so each value
 * is the `old` of its first later change. What a pinned embed shows.
 */
export function remittancesAsOf(
	db: Db,
	year: number,
	measure: Measure,
	asof: number
): RemittanceEntry[] {
	const undone = (layer: string, measureOfChange: string | null) => {
		const before = new Map<string, number | null>();
		const rows = prepared(
			db,
			`SELECT iso3, old FROM change_log
			WHERE layer = ? AND period = ? AND seq > ? AND measure IS ? ORDER BY seq DESC`
		).all(layer, String(year), asof, measureOfChange) as { iso3: string; old: number | null }[];
		for (const row of rows) before.set(row.iso3, row.old);
		return before;
	};
	const revert = (entries: RemittanceEntry[], before: Map<string, number | null>) =>
		entries.map((e) => (before.has(e.iso3) ? { ...e, value: before.get(e.iso3)! } : e));
	if (measure !== 'share_gdp') {
		return revert(remittancesIn(db, year, measure), undone('remittances', measure));
	}
	const received = new Map(
		revert(remittancesIn(db, year, 'received'), undone('remittances', 'received')).map((e) => [
			e.iso3,
			e.value
		])
	);
	const gdpNow = prepared(db, 'SELECT iso3, value FROM gdp WHERE year = ?').all(year) as {
		iso3: string;
		value: number;
	}[];
	const gdp = new Map<string, number | null>(gdpNow.map((g) => [g.iso3, g.value]));
	for (const [iso3, old] of undone('gdp', null)) gdp.set(iso3, old);
	return remittancesIn(db, year, 'share_gdp').map((e) => {
		const r = received.get(e.iso3) ?? null;
		const g = gdp.get(e.iso3) ?? null;
		return { ...e, value: r !== null && g !== null && g > 0 ? (r * 100) / g : null };
	});
}

export function remittanceSeries(db: Db, iso3: string): Record<Measure, YearValue[]> {
	const byMeasure = (measure: 'received' | 'paid') =>
		db
			.prepare('SELECT year, value FROM remittance WHERE iso3 = ? AND measure = ? ORDER BY year')
			.all(iso3, measure) as YearValue[];
	const share = db
		.prepare(
			`SELECT r.year, r.value * 100.0 / g.value AS value FROM remittance r
			JOIN gdp g ON g.iso3 = r.iso3 AND g.year = r.year AND g.value > 0
			WHERE r.iso3 = ? AND r.measure = 'received' ORDER BY r.year`
		)
		.all(iso3) as YearValue[];
	return { received: byMeasure('received'), paid: byMeasure('paid'), share_gdp: share };
}

export function corridorYears(db: Db): number[] {
	return db.prepare('SELECT DISTINCT year FROM corridor ORDER BY year').pluck().all() as number[];
}

/** A country's largest corridors: inbound (money received from origins) or outbound. */
export function corridorsOf(
	db: Db,
	iso3: string,
	direction: 'in' | 'out',
	year: number,
	limit: number
): Corridor[] {
	const where = direction === 'in' ? 'destination = @iso3' : 'origin = @iso3';
	return db
		.prepare(
			`SELECT origin AS "from", destination AS "to", value FROM corridor
			WHERE ${where} AND year = @year ORDER BY value DESC, origin, destination LIMIT @limit`
		)
		.all({ iso3, year, limit }) as Corridor[];
}

/**
 * The RPW cost of sending → receiving in the latest quarter with a value on or before the
 * last quarter of `year`: what the corridor cost in the matrix's year, or the last cost known
 * before it when that year has none (a quarter later than the year is never used).
 */
export function corridorCostIn(
	db: Db,
	sending: string,
	receiving: string,
	year: number
): CorridorCost | null {
	const row = prepared(
		db,
		`SELECT percent, quarter FROM corridor_cost
		WHERE sending = ? AND receiving = ? AND quarter <= ? ORDER BY quarter DESC LIMIT 1`
	).get(sending, receiving, `${year}Q4`) as CorridorCost | undefined;
	return row ?? null;
}

/**
 * Banco de México's figure for origin → destination (one of them Mexico), chosen as the cost
 * is: the latest quarter on or before the end of `year`, with that quarter's year added up.
 */
export function banxicoCorridorIn(
	db: Db,
	origin: string,
	destination: string,
	year: number
): BanxicoCorridor | null {
	const latest = prepared(
		db,
		`SELECT quarter, value AS usd FROM corridor_quarterly
		WHERE origin = ? AND destination = ? AND reporter = 'MEX' AND quarter <= ?
		ORDER BY quarter DESC LIMIT 1`
	).get(origin, destination, `${year}Q4`) as { quarter: string; usd: number } | undefined;
	if (!latest) return null;
	const itsYear = Number(latest.quarter.slice(0, 4));
	const sum = prepared(
		db,
		`SELECT count(*) AS quarters, sum(value) AS usd FROM corridor_quarterly
		WHERE origin = ? AND destination = ? AND reporter = 'MEX' AND quarter BETWEEN ? AND ?`
	).get(origin, destination, `${itsYear}Q1`, `${itsYear}Q4`) as { quarters: number; usd: number };
	return { ...latest, year: itsYear, yearUsd: sum.quarters === 4 ? sum.usd : null };
}

/** Corridors of the matrix's `year` with their RPW cost and Banco de México's figure. */
export function withCostAndBanxico(
	db: Db,
	corridors: readonly Corridor[],
	year: number
): CorridorWithCost[] {
	return corridors.map((c) => ({
		...c,
		cost: corridorCostIn(db, c.from, c.to, year),
		banxico: banxicoCorridorIn(db, c.from, c.to, year)
	}));
}

/** The countries with monthly remittances, by name. */
export function monthlyRemittanceCountries(db: Db): { iso3: string; name: string }[] {
	return prepared(
		db,
		`SELECT c.iso3, c.name FROM country c
		WHERE EXISTS (SELECT 1 FROM monthly_remittance m WHERE m.iso3 = c.iso3) ORDER BY c.name`
	).all() as { iso3: string; name: string }[];
}

/** One country's monthly remittances, ascending by month; empty without data. */
export function monthlyRemittanceSeries(db: Db, iso3: string): MonthlyRemittancePoint[] {
	const rows = prepared(
		db,
		`SELECT month,
			max(CASE WHEN measure = 'received' THEN value END) AS received,
			max(CASE WHEN measure = 'paid' THEN value END) AS paid,
			max(CASE WHEN measure = 'received' THEN operations END) AS operations,
			max(CASE WHEN measure = 'paid' THEN operations END) AS paidOperations
		FROM monthly_remittance WHERE iso3 = ? GROUP BY month ORDER BY month`
	).all(iso3) as MonthlyRemittancePoint[];
	return rows;
}

/** Every country's series of one measure at once, ascending by year (countries without data absent). */
export function remittanceSeriesAll(db: Db, measure: Measure): Map<string, YearValue[]> {
	const rows = (
		measure === 'share_gdp'
			? db.prepare(
					`SELECT r.iso3, r.year, r.value * 100.0 / g.value AS value FROM remittance r
					JOIN gdp g ON g.iso3 = r.iso3 AND g.year = r.year AND g.value > 0
					WHERE r.measure = 'received' ORDER BY r.iso3, r.year`
				)
			: db.prepare('SELECT iso3, year, value FROM remittance WHERE measure = ? ORDER BY iso3, year')
	).all(...(measure === 'share_gdp' ? [] : [measure])) as (YearValue & { iso3: string })[];
	const byCountry = new Map<string, YearValue[]>();
	for (const { iso3, year, value } of rows) {
		let series = byCountry.get(iso3);
		if (!series) byCountry.set(iso3, (series = []));
		series.push({ year, value });
	}
	return byCountry;
}
