import { BorderStatusQuery, CSV_COLUMNS, type BorderStatusBody } from '$lib/domain/apiSchemas';
import { dayAt, latestCoveredIndex } from '$lib/domain/borderStatusSeries';
import { borderStatusOn, borderStatusSeries } from '$lib/server/db/borderStatus';
import { serverContext } from '$lib/server/context';
import { collectionResponse } from '$lib/server/http/exports';
import { selected, selection } from '$lib/server/http/filters';
import { BadRequest, endpoint, parseQuery } from '$lib/server/http/respond';

/** "latest": the last day nearly every country has data for (see latestCoveredIndex). */
const latestDay = (series: ReturnType<typeof borderStatusSeries>) =>
	series ? dayAt(series, latestCoveredIndex(series)) : null;

export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, BorderStatusQuery);
		const sel = selection(db, query);
		const date =
			query.date && query.date !== 'latest' ? query.date : latestDay(borderStatusSeries(db));
		if (!date) throw new BadRequest('no border-status data has been ingested yet');
		const countries = borderStatusOn(db, date).filter((c) => selected(sel, c.iso3));
		const body: BorderStatusBody = { date, countries };
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: 'border-status',
			source: 'border-status',
			selection: sel,
			period: date,
			filters: { date },
			rows: countries.map((c) => ({ date, ...c })),
			columns: CSV_COLUMNS.borderStatus,
			body: () => body,
			csvFilename: `border-status-${date}.csv`
		});
	});
}
