import { json } from '@sveltejs/kit';
import { BorderStatusSeriesQuery, type BorderStatusSeriesBody } from '$lib/domain/apiSchemas';
import { selectSeries } from '$lib/domain/seriesRuns';
import { borderStatusSeries } from '$lib/server/db/borderStatus';
import { lastSeq } from '$lib/server/db/changeLog';
import { serverContext } from '$lib/server/context';
import { selection } from '$lib/server/http/filters';
import { BadRequest, endpoint, parseQuery } from '$lib/server/http/respond';

/**
 * Every country's level runs at once: what the map's timeline scrubs through. `region` and
 * `country` keep some countries; `from`/`to` clip the days (runs re-indexed from `first`).
 */
export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, BorderStatusSeriesQuery);
		const sel = selection(db, query);
		// Read both in one snapshot so `seq` says exactly which changes the series includes.
		const snapshot = db.transaction(() => ({ seq: lastSeq(db), series: borderStatusSeries(db) }))();
		let series = snapshot.series;
		if (series && (sel.members || query.from || query.to)) {
			const all = series;
			series = selectSeries(all, { members: sel.members, from: query.from, to: query.to });
			if (!series)
				throw new BadRequest(`from/to: border-status data covers ${all.first} to ${all.last}`);
		}
		const body: BorderStatusSeriesBody = { seq: snapshot.seq, series };
		return json(body);
	});
}
