import { json } from '@sveltejs/kit';
import { borderStatusRange } from '$lib/server/db/borderStatus';
import { lastSeq } from '$lib/server/db/changeLog';
import { databaseFileProblem } from '$lib/server/db/open';
import { serverContext } from '$lib/server/context';

/** For load balancers and monitors: 503 whenever this server cannot keep what it is given. */
export function GET() {
	const { db, config } = serverContext();
	const problem = databaseFileProblem(db);
	if (problem) return json({ ok: false, error: problem, seq: lastSeq(db) }, { status: 503 });
	return json({
		ok: true,
		seq: lastSeq(db),
		role: config.role,
		borderStatus: borderStatusRange(db)
	});
}
