import { json } from '@sveltejs/kit';
import { csvDocument, exportFilename, exportMeta, jsonDocument, toCsv } from '../../domain/csv.ts';
import { SOURCES, type DataSource } from '../../domain/sources.ts';
import { lastSeq } from '../db/changeLog.ts';
import type { Db } from '../db/open.ts';
import type { Selection } from './filters.ts';
import { csvResponse } from './respond.ts';

export interface Collection<T extends object> {
	db: Db;
	format: 'json' | 'csv';
	/** `download=1`: an export document with its metadata, as an attachment named by content. */
	download: boolean;
	/** The dataset's name in file names: `border-status`, `remittances-received` … */
	dataset: string;
	source: Pick<DataSource, 'title' | 'source' | 'licence'> | keyof typeof SOURCES;
	/** Title of the export (default: the source's). */
	title?: string;
	selection?: Selection;
	/** A day, a year or a range the rows are of, for the file name. */
	period?: string | null;
	/** Further filters to record in the metadata. */
	filters?: Record<string, string | number | null | undefined>;
	rows: readonly T[];
	columns: readonly (keyof T)[];
	/** The plain JSON body (without download=1). */
	body: () => unknown;
	/** The name of the plain CSV's attachment, as before download=1 existed. */
	csvFilename: string;
}

/**
 * One collection answered as JSON, CSV, or (download=1) an export document in either form:
 * the CSV rows and the document's rows are the same objects.
 */
export function collectionResponse<T extends object>(c: Collection<T>): Response {
	if (!c.download) {
		return c.format === 'csv'
			? csvResponse(toCsv(c.rows, c.columns), c.csvFilename)
			: json(c.body());
	}
	const source = typeof c.source === 'string' ? SOURCES[c.source] : c.source;
	const sel = c.selection;
	const meta = exportMeta({
		title: c.title ?? source.title,
		source: source.source,
		licence: source.licence,
		dataVersion: lastSeq(c.db),
		filters: {
			region: sel?.region,
			country: sel?.countries.join('~'),
			...c.filters
		}
	});
	const filename = exportFilename(
		c.dataset,
		{ region: sel?.region, countries: sel?.countries, period: c.period },
		c.format
	);
	const disposition = `attachment; filename="${filename}"`;
	if (c.format === 'csv') {
		return new Response(csvDocument(meta, c.rows, c.columns), {
			headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition }
		});
	}
	return json(jsonDocument(meta, c.rows), { headers: { 'content-disposition': disposition } });
}
