import { CSV_COLUMNS, RemittancesQuery, type RemittancesBody } from '$lib/domain/apiSchemas';
import { MEASURE_INFO } from '$lib/domain/remittances';
import { remittancesAsOf, remittancesIn, remittanceYears } from '$lib/server/db/remittances';
import { serverContext } from '$lib/server/context';
import { collectionResponse } from '$lib/server/http/exports';
import { selected, selection } from '$lib/server/http/filters';
import { BadRequest, endpoint, parseQuery } from '$lib/server/http/respond';

export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, RemittancesQuery);
		const sel = selection(db, query);
		const years = remittanceYears(db, query.measure);
		if (!years) throw new BadRequest(`no ${query.measure} data has been ingested yet`);
		const year = query.year ?? years.latest;
		if (year < years.first || year > years.last) {
			throw new BadRequest(`year: ${query.measure} data covers ${years.first}–${years.last}`);
		}
		const values =
			query.asof === undefined
				? remittancesIn(db, year, query.measure)
				: remittancesAsOf(db, year, query.measure, query.asof);
		const countries = values.filter((c) => selected(sel, c.iso3));
		const unit = MEASURE_INFO[query.measure].unit;
		const body: RemittancesBody = { year, measure: query.measure, unit, countries };
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: `remittances-${query.measure}`,
			source: 'remittances',
			title: MEASURE_INFO[query.measure].label,
			selection: sel,
			period: String(year),
			filters: {
				year,
				measure: query.measure,
				...(query.asof === undefined ? {} : { asof: query.asof })
			},
			rows: countries.map((c) => ({ year, measure: query.measure, unit, ...c })),
			columns: CSV_COLUMNS.remittances,
			body: () => body,
			csvFilename: `remittances-${query.measure}-${year}.csv`
		});
	});
}
