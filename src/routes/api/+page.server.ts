import { version } from '$app/environment';
import { openApiDocument } from '$lib/server/api/openapi';

export interface ApiParameter {
	name: string;
	in: string;
	type: string;
	required: boolean;
	description: string;
	example: string;
}

export interface ApiOperation {
	method: string;
	path: string;
	summary: string;
	description: string;
	parameters: ApiParameter[];
	example: string;
	auth: boolean;
}

interface SchemaLike {
	type?: string | string[];
	enum?: unknown[];
	anyOf?: SchemaLike[];
	default?: unknown;
	example?: unknown;
	description?: string;
}

function typeOf(schema: SchemaLike | undefined): string {
	if (!schema) return '';
	if (schema.enum) return schema.enum.map(String).join(' | ');
	if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(' | ');
	return Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? '');
}

/** The OpenAPI document, flattened for a readable page. */
export function load() {
	const doc = openApiDocument(version);
	const operations: ApiOperation[] = [];
	for (const [path, item] of Object.entries(doc.paths ?? {})) {
		for (const method of ['get', 'post', 'delete'] as const) {
			const op = (item as Record<string, unknown>)[method] as
				| {
						summary?: string;
						description?: string;
						parameters?: {
							name: string;
							in: string;
							required?: boolean;
							description?: string;
							schema?: SchemaLike;
						}[];
						security?: unknown[];
						'x-example'?: string;
				  }
				| undefined;
			if (!op) continue;
			operations.push({
				method: method.toUpperCase(),
				path,
				summary: op.summary ?? '',
				description: op.description ?? '',
				parameters: (op.parameters ?? []).map((p) => ({
					name: p.name,
					in: p.in,
					type: typeOf(p.schema),
					required: p.required ?? false,
					description: p.description ?? p.schema?.description ?? '',
					example:
						p.schema?.example === undefined
							? p.schema?.default === undefined
								? ''
								: String(p.schema.default)
							: String(p.schema.example)
				})),
				example: op['x-example'] ?? path,
				auth: (op.security ?? []).length > 0
			});
		}
	}
	return { title: doc.info.title, description: doc.info.description ?? '', operations };
}

/** A reference page: server-rendered HTML, no client-side app. */
export const csr = false;
