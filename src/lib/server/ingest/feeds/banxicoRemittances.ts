/**
 * Banco de México's remittance tables (SIE), as `lapanquecita/remesas` publishes them: UTF-8,
 * CRLF, unquoted except names with commas, long format, Spanish labels, whole US$.
 *
 * - `remesas_mensuales.csv`, Mexico's national series by month:
 *   `PERIODO,ID_FLUJO,FLUJO,OPERACIONES,VALOR_USD` (inflows from 1995-01, outflows from 2013-01);
 * - `remesas_pais.csv`, by partner country and quarter:
 *   `PERIODO,ID_PAIS,PAIS,ID_FLUJO,FLUJO,VALOR_USD` (from 2013Q1; zeros are explicit rows).
 *
 * One feed reads both and tells them apart by their header, so the contract's single feed
 * name serves both files (a FEEDS_CONFIG may poll each URL under it) and a file is never
 * read as the other. `PERIODO` is the first day of the month or quarter; `ID_FLUJO` 1
 * "Ingresos" is money received in Mexico, 2 "Egresos" money sent from it. For the partner
 * table the country is where the money came from (Ingresos) or went to (Egresos).
 */
import { readCsvRecords } from '../csvRecords.ts';
import { ProblemList, quoted } from '../problem.ts';
import type { ParseContext, ParseOutcome } from './oxcgrtC8.ts';
import { resolvePartner, unknownPartner } from './partnerCodes.ts';

/** Whose statistics these are: Banco de México reports Mexico's remittances. */
export const BANXICO_REPORTER = 'MEX';

export type Flow = 'received' | 'paid';

/** Mexico's remittances in one month and direction. */
export interface MonthlyRemittance {
	/** `YYYY-MM`. */
	month: string;
	measure: Flow;
	/** Whole US$. */
	value: number;
	/** The number of transactions. */
	operations: number;
}

/** Money sent from `origin` to `destination` in one quarter; one end is Mexico. */
export interface QuarterlyCorridor {
	/** `YYYYQn`. */
	quarter: string;
	origin: string;
	destination: string;
	/** Whole US$. */
	value: number;
}

export type BanxicoTable =
	| { kind: 'monthly'; months: MonthlyRemittance[] }
	| { kind: 'by-partner'; corridors: QuarterlyCorridor[] }
	/** A refused input. */
	| { kind: null };

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const MONTHLY_COLUMNS = ['PERIODO', 'ID_FLUJO', 'FLUJO', 'OPERACIONES', 'VALOR_USD'];
const PARTNER_COLUMNS = ['PERIODO', 'ID_PAIS', 'PAIS', 'ID_FLUJO', 'FLUJO', 'VALOR_USD'];

/**
 * Which table a header is: exactly the monthly table's columns, or exactly the partner
 * table's, in any order and case. Anything else (a column more or less) is neither: an extra
 * column could carry a meaning this parser would otherwise ignore.
 */
export function banxicoTableKind(header: readonly string[]): 'monthly' | 'by-partner' | null {
	const names = header.map((h) => h.trim().toUpperCase()).sort();
	const same = (columns: string[]) => names.join() === [...columns].sort().join();
	if (same(MONTHLY_COLUMNS)) return 'monthly';
	if (same(PARTNER_COLUMNS)) return 'by-partner';
	return null;
}

const FLOWS: Record<string, { label: string; flow: Flow }> = {
	'1': { label: 'Ingresos', flow: 'received' },
	'2': { label: 'Egresos', flow: 'paid' }
};

/** `ID_FLUJO` and `FLUJO` as a direction; both must agree (1 Ingresos, 2 Egresos). */
export function readFlow(
	id: string,
	label: string
): { ok: true; value: Flow } | { ok: false; field: 'ID_FLUJO' | 'FLUJO'; reason: string } {
	const known = Object.hasOwn(FLOWS, id.trim()) ? FLOWS[id.trim()]! : undefined;
	if (!known) {
		return {
			ok: false,
			field: 'ID_FLUJO',
			reason: `unknown flow ${quoted(id.trim())} (expected 1, Ingresos: received in Mexico, or 2, Egresos: sent from Mexico)`
		};
	}
	if (label.trim().toLowerCase() !== known.label.toLowerCase()) {
		return {
			ok: false,
			field: 'FLUJO',
			reason: `${quoted(label.trim())} does not match ID_FLUJO ${id.trim()} (${known.label})`
		};
	}
	return { ok: true, value: known.flow };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function firstOfMonth(raw: string): Checked<{ year: string; month: number }> {
	const text = raw.trim();
	const m = DATE.exec(text);
	if (!m) return { ok: false, reason: `${quoted(text)} is not a date like 2013-01-01` };
	const [, year, month, day] = m;
	if (Number(year) < 1900 || Number(month) < 1 || Number(month) > 12) {
		return { ok: false, reason: `${quoted(text)} is not a date like 2013-01-01` };
	}
	if (day !== '01') return { ok: false, reason: `${quoted(text)} is not the first day of a month` };
	return { ok: true, value: { year: year!, month: Number(month) } };
}

/** `PERIODO` of the monthly table: the first day of a month, as `YYYY-MM`. */
export function readMonth(raw: string): Checked<string> {
	const date = firstOfMonth(raw);
	if (!date.ok) return date;
	return { ok: true, value: `${date.value.year}-${String(date.value.month).padStart(2, '0')}` };
}

/** `PERIODO` of the partner table: the first day of a quarter, as `YYYYQn`. */
export function readQuarter(raw: string): Checked<string> {
	const date = firstOfMonth(raw);
	if (!date.ok) return date;
	if ((date.value.month - 1) % 3 !== 0) {
		return {
			ok: false,
			reason: `${quoted(raw.trim())} is not the first day of a quarter (-01-01, -04-01, -07-01 or -10-01)`
		};
	}
	return { ok: true, value: `${date.value.year}Q${(date.value.month - 1) / 3 + 1}` };
}

/** A count or an amount: a whole number of 0 or more, as Banxico writes them. */
export function readWholeNumber(raw: string): Checked<number> {
	const text = raw.trim();
	if (text === '') return { ok: false, reason: 'empty (expected a whole number of 0 or more)' };
	if (!/^\d+$/.test(text)) {
		return { ok: false, reason: `${quoted(text)} is not a whole number of 0 or more` };
	}
	const value = Number(text);
	if (!Number.isSafeInteger(value)) return { ok: false, reason: `${quoted(text)} is too large` };
	return { ok: true, value };
}

const FLOW_LABEL: Record<Flow, string> = { received: 'Ingresos', paid: 'Egresos' };

export function parseBanxicoRemittances(
	text: string,
	ctx: ParseContext
): ParseOutcome<BanxicoTable> {
	const problems = new ProblemList(ctx.file);
	const refused: BanxicoTable = { kind: null };
	const records = readCsvRecords(text, problems);
	if (!records) return { value: refused, rowsRead: 0, problems };
	const header = records[0];
	if (!header) {
		problems.add(0, 'header', 'the file is empty');
		return { value: refused, rowsRead: 0, problems };
	}
	const kind = banxicoTableKind(header.record);
	if (!kind) {
		problems.add(
			header.info.lines,
			'header',
			`expected the monthly table's "${MONTHLY_COLUMNS.join(',')}" or the by-country table's "${PARTNER_COLUMNS.join(',')}", found ${quoted(header.record.join(','))}`
		);
		return { value: refused, rowsRead: 0, problems };
	}
	const names = header.record.map((h) => h.trim().toUpperCase());
	const column = (name: string) => names.indexOf(name);
	const rows = records.slice(1);
	if (rows.length === 0) {
		problems.add(header.info.lines, 'header', 'no data rows after the header');
		return { value: refused, rowsRead: 0, problems };
	}

	const at = {
		period: column('PERIODO'),
		flowId: column('ID_FLUJO'),
		flow: column('FLUJO'),
		value: column('VALOR_USD'),
		operations: column('OPERACIONES'),
		code: column('ID_PAIS'),
		name: column('PAIS')
	};
	const months: MonthlyRemittance[] = [];
	const monthLines = new Map<string, number>();
	// Partner values by quarter, flow and partner: a code may come under several names, whose
	// values are added (Banxico lists PSE both as "Cisjordania" and as "Palestina").
	const partners = new Map<
		string,
		{ quarter: string; flow: Flow; partner: string; value: number; names: Map<string, number> }
	>();

	for (const { record, info } of rows) {
		const line = info.lines;
		if (record.length !== names.length) {
			problems.add(
				line,
				'row',
				`expected ${names.length} cells like the header, found ${record.length}`
			);
			continue;
		}
		const flow = readFlow(record[at.flowId]!, record[at.flow]!);
		if (!flow.ok) problems.add(line, flow.field, flow.reason);
		const value = readWholeNumber(record[at.value]!);
		if (!value.ok) problems.add(line, 'VALOR_USD', value.reason);

		if (kind === 'monthly') {
			const month = readMonth(record[at.period]!);
			if (!month.ok) problems.add(line, 'PERIODO', month.reason);
			const operations = readWholeNumber(record[at.operations]!);
			if (!operations.ok) problems.add(line, 'OPERACIONES', operations.reason);
			if (!month.ok || !flow.ok || !value.ok || !operations.ok) continue;
			const key = `${month.value} ${flow.value}`;
			const earlier = monthLines.get(key);
			if (earlier !== undefined) {
				problems.add(
					line,
					'PERIODO',
					`${month.value} ${FLOW_LABEL[flow.value]} already appears on line ${earlier}`
				);
				continue;
			}
			monthLines.set(key, line);
			months.push({
				month: month.value,
				measure: flow.value,
				value: value.value,
				operations: operations.value
			});
			continue;
		}

		const quarter = readQuarter(record[at.period]!);
		if (!quarter.ok) problems.add(line, 'PERIODO', quarter.reason);
		const code = record[at.code]!;
		const name = record[at.name]!.trim();
		const partner = resolvePartner(code, ctx);
		if (!partner) problems.add(line, 'ID_PAIS', unknownPartner(code, name));
		else if (partner === BANXICO_REPORTER) {
			problems.add(line, 'ID_PAIS', `${quoted(code.trim())} is Mexico, which reports these flows`);
		}
		if (!quarter.ok || !flow.ok || !value.ok || !partner || partner === BANXICO_REPORTER) continue;
		const key = `${quarter.value} ${flow.value} ${partner}`;
		const entry = partners.get(key);
		if (!entry) {
			partners.set(key, {
				quarter: quarter.value,
				flow: flow.value,
				partner,
				value: value.value,
				names: new Map([[name, line]])
			});
			continue;
		}
		const earlier = entry.names.get(name);
		if (earlier !== undefined) {
			problems.add(
				line,
				'ID_PAIS',
				`${code.trim()} ${quoted(name)} ${quarter.value} ${FLOW_LABEL[flow.value]} already appears on line ${earlier}`
			);
			continue;
		}
		entry.names.set(name, line);
		entry.value += value.value;
	}

	if (!problems.empty) return { value: refused, rowsRead: rows.length, problems };
	if (kind === 'monthly') return { value: { kind, months }, rowsRead: rows.length, problems };
	const corridors = [...partners.values()].map(
		({ quarter, flow, partner, value }): QuarterlyCorridor =>
			flow === 'received'
				? { quarter, origin: partner, destination: BANXICO_REPORTER, value }
				: { quarter, origin: BANXICO_REPORTER, destination: partner, value }
	);
	return { value: { kind, corridors }, rowsRead: rows.length, problems };
}
