import { json } from '@sveltejs/kit';
import {
	BorderStatusTableQuery,
	CSV_COLUMNS,
	type BorderStatusTableBody
} from '$lib/domain/apiSchemas';
import { borderStatusTable } from '$lib/domain/borderStatusTable';
import { dayAt, latestCoveredIndex } from '$lib/domain/borderStatusSeries';
import { exportMeta } from '$lib/domain/csv';
import { daysBetween } from '$lib/domain/date';
import { combinedSource } from '$lib/domain/sources';
import { borderStatusSeries } from '$lib/server/db/borderStatus';
import { lastSeq } from '$lib/server/db/changeLog';
import { remittanceSeriesAll } from '$lib/server/db/remittances';
import { serverContext } from '$lib/server/context';
import { collectionResponse } from '$lib/server/http/exports';
import { selectedCountries, selection } from '$lib/server/http/filters';
import { BadRequest, endpoint, parseQuery } from '$lib/server/http/respond';

const TITLE = 'Border status and remittances by country';

/** The table tab's rows as of a day: `borderStatusTable` on the database's series. */
export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, BorderStatusTableQuery);
		const sel = selection(db, query);
		const { seq, series, received } = db.transaction(() => ({
			seq: lastSeq(db),
			series: borderStatusSeries(db),
			received: remittanceSeriesAll(db, 'received')
		}))();
		if (!series) throw new BadRequest('no border-status data has been ingested yet');
		// "latest": the last day nearly every country has data for (see latestCoveredIndex).
		const date =
			query.date && query.date !== 'latest'
				? query.date
				: dayAt(series, latestCoveredIndex(series));
		if (date < series.first || date > series.last) {
			throw new BadRequest(`date: border-status data covers ${series.first} to ${series.last}`);
		}
		const rows = borderStatusTable(
			series,
			daysBetween(series.first, date),
			selectedCountries(db, sel),
			received
		);
		const source = { title: TITLE, ...combinedSource('border-status', 'remittances') };
		if (!query.download && query.format === 'json') {
			const meta = exportMeta({
				...source,
				dataVersion: seq,
				filters: { region: sel.region, country: sel.countries, date }
			});
			const body: BorderStatusTableBody = { meta, rows };
			return json(body);
		}
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: 'border-status-table',
			source,
			selection: sel,
			period: date,
			filters: { date },
			rows,
			columns: CSV_COLUMNS.borderStatusTable,
			body: () => rows,
			csvFilename: `border-status-table-${date}.csv`
		});
	});
}
