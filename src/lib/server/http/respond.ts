import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { DatabaseFileGoneError } from '../db/open.ts';

export function badRequest(message: string, extra: Record<string, unknown> = {}): Response {
	return json({ error: message, ...extra }, { status: 400 });
}

export function notFound(message: string): Response {
	return json({ error: message }, { status: 404 });
}

export function unknownCountry(code: string): Response {
	return notFound(`unknown country "${code}" (expected an ISO 3166 alpha-3 code)`);
}

/** A 400 response carrying the first validation message of each bad parameter. */
export class BadRequest extends Error {
	constructor(
		message: string,
		readonly extra: Record<string, unknown> = {}
	) {
		super(message);
	}
	toResponse(): Response {
		return badRequest(this.message, this.extra);
	}
}

/** Validates query parameters at the boundary; unknown parameters are ignored. */
export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.infer<S> {
	const raw: Record<string, string> = {};
	for (const [key, value] of url.searchParams) raw[key] = value;
	const result = schema.safeParse(raw);
	if (!result.success) {
		const issue = result.error.issues[0]!;
		const where = issue.path.join('.') || 'query';
		throw new BadRequest(`${where}: ${issue.message}`);
	}
	return result.data;
}

/**
 * The answer an endpoint's error stands for: a BadRequest its 400, a thrown Response itself,
 * a write to a removed database file a 503. Anything else is unexpected and rethrown.
 */
function errorResponse(err: unknown): Response {
	if (err instanceof BadRequest) return err.toResponse();
	if (err instanceof Response) return err;
	if (err instanceof DatabaseFileGoneError) return jsonError(503, err.message);
	throw err;
}

/** Runs an endpoint body (synchronous or not), turning its expected errors into answers. */
export function endpoint(body: () => Response): Response;
export function endpoint(body: () => Promise<Response>): Promise<Response>;
export function endpoint(body: () => Response | Promise<Response>): Response | Promise<Response> {
	try {
		const response = body();
		return response instanceof Promise ? response.catch(errorResponse) : response;
	} catch (err) {
		return errorResponse(err);
	}
}

// CSV is written by one module for the server and the browser alike.
export { csvCell, toCsv } from '../../domain/csv.ts';

export function csvResponse(body: string, filename: string): Response {
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filename}"`
		}
	});
}

export { formatParam, isoDayParam } from '../../domain/apiSchemas.ts';

/** An error answer with its status, as JSON. */
export function jsonError(status: number, message: string, headers: HeadersInit = {}): Response {
	return json({ error: message }, { status, headers });
}

/**
 * The JSON body of a write: `Content-Type: application/json` (a charset parameter allowed,
 * nothing else: not json-patch, not text/plain), at most `maxBytes` (checked on the declared
 * length and again while reading), parsed. Throws a Response to send as it is.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i.test(type)) {
		throw jsonError(415, 'expected Content-Type: application/json');
	}
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (declared > maxBytes) throw jsonError(413, `body larger than ${maxBytes} bytes`);
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		const reader = request.body?.getReader();
		for (;;) {
			const chunk = await reader?.read();
			if (!chunk || chunk.done) break;
			size += chunk.value.byteLength;
			if (size > maxBytes) {
				await reader!.cancel();
				throw jsonError(413, `body larger than ${maxBytes} bytes`);
			}
			chunks.push(chunk.value);
		}
	} catch (err) {
		if (err instanceof Response) throw err;
		// The client went away or the server's own body limit cut the stream.
		const status = (err as { status?: number }).status;
		throw jsonError(status === 413 ? 413 : 400, 'body: could not be read');
	}
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
	} catch {
		throw jsonError(400, 'body: not valid UTF-8');
	}
	try {
		return JSON.parse(text);
	} catch {
		throw jsonError(400, 'body: not valid JSON');
	}
}
