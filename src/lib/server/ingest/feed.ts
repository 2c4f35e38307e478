import type { Db } from '../db/open.ts';
import type { DownloadOptions, DownloadResult } from './download.ts';
import type { ParseContext, ParseOutcome } from './feeds/oxcgrtC8.ts';

export type { ParseContext, ParseOutcome };

/** What a feed's `apply` may do inside the run's transaction. */
export interface ApplyContext {
	db: Db;
	runId: number;
	/**
	 * Appends one change_log row; call once per value that really changed. `period` is a day,
	 * a year ("2019") or an interval ("2021-05-01/.."); `partner` is a corridor's other end.
	 */
	recordChange(
		layer: string,
		iso3: string,
		period: string,
		old: number | null,
		next: number | null,
		detail?: {
			note?: string | null;
			sourceUrl?: string | null;
			partner?: string | null;
			/** Which remittance measure a `remittances` change is ('received' or 'paid'). */
			measure?: string | null;
		}
	): void;
}

/**
 * A feed is a pure parser plus a writer. Parsing happens before the transaction (and may
 * refuse the input); applying happens inside it and must be synchronous.
 */
export interface Feed<T> {
	name: string;
	description: string;
	/**
	 * Set by feeds whose input is binary (an .xlsx workbook): sources are read as bytes and
	 * `parse` gets a Uint8Array (or, from a caller that only had text, a string to refuse).
	 */
	binary?: true;
	/**
	 * How a `--url` or a scheduled poll fetches this feed; default `downloadFeed`, one GET.
	 * The World Bank API answers in pages: its feed reads every page (`downloadWorldBankApi`).
	 */
	download?: (url: string, options: DownloadOptions) => Promise<DownloadResult>;
	/**
	 * Set by feeds whose input is one dated snapshot (passport-index): the CLI's `--date` gives
	 * the date (ParseContext.snapshotDate), else the feed reads it from the source's folder.
	 */
	datedSnapshots?: true;
	/** `input` is UTF-8 text for text feeds, bytes for binary ones (see `binary`). */
	parse(input: string | Uint8Array, ctx: ParseContext): ParseOutcome<T>;
	apply(ctx: ApplyContext, value: T): void;
}
