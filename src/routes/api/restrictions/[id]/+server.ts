import { json } from '@sveltejs/kit';
import { createHash } from 'node:crypto';
import { findRestriction } from '$lib/server/db/borderStatus';
import { editorRefusal } from '$lib/server/http/auth';
import { endpoint, jsonError } from '$lib/server/http/respond';
import { restrictionRetractions } from '$lib/server/ingest/feeds/restrictions';
import { commitRun } from '$lib/server/ingest/run';
import { serverContext } from '$lib/server/context';

/** One restriction by id. */
export function GET({ params }) {
	const { db } = serverContext();
	const id = parseId(params.id);
	if (id === null) return jsonError(400, `id: expected a restriction id (a positive integer)`);
	const restriction = findRestriction(db, id);
	return restriction ? json({ restriction }) : jsonError(404, `no restriction with id ${id}`);
}

/**
 * An editor retracts a restriction: one commit whose changes say what readers see now over
 * the days it held (feed values again, or the previous restriction holding on).
 */
export function DELETE({ params, request }) {
	return endpoint(() => {
		const ctx = serverContext();
		const refusal = editorRefusal(request, ctx.config.adminToken);
		if (refusal) return refusal;
		const id = parseId(params.id);
		if (id === null) return jsonError(400, `id: expected a restriction id (a positive integer)`);
		const restriction = findRestriction(ctx.db, id);
		if (!restriction) return jsonError(404, `no restriction with id ${id}`);
		const summary = commitRun(ctx.db, restrictionRetractions, [restriction], {
			source: 'api',
			sha256: createHash('sha256').update(`retract ${id}`).digest('hex'),
			rowsRead: 1
		});
		ctx.live?.poke();
		// Two editors retracting at once: the second finds nothing left to remove.
		if (summary.rowsChanged === 0) return jsonError(404, `no restriction with id ${id}`);
		return json({ seq: summary.seq, retracted: restriction });
	});
}

function parseId(raw: string): number | null {
	return /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : null;
}
