import { json } from '@sveltejs/kit';
import { borderStatusSeries } from '$lib/server/db/borderStatus';
import { lastSeq } from '$lib/server/db/changeLog';
import { serverContext } from '$lib/server/context';

/** Every country's level runs at once: what the map's timeline scrubs through. */
export function GET() {
	const { db } = serverContext();
	// Read both in one snapshot so `seq` says exactly which changes the series includes.
	const snapshot = db.transaction(() => ({ seq: lastSeq(db), series: borderStatusSeries(db) }));
	return json(snapshot());
}
