import {
	BorderStatusCountsQuery,
	CSV_COLUMNS,
	type BorderStatusCountsBody
} from '$lib/domain/apiSchemas';
import { levelCountsByDay } from '$lib/domain/levelCounts';
import { selectSeries } from '$lib/domain/seriesRuns';
import { borderStatusSeries } from '$lib/server/db/borderStatus';
import { serverContext } from '$lib/server/context';
import { collectionResponse } from '$lib/server/http/exports';
import { selection } from '$lib/server/http/filters';
import { BadRequest, endpoint, parseQuery } from '$lib/server/http/respond';

/** Per day, how many of the selected countries were at each level (and how many had no data). */
export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, BorderStatusCountsQuery);
		const sel = selection(db, query);
		const all = borderStatusSeries(db);
		if (!all) throw new BadRequest('no border-status data has been ingested yet');
		const series = selectSeries(all, { from: query.from, to: query.to });
		if (!series)
			throw new BadRequest(`from/to: border-status data covers ${all.first} to ${all.last}`);
		// Without a filter: every country with border-status data on any day (not only in the range).
		const members = sel.members ?? new Set(Object.keys(all.runs));
		const days = levelCountsByDay(series, members);
		const body: BorderStatusCountsBody = {
			first: series.first,
			last: series.last,
			members: members.size,
			days
		};
		const period = query.from || query.to ? `${series.first}-to-${series.last}` : null;
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: 'border-status-counts',
			source: 'border-status',
			title: 'Countries by border-status level, per day',
			selection: sel,
			period,
			filters: { from: query.from, to: query.to },
			rows: days.map((d) => ({
				day: d.day,
				level0: d.counts[0],
				level1: d.counts[1],
				level2: d.counts[2],
				level3: d.counts[3],
				level4: d.counts[4],
				noData: d.noData
			})),
			columns: CSV_COLUMNS.borderStatusCounts,
			body: () => body,
			csvFilename: 'border-status-counts.csv'
		});
	});
}
