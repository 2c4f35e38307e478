import {
	CSV_COLUMNS,
	RemittanceSeriesQuery,
	type RemittanceSeriesBody
} from '$lib/domain/apiSchemas';
import { MEASURE_INFO } from '$lib/domain/remittances';
import { remittanceSeriesAll } from '$lib/server/db/remittances';
import { serverContext } from '$lib/server/context';
import { collectionResponse } from '$lib/server/http/exports';
import { selectedCountries, selection } from '$lib/server/http/filters';
import { endpoint, parseQuery } from '$lib/server/http/respond';

/** Every selected country's yearly series of one measure (an empty series without data). */
export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, RemittanceSeriesQuery);
		const sel = selection(db, query);
		const all = remittanceSeriesAll(db, query.measure);
		const inRange = (year: number) =>
			(query.from === undefined || year >= query.from) &&
			(query.to === undefined || year <= query.to);
		const countries = selectedCountries(db, sel).map((c) => ({
			iso3: c.iso3,
			name: c.name,
			series: (all.get(c.iso3) ?? []).filter((p) => inRange(p.year))
		}));
		const unit = MEASURE_INFO[query.measure].unit;
		const body: RemittanceSeriesBody = { measure: query.measure, unit, countries };
		const period =
			query.from !== undefined || query.to !== undefined
				? `${query.from ?? ''}-${query.to ?? ''}`
				: null;
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: `remittances-${query.measure}-series`,
			source: 'remittances',
			title: `${MEASURE_INFO[query.measure].label} (${unit}), by year`,
			selection: sel,
			period,
			filters: { measure: query.measure, from: query.from, to: query.to },
			rows: countries.flatMap((c) =>
				c.series.map((p) => ({ iso3: c.iso3, name: c.name, year: p.year, value: p.value }))
			),
			columns: CSV_COLUMNS.remittanceSeries,
			body: () => body,
			csvFilename: `remittances-${query.measure}-series.csv`
		});
	});
}
