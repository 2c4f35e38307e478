import { json } from '@sveltejs/kit';
import { createHash } from 'node:crypto';
import { countryResolver } from '$lib/server/db/countries';
import { hasBearerToken } from '$lib/server/http/auth';
import { restrictionsFeed, validateRestriction } from '$lib/server/ingest/feeds/restrictions';
import { commitRun } from '$lib/server/ingest/run';
import { serverContext } from '$lib/server/context';

/** An editor records a restriction: `{ iso3, effective_from, level, note?, source_url? }`. */
export async function POST({ request }) {
	const ctx = serverContext();
	const token = ctx.config.adminToken;
	if (!token) {
		return json({ error: 'writes are disabled: the server has no ADMIN_TOKEN' }, { status: 403 });
	}
	if (!hasBearerToken(request, token)) {
		return json(
			{ error: 'a valid Authorization: Bearer token is required' },
			{ status: 401, headers: { 'www-authenticate': 'Bearer realm="crossings"' } }
		);
	}
	if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) {
		return json({ error: 'expected Content-Type: application/json' }, { status: 415 });
	}
	const text = await request.text();
	if (text.length > 16_384) return json({ error: 'body too large' }, { status: 413 });
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return json({ error: 'body: not valid JSON' }, { status: 400 });
	}
	const result = validateRestriction(body, countryResolver(ctx.db));
	if ('problems' in result) {
		return json(
			{
				error: result.problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
				problems: result.problems
			},
			{ status: 400 }
		);
	}
	const summary = commitRun(ctx.db, restrictionsFeed, [result.value], {
		source: 'api',
		sha256: createHash('sha256').update(text).digest('hex'),
		rowsRead: 1
	});
	ctx.live?.poke();
	const changed = summary.rowsChanged > 0;
	return json(
		{ seq: summary.seq, changed, restriction: result.value },
		{ status: changed ? 201 : 200 }
	);
}
