/**
 * The data behind a server-drawn view: what `/embed?…` shows, read from the database with
 * the API's own rules (region names, country codes, "latest"), as a MapImage.
 */
import type { z } from 'zod';
import type { EmbedImageQuery } from '../../domain/apiSchemas.ts';
import { LEVELS, NO_DATA_LABEL } from '../../domain/borderStatus.ts';
import type { Country } from '../../domain/country.ts';
import {
	borderStatusDescription,
	countLevels,
	remittanceDescription
} from '../../domain/descriptions.ts';
import {
	dayAt,
	levelsOn,
	resolveTime,
	revertBorderStatusChanges
} from '../../domain/borderStatusSeries.ts';
import { formatDayLong } from '../../domain/date.ts';
import { canonicalRegion } from '../../domain/regions.ts';
import {
	classLabels,
	formatValue,
	MEASURE_INFO,
	VALUE_COLORS,
	valueClass
} from '../../domain/remittances.ts';
import { SOURCES } from '../../domain/sources.ts';
import {
	BAN_OUTLINE_COLOR,
	ENTRY_COLORS,
	ENTRY_SELF_COLOR,
	entryCounts,
	entryDescription,
	entryView
} from '../../domain/entry.ts';
import { VISA_REQUIREMENTS } from '../../domain/visaRequirement.ts';
import { bansAgainst } from '../db/bans.ts';
import { snapshotOnOrBefore, visaRulesOfPassport } from '../db/visa.ts';
import { borderStatusSeries } from '../db/borderStatus.ts';
import { changesSince } from '../db/changeLog.ts';
import { listCountries } from '../db/countries.ts';
import type { Db } from '../db/open.ts';
import {
	corridorsOf,
	corridorYears,
	remittancesAsOf,
	remittancesIn,
	remittanceYears
} from '../db/remittances.ts';
import { selection } from '../http/filters.ts';
import { regionFilter } from '../http/region.ts';
import { BadRequest } from '../http/respond.ts';
import { projectedWorld } from './countryShapes.ts';
import { mapSvg, type LegendItem, type MapArc, type MapImage } from './mapSvg.ts';

export type EmbedImageParams = z.infer<typeof EmbedImageQuery>;

/** Corridors drawn on the corridors layer: the first selected country's largest inbound. */
export const CORRIDOR_ARCS = 10;

const CREDIT = 'Crossings';

function sourceLine(ids: (keyof typeof SOURCES)[]): string {
	return `Source: ${ids.map((id) => SOURCES[id].source).join(' ')} Map: ${CREDIT}.`;
}

interface BorderFill {
	day: string;
	fills: Map<string, string | null>;
	legend: LegendItem[];
	sentence: string;
}

/**
 * The border-status fill, legend and sentence, counted as the page counts them: the countries
 * OxCGRT tracks (in the region), each at its level on the day or without data that day.
 */
function borderStatusFill(
	db: Db,
	countries: readonly Country[],
	time: string,
	members: Set<string> | null,
	regionName: string | null,
	asof: number | null
): BorderFill {
	const current = borderStatusSeries(db);
	if (!current) throw new BadRequest('no border-status data has been ingested yet');
	// Pinned: the series as /embed serves it at that version (changes since undone).
	const series =
		asof === null
			? current
			: revertBorderStatusChanges(current, changesSince(db, 'border-status', asof));
	const index = resolveTime(series, time);
	const day = dayAt(series, index);
	const levels = levelsOn(series, index);
	const fills = new Map<string, string | null>();
	for (const { iso3 } of countries) {
		const level = levels.get(iso3);
		fills.set(iso3, level === undefined ? null : LEVELS[level]!.color);
	}
	const tracked = Object.keys(series.runs).filter((iso3) => !members || members.has(iso3));
	const counts = countLevels(tracked, levels);
	const legend: LegendItem[] = LEVELS.map((l) => ({
		label: l.label,
		color: l.color,
		count: counts.get(l.level) ?? 0
	}));
	legend.push({ label: NO_DATA_LABEL, color: null, count: counts.get(null) ?? 0 });
	const sentence = borderStatusDescription({ day, tracked: tracked.length, counts, regionName });
	return { day, fills, legend, sentence };
}

/**
 * Who can enter, for the first selected country's passport on the day the page would show:
 * the Passport Index snapshot in force then, and the destinations whose COBAP policies banned
 * its citizens or travellers that day, outlined. (Pinned views draw current data: visa rules
 * and bans are not reverted to an older version, unlike border status and remittances.)
 */
function entryImage(
	db: Db,
	passport: string | undefined,
	day: string,
	names: Map<string, string>,
	members: Set<string> | null,
	region: string | null
): Pick<MapImage, 'title' | 'fills' | 'arcs' | 'legend' | 'summary' | 'source' | 'marked'> {
	const suffix = region ? `: ${region}` : '';
	const source = sourceLine(['entry', 'bans']);
	const legendOf = (counts: Map<string, number> | null): LegendItem[] => [
		...VISA_REQUIREMENTS.map((r) => ({
			label: r.label,
			color: ENTRY_COLORS[r.id],
			count: counts?.get(r.id) ?? 0
		})).toReversed(),
		{ label: NO_DATA_LABEL, color: null, count: 0 }
	];
	if (!passport) {
		return {
			title: `Who can enter: choose a passport (${formatDayLong(day)})${suffix}`,
			fills: new Map(),
			arcs: [],
			legend: legendOf(null),
			summary: 'Add country=ISO3 to draw what holders of its passport needed.',
			source
		};
	}
	const snapshot = snapshotOnOrBefore(db, day);
	const visa = snapshot
		? {
				snapshot,
				destinations: visaRulesOfPassport(db, passport, snapshot)
			}
		: null;
	const view = entryView('passport', passport, day, visa, {
		destinations: bansAgainst(db, passport, day)
	});
	const fills = new Map<string, string | null>([[passport, ENTRY_SELF_COLOR]]);
	for (const [iso3, rule] of view.rules) fills.set(iso3, ENTRY_COLORS[rule.requirement]);
	const shown = (iso3: string) => !members || members.has(iso3);
	const counts = entryCounts(view, shown);
	const banned = [...view.bans.keys()].filter(shown);
	const name = names.get(passport) ?? passport;
	return {
		title: `Where holders of a passport of ${name} could go on ${formatDayLong(day)}${suffix}`,
		fills,
		arcs: [],
		legend: [
			...legendOf(counts).slice(0, -1),
			{
				label: 'Bans its citizens or travellers (COBAP)',
				color: BAN_OUTLINE_COLOR,
				count: banned.length
			}
		],
		summary: entryDescription({
			view,
			countryName: name,
			dayLong: formatDayLong(day),
			counts,
			bans: banned.length,
			regionName: region
		}),
		source,
		marked: { iso3s: banned, color: BAN_OUTLINE_COLOR }
	};
}

/** The image for a validated query (400 for an unknown region, 404 for an unknown country). */
export function embedImage(db: Db, q: EmbedImageParams): MapImage {
	const countries = listCountries(db);
	const members = regionFilter(db, q.region);
	const selected = selection(db, { country: q.country }).countries;
	const region = q.region?.trim()
		? (canonicalRegion(countries, q.region) ?? q.region.trim())
		: null;
	const suffix = region ? `: ${region}` : '';
	const names = new Map(countries.map((c) => [c.iso3, c.name]));
	const theme = q.theme === 'dark' ? 'dark' : 'light';
	const base = { inRegion: members, selected, theme } as const;
	// A pinned view (live=0&asof=…) is drawn as the data stood at its version, like /embed.
	const asof = q.live === '0' && q.asof !== undefined ? q.asof : null;

	if (q.layer === 'remittances') {
		const years = remittanceYears(db, q.measure);
		if (!years) throw new BadRequest('no remittance data has been ingested yet');
		const year = q.time === 'latest' ? years.latest : Number(q.time.slice(0, 4));
		const rows =
			asof === null
				? remittancesIn(db, year, q.measure)
				: remittancesAsOf(db, year, q.measure, asof);
		const fills = new Map<string, string | null>();
		const counts = VALUE_COLORS.map(() => 0);
		let noData = 0;
		const shown = rows.filter((r) => !members || members.has(r.iso3));
		for (const row of rows) {
			const k = valueClass(q.measure, row.value);
			fills.set(row.iso3, k === null ? null : VALUE_COLORS[k]!);
		}
		for (const row of shown) {
			const k = valueClass(q.measure, row.value);
			if (k === null) noData++;
			else counts[k]!++;
		}
		const labels = classLabels(q.measure);
		const legend: LegendItem[] = labels.map((label, k) => ({
			label,
			color: VALUE_COLORS[k]!,
			count: counts[k]!
		}));
		legend.push({ label: NO_DATA_LABEL, color: null, count: noData });
		const info = MEASURE_INFO[q.measure];
		const summary = remittanceDescription({
			year,
			measure: q.measure,
			values: shown.filter((r): r is typeof r & { value: number } => r.value !== null),
			regionName: region
		});
		const title =
			q.measure === 'share_gdp'
				? `Remittances received as a share of GDP in ${year}${suffix}`
				: `${info.label} in ${year}${suffix}`;
		return {
			...base,
			title,
			fills,
			arcs: [],
			legend,
			summary,
			source: sourceLine(['remittances'])
		};
	}

	const border = borderStatusFill(db, countries, q.time, members, region, asof);
	if (q.layer === 'entry')
		return { ...base, ...entryImage(db, selected[0], border.day, names, members, region) };
	if (q.layer === 'border-status') {
		return {
			...base,
			title: `International travel controls on ${formatDayLong(border.day)}${suffix}`,
			fills: border.fills,
			arcs: [],
			legend: border.legend,
			summary: border.sentence,
			source: sourceLine(['border-status'])
		};
	}

	// Corridors: travel controls as the fill, the first selected country's largest inbound
	// corridors (partners in the region, when one is asked) as arcs.
	const focus = selected[0];
	const years = corridorYears(db);
	const year = years.at(-1);
	let arcs: MapArc[] = [];
	let corridorText = 'Select a country to see its largest remittance corridors.';
	let title = `Remittance corridors and travel controls on ${formatDayLong(border.day)}${suffix}`;
	if (focus && year !== undefined) {
		const corridors = corridorsOf(db, focus, 'in', year, 1000)
			.filter((c) => !members || members.has(c.from))
			.slice(0, CORRIDOR_ARCS);
		const max = corridors[0]?.value ?? 1;
		arcs = corridors.map((c) => ({ from: c.from, to: c.to, weight: Math.sqrt(c.value / max) }));
		const name = names.get(focus) ?? focus;
		title = `Remittances into ${name} (${year}) and travel controls on ${formatDayLong(border.day)}${suffix}`;
		corridorText =
			corridors.length === 0
				? `No corridor into ${name} in ${year}${region ? ` from ${region}` : ''}.`
				: `Largest corridors into ${name} in ${year}: ` +
					corridors
						.slice(0, 5)
						.map((c) => `${names.get(c.from) ?? c.from} ${formatValue('received', c.value)}`)
						.join(', ') +
					'.';
	}
	return {
		...base,
		title,
		fills: border.fills,
		arcs,
		legend: border.legend,
		summary: `${corridorText} ${border.sentence}`,
		source: sourceLine(['corridors', 'border-status'])
	};
}

export function embedSvg(db: Db, q: EmbedImageParams): string {
	return mapSvg(embedImage(db, q), projectedWorld(q.width), q.height);
}
