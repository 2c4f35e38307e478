/**
 * GDP in current US$ (WDI NY.GDP.MKTP.CD) as the long CSV `Country Name,Country Code,Year,Value`
 * of the datahub.io `datasets/gdp` package: one row per economy or aggregate and year, names
 * with commas quoted, floats of any precision, a year without a value simply absent (an empty
 * or `..` value is read as "no value that year" and removes a stored one).
 *
 * Economies go to `gdp`, with one change_log row (layer `gdp`) per changed value, since GDP is
 * the denominator of remittances as a share of GDP; aggregates go to `aggregate_value`.
 */
import { readCsvRecords } from '../csvRecords.ts';
import type { Feed } from '../feed.ts';
import { ProblemList } from '../problem.ts';
import type { ParseContext, ParseOutcome } from './oxcgrtC8.ts';
import {
	classifyCode,
	fieldName,
	GDP_INDICATOR,
	readAmount,
	readYear,
	unknownCode,
	type WbIndicatorData
} from './wbIndicator.ts';
import { applyIndicatorValues } from './wbIndicatorFeed.ts';

const normaliseHeader = (h: string) => h.toLowerCase().replace(/[^a-z]/g, '');

export function parseGdp(text: string, ctx: ParseContext): ParseOutcome<WbIndicatorData> {
	const problems = new ProblemList(ctx.file);
	const value: WbIndicatorData = { indicator: GDP_INDICATOR, points: [] };
	const refused = (rowsRead: number) => ({
		value: { indicator: null, points: [] },
		rowsRead,
		problems
	});
	const records = readCsvRecords(text, problems);
	if (!records) return refused(0);
	const header = records[0];
	if (!header) {
		problems.add(0, 'header', 'the file is empty');
		return refused(0);
	}
	const headerLine = header.info.lines;
	const cells = header.record;
	const names = cells.map(normaliseHeader);
	const column = (name: string, label: string) => {
		const index = names.indexOf(name);
		if (index < 0) {
			problems.add(
				headerLine,
				'header',
				`no "${label}" column (expected Country Name,Country Code,Year,Value)`
			);
		}
		return index;
	};
	const codeColumn = column('countrycode', 'Country Code');
	const yearColumn = column('year', 'Year');
	const valueColumn = column('value', 'Value');
	const rows = records.slice(1);
	if (!problems.empty) return refused(rows.length);
	if (rows.length === 0) {
		problems.add(headerLine, 'header', 'no data rows after the header');
		return refused(0);
	}

	const [codeName, yearName, valueName] = [codeColumn, yearColumn, valueColumn].map((i) =>
		fieldName(cells[i]!)
	) as [string, string, string];
	const seen = new Map<string, number>();
	for (const { record, info } of rows) {
		const line = info.lines;
		if (record.length !== cells.length) {
			problems.add(
				line,
				'row',
				`expected ${cells.length} cells like the header, found ${record.length}`
			);
			continue;
		}
		const raw = record[codeColumn]!;
		const target = classifyCode(raw, ctx);
		if (!target) problems.add(line, codeName, unknownCode(raw));
		const year = readYear(record[yearColumn]!);
		if (!year.ok) problems.add(line, yearName, year.reason);
		const amount = readAmount(record[valueColumn]!);
		if (!amount.ok) problems.add(line, valueName, amount.reason);
		if (!target || !year.ok || !amount.ok) continue;

		const key = `${target.aggregate ? 'aggregate' : 'economy'}:${target.code}:${year.value}`;
		const earlier = seen.get(key);
		if (earlier !== undefined) {
			problems.add(
				line,
				yearName,
				`${raw.trim()} ${year.value} already appears on line ${earlier}`
			);
			continue;
		}
		seen.set(key, line);
		value.points.push({ ...target, year: year.value, value: amount.value });
	}
	if (!problems.empty) return refused(rows.length);
	return { value, rowsRead: rows.length, problems };
}

export const gdpFeed: Feed<WbIndicatorData> = {
	name: 'gdp',
	description:
		'GDP in current US$ (WDI NY.GDP.MKTP.CD), long CSV Country Name,Country Code,Year,Value',
	parse: parseGdp,
	apply(ctx, data) {
		applyIndicatorValues(ctx, GDP_INDICATOR, data.points);
	}
};
