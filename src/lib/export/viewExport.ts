/**
 * Exports of exactly what a view shows: the filter, the day or year, the selection and the
 * tab decide the rows; the file names itself by its content and carries its source, licence,
 * data version and retrieval time.
 */
import { BORDER_STATUS_TABLE_COLUMNS } from '../domain/analysis.ts';
import { levelInfo } from '../domain/borderStatus.ts';
import { addDays } from '../domain/date.ts';
import {
	csvDocument,
	exportFilename,
	exportMeta,
	jsonDocument,
	type ExportMeta
} from '../domain/csv.ts';
import { MEASURE_INFO } from '../domain/remittances.ts';
import { combinedSource, SOURCES } from '../domain/sources.ts';
import { sortRows } from '../table/tableColumns.ts';
import type { CrossingsView } from '../view/crossingsView.svelte.ts';

export interface ViewExport {
	/** File name without extension. */
	name: string;
	meta: ExportMeta;
	columns: readonly string[];
	rows: Record<string, unknown>[];
}

/** The rows the current view shows, with what to call them. */
export function viewExport(view: CrossingsView, retrievedAt = new Date()): ViewExport {
	const filters = {
		region: view.regionName,
		country: view.selection,
		date: view.layer === 'remittances' && view.tab === 'map' ? undefined : view.day,
		year: view.layer === 'remittances' && view.tab === 'map' ? view.year : undefined,
		measure: view.layer === 'remittances' && view.tab === 'map' ? view.measure : undefined,
		tab: view.tab
	};
	const meta = (title: string, credit: { source: string; licence: string }) =>
		exportMeta({ title, ...credit, dataVersion: view.seq, retrievedAt, filters });
	const named = (dataset: string, period: string, countries: readonly string[] = []) =>
		exportFilename(dataset, { region: view.regionName, countries, period }, 'csv').slice(0, -4);

	if (view.tab === 'chart' && view.series) {
		// One row per day: the stacked chart's counts, then each selected country's level.
		const selected = view.selection;
		const levelsOf = new Map(
			view.histories.map((h) => {
				const byDay = new Map<string, number | null>();
				for (const run of h.runs) {
					for (let d = run.from; d <= run.to; d = addDays(d, 1)) byDay.set(d, run.level);
				}
				return [h.iso3, byDay];
			})
		);
		const rows = view.countsByDay.map((d) => ({
			day: d.day,
			level0: d.counts[0],
			level1: d.counts[1],
			level2: d.counts[2],
			level3: d.counts[3],
			level4: d.counts[4],
			noData: d.noData,
			...Object.fromEntries(selected.map((iso3) => [iso3, levelsOf.get(iso3)?.get(d.day) ?? null]))
		}));
		return {
			name: named(
				'border-status-over-time',
				`${view.series.first}-to-${view.series.last}`,
				selected
			),
			meta: meta(
				'Countries by level of international travel controls, per day',
				combinedSource('border-status')
			),
			columns: ['day', 'level0', 'level1', 'level2', 'level3', 'level4', 'noData', ...selected],
			rows
		};
	}

	if (view.tab === 'table' || view.layer === 'border-status') {
		return {
			name: named('border-status', view.day),
			meta: meta(
				`International travel controls on ${view.day}, with remittances received`,
				combinedSource('border-status', 'remittances')
			),
			columns: BORDER_STATUS_TABLE_COLUMNS,
			rows: sortRows(view.tableRows, view.tableSort) as unknown as Record<string, unknown>[]
		};
	}

	if (view.layer === 'remittances') {
		const values = view.remittanceValues;
		const rows = view.countries
			.filter((c) => view.isMember(c.iso3) && values?.values.has(c.iso3))
			.map((c) => ({
				iso3: c.iso3,
				name: c.name,
				year: values!.year,
				measure: values!.measure,
				unit: MEASURE_INFO[values!.measure].unit,
				value: values!.values.get(c.iso3)!
			}));
		return {
			name: named(`remittances-${view.measure.replace('_', '-')}`, String(view.year)),
			meta: meta(
				`${MEASURE_INFO[view.measure].label} in ${view.year}`,
				combinedSource('remittances')
			),
			columns: ['iso3', 'name', 'year', 'measure', 'unit', 'value'],
			rows
		};
	}

	// Corridors of the focus country, each partner with its level on the day shown.
	const focus = view.focusCountry;
	const rows = view.partners.map((p) => ({
		from: p.from,
		to: p.to,
		value: p.value,
		year: view.corridorData?.year ?? null,
		partner: p.partner,
		partnerName: view.countriesByIso3.get(p.partner)?.name ?? p.partner,
		partnerLevel: p.level,
		partnerLevelLabel: levelInfo(p.level)?.label ?? null
	}));
	return {
		name: named(`corridors-${view.direction}`, view.day, focus ? [focus.iso3] : []),
		meta: meta(
			`Remittance corridors ${view.direction === 'in' ? 'into' : 'out of'} ${focus?.name ?? '(no country selected)'}`,
			{
				source: `${SOURCES.corridors.source} ${SOURCES['border-status'].source}`,
				licence: SOURCES.corridors.licence
			}
		),
		columns: [
			'from',
			'to',
			'value',
			'year',
			'partner',
			'partnerName',
			'partnerLevel',
			'partnerLevelLabel'
		],
		rows
	};
}

export function exportCsv(e: ViewExport): string {
	return csvDocument(e.meta, e.rows, e.columns);
}

export function exportJson(e: ViewExport): string {
	return `${JSON.stringify(jsonDocument(e.meta, e.rows), null, 1)}\n`;
}
