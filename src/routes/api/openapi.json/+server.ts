import { json } from '@sveltejs/kit';
import { version } from '$app/environment';
import { openApiDocument } from '$lib/server/api/openapi';

export function GET() {
	return json(openApiDocument(version));
}
