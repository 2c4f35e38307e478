import { ChangesQuery, CSV_COLUMNS, type ChangesBody } from '$lib/domain/apiSchemas';
import { filteredChangesAfter, filteredLatestChanges } from '$lib/server/db/changeLog';
import { serverContext } from '$lib/server/context';
import { collectionResponse } from '$lib/server/http/exports';
import { selection } from '$lib/server/http/filters';
import { endpoint, parseQuery } from '$lib/server/http/respond';

export function GET({ url }) {
	return endpoint(() => {
		const query = parseQuery(url, ChangesQuery);
		const { db } = serverContext();
		const sel = selection(db, query);
		const filter = {
			members: sel.members,
			from: query.from,
			to: query.to,
			direction: query.direction,
			layer: query.layer,
			levelOnly: query.kind === 'level'
		};
		const changes = query.latest
			? filteredLatestChanges(db, query.latest, filter)
			: filteredChangesAfter(db, query.after, query.limit, filter);
		const body: ChangesBody = { changes };
		const period = query.from || query.to ? `${query.from ?? ''}-to-${query.to ?? ''}` : null;
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: 'changes',
			source: {
				title: 'Change log',
				source: "Crossings change log of the feeds it ingests (see each change's source).",
				licence: 'as the source of each change'
			},
			selection: sel,
			period,
			filters: {
				after: query.latest ? undefined : query.after,
				latest: query.latest,
				kind: query.kind,
				layer: query.layer,
				direction: query.direction,
				from: query.from,
				to: query.to
			},
			rows: changes,
			columns: CSV_COLUMNS.changes,
			body: () => body,
			csvFilename: 'changes.csv'
		});
	});
}
