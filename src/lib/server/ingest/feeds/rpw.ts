/**
 * Remittance Prices Worldwide (World Bank DataBank export, "Remittance Prices Worldwide
 * (Corridors)"): one row per sending → receiving corridor, one column per quarter, series
 * ATCR.CORR "Average Total Cost to remit in corridor", the % of a ~US$200 transfer.
 *
 * The export's quirks: a BOM; LF; names with commas quoted ("Korea, Rep."); a double space in
 * the "Receiving Countries  …" headers; quarter columns labelled `2011Q1 [YR2011Q1]`, irregular
 * (2011–2012 only Q1 and Q3); missing as `..`; codes `KSV` (Kosovo, our XKX) and `ANT`
 * (Netherlands Antilles); and after the table blank lines and two footer lines ("Data from
 * database: …", "Last Updated: …"), all padded with commas to the full column count. The
 * trailer is recognised for what it is: once it starts only blank and footer lines may follow,
 * so a data row after it, or a damaged row in the table, is a problem, never skipped.
 *
 * Costs can be negative (a favourable exchange rate outweighing the fees: SAU → SDN in 2017Q4
 * is -11.36); a value beyond ±100 % is refused as not a cost.
 */
import { readCsvTable } from '../csvRecords.ts';
import { ProblemList, quoted } from '../problem.ts';
import type { ParseContext, ParseOutcome } from './oxcgrtC8.ts';
import { resolvePartner, unknownPartner } from './partnerCodes.ts';
import { fieldName } from './wbIndicator.ts';

export const RPW_SERIES = 'ATCR.CORR';

export interface CorridorCost {
	/** Our ISO3 (or a known non-country code such as ANT). */
	sending: string;
	receiving: string;
	/** `YYYYQn`. */
	quarter: string;
	/** % of the amount sent; null: `..` in the input (a stored value is removed). */
	percent: number | null;
}

export interface RpwTable {
	quarters: string[];
	costs: CorridorCost[];
}

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const normalise = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, '');

/** `2011Q1 [YR2011Q1]` (or a bare `2011Q1`) as `2011Q1`; the two spellings must agree. */
export function readQuarterHeader(raw: string): Checked<string> {
	const text = raw.trim();
	const m = /^(\d{4})Q([1-4])(?:\s*\[YR(\d{4})Q([1-4])\])?$/.exec(text);
	if (!m) return { ok: false, reason: `${quoted(text)} is not a quarter like "2011Q1 [YR2011Q1]"` };
	if (m[3] !== undefined && (m[3] !== m[1] || m[4] !== m[2])) {
		return { ok: false, reason: `${quoted(text)} names two different quarters` };
	}
	return { ok: true, value: `${m[1]}Q${m[2]}` };
}

/** A cost cell: `..` (or empty) is missing; otherwise a percentage within ±100. */
export function readCostPercent(raw: string): Checked<number | null> {
	const text = raw.trim();
	if (text === '..' || text === '') return { ok: true, value: null };
	if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) {
		return { ok: false, reason: `${quoted(text)} is not a number (missing values are "..")` };
	}
	const value = Number(text) + 0; // + 0 turns -0 into 0
	if (!Number.isFinite(value) || Math.abs(value) > 100) {
		return {
			ok: false,
			reason: `${quoted(text)} is not a cost in % of the amount sent (-100 to 100)`
		};
	}
	return { ok: true, value };
}

/** The footer lines DataBank writes under the table. */
const FOOTER = /^(data from database|last updated)\s*:/i;

/** What a record under the header is: a corridor, or part of the trailer. */
export function rpwRowKind(record: readonly string[]): 'data' | 'blank' | 'footer' {
	const rest = record.slice(1).every((c) => c.trim() === '');
	if (!rest) return 'data';
	const first = (record[0] ?? '').trim();
	if (first === '') return 'blank';
	return FOOTER.test(first) ? 'footer' : 'data';
}

const REQUIRED = {
	sendingCode: 'sendingcountriescode',
	sendingName: 'sendingcountriesname',
	seriesCode: 'seriescode',
	seriesName: 'seriesname',
	receivingCode: 'receivingcountriescode',
	receivingName: 'receivingcountriesname'
} as const;

export function parseRpw(text: string, ctx: ParseContext): ParseOutcome<RpwTable> {
	const problems = new ProblemList(ctx.file);
	const table: RpwTable = { quarters: [], costs: [] };
	const read = readCsvTable(text, problems);
	if (!read) return { value: table, rowsRead: 0, problems };
	const { header } = read;
	const headerLine = header.info.lines;
	const cells = header.record;
	const names = cells.map(normalise);
	const at = Object.fromEntries(
		Object.entries(REQUIRED).map(([key, name]) => [key, names.indexOf(name)])
	) as Record<keyof typeof REQUIRED, number>;
	for (const [key, index] of Object.entries(at)) {
		if (index < 0) {
			const label = REQUIRED[key as keyof typeof REQUIRED];
			problems.add(
				headerLine,
				'header',
				`no ${quoted(label)} column (expected the RPW corridors export)`
			);
		}
	}
	const known = new Set<number>(Object.values(at));
	const quarterColumns: { index: number; quarter: string }[] = [];
	const seen = new Set<string>();
	cells.forEach((cell, index) => {
		if (known.has(index)) return;
		const quarter = readQuarterHeader(cell);
		const field = `column ${index + 1}`;
		if (!quarter.ok) problems.add(headerLine, field, quarter.reason);
		else if (seen.has(quarter.value)) {
			problems.add(headerLine, field, `quarter ${quarter.value} appears twice`);
		} else {
			seen.add(quarter.value);
			quarterColumns.push({ index, quarter: quarter.value });
		}
	});
	if (problems.empty && quarterColumns.length === 0) {
		problems.add(
			headerLine,
			'header',
			'no quarter columns (expected headers like "2011Q1 [YR2011Q1]")'
		);
	}
	if (!problems.empty) return { value: table, rowsRead: 0, problems };

	const field = (index: number) => fieldName(cells[index]!);
	const pairs = new Map<string, number>();
	let trailerFrom: number | null = null;
	let rowsRead = 0;
	for (const { record, info } of read.body) {
		const line = info.lines;
		const kind = rpwRowKind(record);
		if (kind !== 'data') {
			trailerFrom ??= line;
			continue;
		}
		rowsRead++;
		if (trailerFrom !== null) {
			problems.add(
				line,
				'row',
				`a corridor after the table's end (the blank or footer line ${trailerFrom}); only blank lines and the "Data from database:" and "Last Updated:" footers may follow the table`
			);
			continue;
		}
		if (record.length !== cells.length) {
			problems.add(
				line,
				'row',
				`expected ${cells.length} cells like the header, found ${record.length}`
			);
			continue;
		}
		const series = record[at.seriesCode]!.trim();
		if (series !== RPW_SERIES) {
			problems.add(
				line,
				field(at.seriesCode),
				`unsupported series ${quoted(series)} (expected ${RPW_SERIES}, Average Total Cost to remit in corridor)`
			);
		}
		const sending = resolvePartner(record[at.sendingCode]!, ctx);
		if (!sending) {
			problems.add(
				line,
				field(at.sendingCode),
				unknownPartner(record[at.sendingCode]!, record[at.sendingName]!)
			);
		}
		const receiving = resolvePartner(record[at.receivingCode]!, ctx);
		if (!receiving) {
			problems.add(
				line,
				field(at.receivingCode),
				unknownPartner(record[at.receivingCode]!, record[at.receivingName]!)
			);
		}
		const costs: CorridorCost[] = [];
		for (const { index, quarter } of quarterColumns) {
			const percent = readCostPercent(record[index]!);
			if (!percent.ok) problems.add(line, field(index), percent.reason);
			else if (sending && receiving) {
				costs.push({ sending, receiving, quarter, percent: percent.value });
			}
		}
		if (!sending || !receiving || series !== RPW_SERIES) continue;
		const pair = `${sending} ${receiving}`;
		const earlier = pairs.get(pair);
		if (earlier !== undefined) {
			problems.add(
				line,
				field(at.receivingCode),
				`the corridor ${sending} → ${receiving} already appears on line ${earlier}`
			);
			continue;
		}
		pairs.set(pair, line);
		table.costs.push(...costs);
	}
	if (problems.empty && rowsRead === 0) {
		problems.add(headerLine, 'header', 'no corridor rows after the header');
	}
	table.quarters = quarterColumns.map((q) => q.quarter);
	if (!problems.empty) return { value: { quarters: [], costs: [] }, rowsRead, problems };
	return { value: table, rowsRead, problems };
}
