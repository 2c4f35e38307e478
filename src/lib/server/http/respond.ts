import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { isIsoDay } from '../../domain/date.ts';

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

/** Runs an endpoint body, turning a BadRequest into its 400 response. */
export function endpoint(body: () => Response): Response {
	try {
		return body();
	} catch (err) {
		if (err instanceof BadRequest) return err.toResponse();
		throw err;
	}
}

const csvCell = (value: unknown): string => {
	if (value === null || value === undefined) return '';
	const s = String(value);
	return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv<T extends object>(rows: readonly T[], columns: readonly (keyof T)[]): string {
	const lines = [columns.join(',')];
	for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
	return `${lines.join('\r\n')}\r\n`;
}

export function csvResponse(body: string, filename: string): Response {
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filename}"`
		}
	});
}

export const formatParam = z.enum(['json', 'csv']).default('json');

export const isoDayParam = z.string().refine(isIsoDay, 'expected a calendar date as YYYY-MM-DD');
