import { json } from '@sveltejs/kit';
import { borderStatusRange } from '$lib/server/db/borderStatus';
import { lastSeq } from '$lib/server/db/changeLog';
import { serverContext } from '$lib/server/context';

export function GET() {
	const { db } = serverContext();
	return json({
		ok: true,
		seq: lastSeq(db),
		borderStatus: borderStatusRange(db)
	});
}
