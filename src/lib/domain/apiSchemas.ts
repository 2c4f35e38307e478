/**
 * The HTTP API's parameters and bodies as zod schemas: the routes validate their queries with
 * these very objects, the OpenAPI document (`/api/openapi.json`) is generated from them, and
 * the typed client (`src/lib/api/client.ts`) takes its types from them with `import type`, so
 * zod is not bundled into the page for it.
 */
import { z } from 'zod';
import { BORDER_STATUS_TABLE_COLUMNS, type BorderStatusTableRow } from './analysis.ts';
import { isIsoDay } from './date.ts';
import { LIVE_LAYERS } from './live.ts';
import { MEASURES, type CorridorWithCost, type MonthlyRemittancePoint } from './remittances.ts';
import type { SessionView } from './session.ts';
import { VISA_REQUIREMENT_IDS } from './visaRequirement.ts';
import { ISO3, isViewTime, LAYERS, MEASURE_PARAMS } from './viewState.ts';

// ---------------------------------------------------------------- parameters

export const formatParam = z
	.enum(['json', 'csv'])
	.default('json')
	.meta({ description: 'Response format: JSON, or CSV with a header row.', example: 'csv' });

export const downloadParam = z
	.enum(['0', '1'])
	.default('0')
	.transform((v) => v === '1')
	.meta({
		description:
			'`1`: an export document. CSV starts with `# key: value` lines (title, source, licence, dataVersion, retrievedAt, filters) before the header row; JSON is `{ meta, rows }` with the same rows as the CSV. Both come as an attachment named by their content (`crossings-border-status-africa-2020-04-15.csv`).',
		example: '1'
	});

export const isoDayParam = z.string().refine(isIsoDay, 'expected a calendar date as YYYY-MM-DD');

const yearParam = z
	.string()
	.regex(/^\d{4}$/, 'expected a year as YYYY')
	.transform(Number);

export const regionParam = z.string().max(100).optional().meta({
	description:
		'A UN M49 region, subregion or intermediate region, a World Bank region, or an income group, case-insensitive. A name used by several classifications ("Sub-Saharan Africa" is an M49 subregion and a World Bank region) selects the union of their members. An unknown name is a 400 whose `accepted` lists the names by kind.',
	example: 'Western Africa'
});

export const countryParam = z.string().max(2000).optional().meta({
	description:
		"A selection of countries: ISO 3166 alpha-3 codes separated by `~` (or commas), case-insensitive; publishers' codes such as OxCGRT `RKS` resolve to ours (`XKX`). An unknown code is a 404 naming it. With `region` too, the countries of the selection in the region.",
	example: 'BRA~IND'
});

const asofParam = z
	.string()
	.regex(/^\d{1,15}$/, 'expected a data version (a change sequence number)')
	.transform(Number)
	.optional()
	.meta({
		description:
			'A data version (the `seq` of a change): the values as they stood then, with every later revision undone. What a pinned embed (`live=0&asof=…`) shows, so an old article keeps its numbers.',
		example: '239616'
	});

const dayFrom = isoDayParam
	.optional()
	.meta({ description: 'First day (YYYY-MM-DD), inclusive.', example: '2020-03-01' });
const dayTo = isoDayParam
	.optional()
	.meta({ description: 'Last day (YYYY-MM-DD), inclusive.', example: '2020-06-30' });
const yearFrom = yearParam
	.optional()
	.meta({ description: 'First year (YYYY), inclusive.', example: '2010' });
const yearTo = yearParam
	.optional()
	.meta({ description: 'Last year (YYYY), inclusive.', example: '2019' });

/** `from`/`to` where a range has no meaning: refused (400) with the reason, not ignored. */
const notAccepted = (reason: string) =>
	z
		.string()
		.refine(() => false, `not accepted here: ${reason}`)
		.optional()
		.meta({ description: `Not accepted (400): ${reason}` });

const ordered = <T extends { from?: string | number; to?: string | number }>(q: T) =>
	q.from === undefined || q.to === undefined || q.from <= q.to;
const orderMessage = { message: 'from is after to', path: ['from'] };

/** A day or a year; a year means its first day as `from` and its last as `to`. */
const dayOrYear = (edge: 'from' | 'to') =>
	z
		.string()
		.refine(
			(v) => /^\d{4}$/.test(v) || isIsoDay(v),
			'expected a calendar date as YYYY-MM-DD or a year as YYYY'
		)
		.transform((v) => (/^\d{4}$/.test(v) ? `${v}-${edge === 'from' ? '01-01' : '12-31'}` : v))
		.optional()
		.meta({
			description:
				edge === 'from'
					? 'Only changes whose period starts on or after this day (YYYY-MM-DD; a year YYYY means 1 January). A month or quarter period starts on its first day.'
					: 'Only changes whose period starts on or before this day (YYYY-MM-DD; a year YYYY means 31 December). A month or quarter period starts on its first day.',
			example: edge === 'from' ? '2020-03-01' : '2020-12-31'
		});

export const CountriesQuery = z.object({
	region: regionParam,
	country: countryParam,
	from: notAccepted('the country table has no dates'),
	to: notAccepted('the country table has no dates'),
	format: formatParam,
	download: downloadParam
});

export const BorderStatusQuery = z.object({
	date: z
		.union([isoDayParam, z.literal('latest')])
		.optional()
		.meta({
			description:
				'The day (YYYY-MM-DD) or `latest` (the default): the last day on which at least four in five as many countries have data as on the best-covered day (2022-12-31 on the bundled data).',
			example: '2020-04-15'
		}),
	region: regionParam,
	country: countryParam,
	from: notAccepted(
		'one day per request (`date`); for a range use /api/border-status/series or /api/border-status/counts'
	),
	to: notAccepted(
		'one day per request (`date`); for a range use /api/border-status/series or /api/border-status/counts'
	),
	format: formatParam,
	download: downloadParam
});

export const FormatQuery = z.object({ format: formatParam });

export const BorderStatusSeriesQuery = z
	.object({ region: regionParam, country: countryParam, from: dayFrom, to: dayTo })
	.refine(ordered, orderMessage);

export const BorderStatusTableQuery = z.object({
	date: z
		.union([isoDayParam, z.literal('latest')])
		.optional()
		.meta({
			description:
				'The day the table is as of (YYYY-MM-DD) or `latest` (the default: as on /api/border-status).',
			example: '2020-04-15'
		}),
	region: regionParam,
	country: countryParam,
	from: notAccepted('the table is as of one day (`date`); its day counts run from the first day'),
	to: notAccepted('the table is as of one day (`date`); its day counts run from the first day'),
	format: formatParam,
	download: downloadParam
});

export const BorderStatusCountsQuery = z
	.object({
		region: regionParam,
		country: countryParam,
		from: dayFrom,
		to: dayTo,
		format: formatParam,
		download: downloadParam
	})
	.refine(ordered, orderMessage);

const measureParam = z.enum(MEASURES).default('received').meta({
	description: 'received or paid (current US$), or share_gdp (received ÷ GDP × 100).',
	example: 'received'
});

export const RemittancesQuery = z.object({
	year: yearParam.optional().meta({
		description:
			'The year; default the last year at least four in five as many countries reported as in the best-covered year (2023 for received on the bundled data).',
		example: '2019'
	}),
	measure: measureParam,
	asof: asofParam,
	region: regionParam,
	country: countryParam,
	from: notAccepted('one year per request (`year`); for a range use /api/remittances/series'),
	to: notAccepted('one year per request (`year`); for a range use /api/remittances/series'),
	format: formatParam,
	download: downloadParam
});

export const RemittanceSeriesQuery = z
	.object({
		measure: measureParam,
		region: regionParam,
		country: countryParam,
		from: yearFrom,
		to: yearTo,
		format: formatParam,
		download: downloadParam
	})
	.refine(ordered, orderMessage);

export const CorridorsQuery = z.object({
	country: z
		.string()
		.regex(/^[A-Za-z]{3}$/, 'expected an ISO 3166 alpha-3 code')
		.meta({
			description: 'The country whose corridors are listed (one ISO3 code).',
			example: 'MEX'
		}),
	direction: z.enum(['in', 'out']).default('in').meta({
		description: '`in`: money received from origins; `out`: money sent to destinations.',
		example: 'in'
	}),
	region: regionParam.meta({
		description:
			'Only partners (origins for `in`, destinations for `out`) in this region; the same names as elsewhere.',
		example: 'Northern America'
	}),
	limit: z.coerce
		.number()
		.int()
		.min(1)
		.max(250)
		.default(10)
		.meta({ description: 'The largest N corridors (after the region filter).', example: 5 }),
	year: yearParam
		.optional()
		.meta({ description: 'The matrix year; default the latest.', example: '2017' }),
	from: notAccepted('the bilateral matrix is one year per request (`year`)'),
	to: notAccepted('the bilateral matrix is one year per request (`year`)'),
	format: formatParam,
	download: downloadParam
});

const visaSideParam = (description: string, example: string) =>
	z
		.string()
		.regex(/^[A-Za-z]{3}$/, 'expected an ISO 3166 alpha-3 code')
		.optional()
		.meta({ description, example });

export const VisaQuery = z
	.object({
		passport: visaSideParam(
			'What holders of this passport (ISO3) need for every destination. Give this or `destination`.',
			'NGA'
		),
		destination: visaSideParam(
			'What every passport needs to enter this country (ISO3). Give this or `passport`.',
			'GBR'
		),
		date: z
			.union([isoDayParam, z.literal('latest')])
			.optional()
			.meta({
				description:
					'The day (YYYY-MM-DD): the rules of the latest Passport Index snapshot on or before it (named in `snapshot`); default `latest`, the latest snapshot. A day before the first snapshot is a 404 naming it.',
				example: '2021-06-01'
			}),
		region: regionParam.meta({
			description:
				'Only the other side of the pair in this region (destinations for `passport`, passports for `destination`); the same names as elsewhere.',
			example: 'Western Africa'
		}),
		from: notAccepted('one snapshot per request (`date`)'),
		to: notAccepted('one snapshot per request (`date`)'),
		format: formatParam,
		download: downloadParam
	})
	.refine((q) => (q.passport === undefined) !== (q.destination === undefined), {
		message: 'give exactly one of passport or destination',
		path: ['passport']
	});

/** The shared view parameters as `/embed.svg` and `/embed.png` read them: strictly (400). */
export const EmbedImageQuery = z.object({
	layer: z.enum(LAYERS).default('border-status').meta({
		description:
			'The layer drawn: border-status, remittances, corridors, or entry (who can enter: what holders of the first `country`’s passport needed, with COBAP bans on them outlined).',
		example: 'border-status'
	}),
	time: z
		.string()
		.refine(
			(v) => v === 'latest' || /^\d{4}$/.test(v) || isIsoDay(v),
			'expected latest, a year as YYYY or a calendar date as YYYY-MM-DD'
		)
		.default('latest')
		.meta({
			description:
				'`latest`, a day (border status; a year means its last day) or a year (remittances; a day means its year).',
			example: '2020-04-15'
		}),
	region: regionParam,
	country: countryParam.meta({
		description:
			'Selected countries (ISO3, `~`-separated), outlined; on `corridors` the first one’s largest inbound corridors are drawn.',
		example: 'MEX~USA'
	}),
	measure: z.enum(MEASURES).default('received').meta({
		description: 'Remittances layer: received, paid or share_gdp.',
		example: 'received'
	}),
	theme: z.enum(['light', 'dark', 'auto']).default('light').meta({
		description: 'Colours; `auto` is light (an image cannot follow the reader’s setting).',
		example: 'dark'
	}),
	width: z.coerce.number().int().min(320).max(2000).default(1000).meta({
		description: 'Image width in pixels (320–2000); the height follows from the map.',
		example: 800
	}),
	height: z.coerce.number().int().min(180).max(2000).optional().meta({
		description:
			'Image height in pixels (180–2000): the drawing is scaled to fit and centred, so a slide gets exactly `width`×`height` (1920×1080). Without it the height follows from the map.',
		example: 1080
	}),
	live: z.enum(['0', '1']).optional().meta({
		description: '`0` with `asof`: the pinned view, drawn with the data as of `asof`.',
		example: '0'
	}),
	asof: asofParam
});

export const OEmbedQuery = z.object({
	url: z.string().max(4000).meta({
		description:
			'A Crossings page URL of this server (`/`, `/embed`, `/present`) with its view parameters.',
		example: 'https://crossings.example/embed?time=2020-04-15&region=Africa'
	}),
	maxwidth: z.coerce.number().int().min(1).max(10000).optional().meta({
		description: 'The largest width the consumer can show.',
		example: 600
	}),
	maxheight: z.coerce.number().int().min(1).max(10000).optional().meta({
		description: 'The largest height the consumer can show.',
		example: 500
	}),
	format: z.enum(['json', 'xml']).default('json').meta({
		description: 'Only `json`; `xml` answers 501 as oEmbed allows.',
		example: 'json'
	})
});

export const ChangesQuery = z
	.object({
		after: z.coerce
			.number()
			.int()
			.min(0)
			.default(0)
			.meta({ description: 'Changes with a greater seq, in seq order.', example: 100 }),
		latest: z.coerce.number().int().min(1).max(1000).optional().meta({
			description: 'The newest N matching changes instead (still in seq order).',
			example: 20
		}),
		kind: z.enum(['all', 'level']).default('all').meta({
			description: '`level`: only changes from one value to another (no first values or removals).',
			example: 'level'
		}),
		layer: z.enum(LIVE_LAYERS).optional().meta({
			description:
				'Only changes of one layer (the dashboard’s list asks for `border-status`: visa rules, bans and costs change in bulk).',
			example: 'border-status'
		}),
		direction: z.enum(['tightening', 'loosening']).optional().meta({
			description:
				'Border-status changes whose level rose (tightening) or fell (loosening); implies the border-status layer. A first value or a removal (old or new null) is neither.',
			example: 'tightening'
		}),
		region: regionParam,
		country: countryParam,
		from: dayOrYear('from'),
		to: dayOrYear('to'),
		limit: z.coerce
			.number()
			.int()
			.min(1)
			.max(10_000)
			.default(1000)
			.meta({ description: 'At most N changes (without `latest`).', example: 100 }),
		format: formatParam,
		download: downloadParam
	})
	.refine(ordered, orderMessage);

const banPlaceParam = (description: string, example: string) =>
	z
		.string()
		.regex(/^[A-Za-z]{3}$/, 'expected an ISO 3166 alpha-3 code')
		.optional()
		.meta({ description, example });

export const BansQuery = z
	.object({
		destination: banPlaceParam(
			"The country whose policies in force are listed: ISO 3166 alpha-3 (publishers' codes such as RKS resolve), `SOL` for Somaliland, or `EUR` for the European Union's own policies (which a member state's answer includes too). Exactly one of `destination` and `origin`.",
			'ITA'
		),
		origin: banPlaceParam(
			'The country whose citizens or travellers were banned: ISO 3166 alpha-3, or `SOL` for Somaliland (the European Union is answered per member state). Exactly one of `destination` and `origin`.',
			'CHN'
		),
		date: z
			.string({ error: 'expected a calendar date as YYYY-MM-DD' })
			.refine(isIsoDay, 'expected a calendar date as YYYY-MM-DD')
			.meta({
				description: 'The day (YYYY-MM-DD): policies in force on it (start and end inclusive).',
				example: '2020-04-15'
			})
	})
	.refine((q) => (q.destination === undefined) !== (q.origin === undefined), {
		message: 'give exactly one of destination and origin',
		path: ['destination']
	});

export const RestrictionsQuery = z
	.object({
		region: regionParam,
		country: countryParam,
		from: dayFrom.meta({
			description: 'Only restrictions still holding on or after this day (YYYY-MM-DD).',
			example: '2021-01-01'
		}),
		to: dayTo.meta({
			description: 'Only restrictions taking effect on or before this day (YYYY-MM-DD).',
			example: '2021-12-31'
		}),
		format: formatParam,
		download: downloadParam
	})
	.refine(ordered, orderMessage);

export const Iso3Path = z.object({
	iso3: z.string().meta({
		description: "ISO 3166 alpha-3 code (or a publisher's alias such as RKS).",
		example: 'ITA'
	})
});

export const MonthlyIso3Path = z.object({
	iso3: z
		.string()
		.regex(/^[A-Za-z]{3}$/, 'expected an ISO 3166 alpha-3 code (three letters)')
		.meta({ description: "ISO 3166 alpha-3 code (or a publisher's alias).", example: 'MEX' })
});

export const MonthlyRemittancesQuery = z.object({
	format: formatParam,
	download: downloadParam
});

export const RestrictionIdPath = z.object({
	id: z.string().meta({ description: 'The restriction id (a positive integer).', example: '1' })
});

export const RestrictionBody = z
	.object({
		iso3: z.string().meta({ example: 'ITA' }),
		effective_from: z.string().meta({ description: 'YYYY-MM-DD', example: '2021-06-01' }),
		level: z.literal([0, 1, 2, 3, 4]).meta({ example: 3 }),
		note: z.string().max(2000).optional(),
		source_url: z.string().optional()
	})
	.strict();

export const SessionIdPath = z.object({
	id: z.string().meta({
		description: 'The session id (22 characters, base64url).',
		example: 'Xq3n2GkU9fV0bY1cT8wR4A'
	})
});

export const SessionBody = z.strictObject({
	title: z.string().max(200).optional().meta({
		description: 'What followers see the session called (at most 200 characters).',
		example: 'Border closures in spring 2020'
	})
});

// ---------------------------------------------------------------- bodies

export const LevelSchema = z.literal([0, 1, 2, 3, 4]).meta({ description: 'OxCGRT C8 level 0–4.' });
const day = z.string().meta({ example: '2020-04-15' });

export const CountrySchema = z.object({
	iso3: z.string(),
	iso2: z.string().nullable(),
	name: z.string(),
	m49Region: z.string().nullable(),
	m49Subregion: z.string().nullable(),
	m49IntermediateRegion: z
		.string()
		.nullable()
		.meta({ description: 'UN M49 intermediate region, e.g. Western Africa.' }),
	wbRegion: z.string().nullable(),
	incomeGroup: z.string().nullable()
});
export const CountriesResponse = z.array(CountrySchema);

export const ExportMetaSchema = z.object({
	title: z.string(),
	source: z.string(),
	licence: z.string(),
	dataVersion: z.number().int(),
	retrievedAt: z.string(),
	filters: z.record(z.string(), z.string())
});

/** `download=1` with JSON: the export document. */
export const ExportDocument = z.object({
	meta: ExportMetaSchema,
	rows: z.array(z.record(z.string(), z.unknown()))
});

export const ErrorResponse = z.object({
	error: z.string(),
	accepted: z.unknown().optional()
});

export const HealthResponse = z.object({
	ok: z.boolean(),
	seq: z.number().int(),
	/** ROLE: a replica's seq is the last commit of the primary it applied. */
	role: z.enum(['primary', 'replica']).optional(),
	borderStatus: z.object({ first: day, last: day }).nullable().optional(),
	error: z.string().optional()
});

export const BorderStatusResponse = z.object({
	date: day,
	countries: z.array(
		z.object({
			iso3: z.string(),
			name: z.string(),
			level: LevelSchema.nullable(),
			since: z.string().nullable()
		})
	)
});

export const StoredRestrictionSchema = z.object({
	id: z.number().int(),
	iso3: z.string(),
	effectiveFrom: day,
	effectiveTo: z.string().nullable(),
	level: LevelSchema,
	note: z.string().nullable(),
	sourceUrl: z.string().nullable(),
	recordedAt: z.string()
});

export const BorderStatusHistoryResponse = z.object({
	iso3: z.string(),
	name: z.string(),
	history: z.array(z.object({ from: day, to: day, level: LevelSchema.nullable() })),
	restrictions: z.array(StoredRestrictionSchema.omit({ iso3: true }))
});

export const BorderStatusSeriesSchema = z.object({
	first: day,
	last: day,
	runs: z
		.record(z.string(), z.array(z.tuple([z.number().int(), z.number().int(), LevelSchema])))
		.meta({ description: 'ISO3 → [fromIndex, toIndex, level] runs (day indexes from `first`).' })
});

export const BorderStatusSeriesResponse = z.object({
	seq: z.number().int(),
	series: BorderStatusSeriesSchema.nullable()
});

const nullableDay = z.string().nullable();
export const BorderStatusTableRowSchema = z.object({
	iso3: z.string(),
	name: z.string(),
	m49Region: z.string().nullable(),
	m49Subregion: z.string().nullable(),
	wbRegion: z.string().nullable(),
	incomeGroup: z.string().nullable(),
	date: day,
	level: LevelSchema.nullable(),
	since: nullableDay,
	days0: z.number().int(),
	days1: z.number().int(),
	days2: z.number().int(),
	days3: z.number().int(),
	days4: z.number().int(),
	daysNoData: z.number().int(),
	firstClosure: nullableDay,
	longestClosureFrom: nullableDay,
	longestClosureTo: nullableDay,
	longestClosureDays: z.number().int(),
	lastChange: nullableDay,
	lastChangeFrom: LevelSchema.nullable(),
	lastChangeTo: LevelSchema.nullable(),
	remittancesYear: z.number().int().nullable(),
	remittances: z.number().nullable(),
	remittances2019: z.number().nullable(),
	remittances2020: z.number().nullable(),
	remittancesChange2019To2020: z.number().nullable()
});

// The schema and the domain type must stay the same shape, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameRow: Same<z.infer<typeof BorderStatusTableRowSchema>, BorderStatusTableRow> = true;
const sameColumns: Same<
	keyof z.infer<typeof BorderStatusTableRowSchema>,
	(typeof BORDER_STATUS_TABLE_COLUMNS)[number]
> = true;
void sameRow;
void sameColumns;

export const BorderStatusTableResponse = z.object({
	meta: ExportMetaSchema,
	rows: z.array(BorderStatusTableRowSchema)
});

export const LevelCountsSchema = z.object({
	day,
	counts: z
		.tuple([z.number(), z.number(), z.number(), z.number(), z.number()])
		.meta({ description: 'Countries at level 0, 1, 2, 3, 4.' }),
	noData: z.number().int()
});

export const BorderStatusCountsResponse = z.object({
	first: day,
	last: day,
	members: z
		.number()
		.int()
		.meta({ description: 'How many countries are counted (with or without data).' }),
	days: z.array(LevelCountsSchema)
});

const YearValueSchema = z.object({ year: z.number().int(), value: z.number() });

export const RemittancesResponse = z.object({
	year: z.number().int(),
	measure: z.enum(MEASURES),
	unit: z.string(),
	countries: z.array(z.object({ iso3: z.string(), name: z.string(), value: z.number().nullable() }))
});

export const RemittanceHistoryResponse = z.object({
	iso3: z.string(),
	name: z.string(),
	unit: z.object({ received: z.string(), paid: z.string(), share_gdp: z.string() }),
	series: z.object({
		received: z.array(YearValueSchema),
		paid: z.array(YearValueSchema),
		share_gdp: z.array(YearValueSchema)
	})
});

export const RemittanceSeriesResponse = z.object({
	measure: z.enum(MEASURES),
	unit: z.string(),
	countries: z.array(
		z.object({ iso3: z.string(), name: z.string(), series: z.array(YearValueSchema) })
	)
});

const CorridorCostSchema = z
	.object({
		percent: z.number().meta({ example: 5.29 }),
		quarter: z.string().meta({ example: '2017Q4' })
	})
	.meta({
		description:
			'Remittance Prices Worldwide: the average total cost of sending about US$200 from `from` to `to`, in % of the amount sent (negative where the exchange rate outweighed the fees), in the latest quarter with a value on or before the end of `year`. Null: RPW has no cost for this pair by then.'
	});

const BanxicoCorridorSchema = z
	.object({
		quarter: z.string().meta({ example: '2017Q4' }),
		usd: z.number().int().meta({ description: 'US$ in that quarter.' }),
		year: z.number().int().meta({ description: 'The quarter’s year.' }),
		yearUsd: z
			.number()
			.int()
			.nullable()
			.meta({ description: 'US$ in that year’s four quarters (null unless all four are out).' })
	})
	.meta({
		description:
			'Banco de México’s own figure for a corridor with Mexico at one end (United States → Mexico above all): the latest quarter on or before the end of `year`. Null for other corridors or without data by then.'
	});

export const CorridorSchema = z.object({
	from: z.string(),
	to: z.string(),
	value: z.number().meta({ description: 'The bilateral matrix’s estimate for `year`, US$.' }),
	cost: CorridorCostSchema.nullable(),
	banxico: BanxicoCorridorSchema.nullable()
});

export const CorridorsResponse = z.object({
	country: z.string(),
	direction: z.enum(['in', 'out']),
	year: z.number().int(),
	unit: z.literal('US$'),
	corridors: z.array(CorridorSchema)
});

export const MonthlyRemittancesResponse = z.object({
	iso3: z.string(),
	name: z.string(),
	source: z.string().meta({
		example: 'Banco de México, Sistema de Información Económica (SIE)'
	}),
	unit: z.literal('US$'),
	series: z.array(
		z.object({
			month: z.string().meta({ example: '2020-04' }),
			received: z.number().int().nullable().meta({ description: 'US$ received.' }),
			paid: z.number().int().nullable().meta({
				description: 'US$ sent abroad; null where the source has none (Mexico before 2013).'
			}),
			operations: z.number().int().nullable().meta({ description: 'Transactions received.' }),
			paidOperations: z.number().int().nullable().meta({ description: 'Transactions sent.' })
		})
	)
});

const VisaEntrySchema = z.object({
	iso3: z.string().meta({ description: 'The other country of the pair.' }),
	requirement: z.enum(VISA_REQUIREMENT_IDS).meta({
		description:
			'visa-free, visa-on-arrival, eta, e-visa, visa-required, covid-ban or no-admission (from the most open to the most closed).'
	}),
	days: z
		.number()
		.int()
		.nullable()
		.meta({ description: 'Visa-free days, when the source gives them.' }),
	sourceTerm: z.string().nullable().meta({
		description:
			'The source’s own word when it names a category ours folds into another: `EVW` (eta), `Hayya Entry Permit` (e-visa); otherwise null.'
	})
});

const visaSnapshot = z
	.string()
	.meta({ description: 'The Passport Index snapshot the rules are from.', example: '2021-05-13' });

export const VisaByPassportResponse = z.object({
	passport: z.string(),
	date: day,
	snapshot: visaSnapshot,
	destinations: z.array(VisaEntrySchema)
});

export const VisaByDestinationResponse = z.object({
	destination: z.string(),
	date: day,
	snapshot: visaSnapshot,
	passports: z.array(VisaEntrySchema)
});

export const OEmbedResponse = z.object({
	type: z.literal('rich'),
	version: z.literal('1.0'),
	title: z.string(),
	provider_name: z.literal('Crossings'),
	provider_url: z.string(),
	html: z
		.string()
		.meta({ description: 'An iframe to `/embed` and the `/embed.js` resize script.' }),
	width: z.number().int(),
	height: z.number().int(),
	thumbnail_url: z.string().meta({ description: 'The same view as `/embed.png`.' }),
	thumbnail_width: z.number().int(),
	thumbnail_height: z.number().int()
});

export const ChangeRecordSchema = z.object({
	seq: z.number().int(),
	at: z.string(),
	layer: z.string(),
	iso3: z.string(),
	period: z.string().meta({
		description:
			'A day, a year, a month `YYYY-MM`, a quarter `YYYYQn`, or an interval `from/to` (`from/..`).'
	}),
	old: z.number().nullable(),
	new: z.number().nullable(),
	source: z.string().nullable(),
	note: z.string().nullable(),
	sourceUrl: z.string().nullable()
});
export const ChangesResponse = z.object({ changes: z.array(ChangeRecordSchema) });

const BanModeSchema = z
	.object({
		scope: z.enum(['all', 'specific']),
		targets: z.array(z.string()).meta({ description: 'ISO3 codes (for `specific`).' })
	})
	.nullable()
	.meta({ description: 'Closed (to all, or to `targets`); null: no closure of this kind.' });

export const BanPolicySchema = z.object({
	id: z.string().meta({ description: "COBAP's policy id.", example: 'CY36' }),
	issuer: z.string().meta({
		description:
			'Who issued it: the destination itself, or `EUR` for a European Union policy, which applies to the states that were members when it started.'
	}),
	type: z.string().meta({ description: 'COMPLETE or PARTIAL.', example: 'PARTIAL' }),
	subtype: z.string().meta({
		description:
			'BORDER_CLOSURE, CITIZENSHIP_BAN, HISTORY_BAN, VISA_BAN, REFUGEE_BAN, CITIZEN_EXCEP, WORK_EXCEP, SPECIFIC_COUNTRY or ESSENTIAL_ONLY.',
		example: 'HISTORY_BAN'
	}),
	start: day,
	end: z.string().nullable().meta({ description: 'Last day in force; null: no end recorded.' }),
	citizens: z.array(z.string()).meta({ description: 'ISO3 codes whose citizens are banned.' }),
	travellers: z.array(z.string()).meta({
		description: 'ISO3 codes travellers from or through which are banned (travel history).'
	}),
	criteria: z.array(z.string()).meta({
		description: 'COBAP criteria instead of countries: MANDVAX (vaccination), COVIDCASES.'
	}),
	air: BanModeSchema,
	land: BanModeSchema,
	sea: BanModeSchema,
	exceptions: z.object({
		people: z.array(z.string()).meta({ description: 'Categories let in, as written.' }),
		countries: z.array(z.string()).meta({ description: 'ISO3 codes whose travellers are let in.' }),
		work: z.boolean()
	}),
	sources: z.array(
		z.object({ kind: z.string(), url: z.string().nullable(), note: z.string().optional() })
	),
	sourceQuality: z.string().nullable().meta({ description: 'Very Sure, Sure or Less Sure.' })
});

export const BansByDestinationResponse = z.object({
	destination: z.string(),
	date: day,
	policies: z.array(BanPolicySchema)
});

export const BansByOriginResponse = z.object({
	origin: z.string(),
	date: day,
	destinations: z.array(
		z.object({
			iso3: z.string().meta({ description: 'The country that banned them (or SOL).' }),
			policies: z.array(
				BanPolicySchema.extend({
					grounds: z
						.array(z.enum(['citizenship', 'travel history']))
						.meta({ description: "How this policy banned the origin's people." })
				})
			)
		})
	)
});

export const RestrictionsResponse = z.object({ restrictions: z.array(StoredRestrictionSchema) });
export const RestrictionResponse = z.object({ restriction: StoredRestrictionSchema });
export const RestrictionCreatedResponse = z.object({
	seq: z.number().int().optional(),
	changed: z.boolean(),
	restriction: StoredRestrictionSchema.optional()
});
export const RestrictionRetractedResponse = z.object({
	seq: z.number().int(),
	retracted: StoredRestrictionSchema
});

/** Where the presenter's map looks; the map does not rotate, so a bearing is only ever 0. */
export const SessionCameraSchema = z.strictObject({
	center: z
		.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])
		.meta({ description: '[longitude, latitude] in degrees.', example: [10, 20] }),
	zoom: z.number().min(-2).max(24),
	bearing: z.literal(0).optional()
});

/**
 * A presenter's view (`session:lead`), as followers receive it. Numbers are finite (zod 4
 * refuses NaN and ±Infinity), unknown fields are refused at every level.
 */
export const SessionViewSchema = z.strictObject({
	layer: z.enum(LAYERS),
	time: z.string().refine(isViewTime, 'expected latest, a year YYYY or a day YYYY-MM-DD'),
	region: z.string().max(100).nullable(),
	country: z.array(z.string().regex(ISO3, 'expected an ISO 3166 alpha-3 code')).max(50),
	measure: z.enum(MEASURE_PARAMS),
	camera: SessionCameraSchema.nullable(),
	story: z
		.strictObject({ id: z.string().min(1).max(64), step: z.number().int().min(0) })
		.nullable(),
	caption: z.string().max(500).nullable(),
	title: z.string().max(200)
});

export const SessionCreatedResponse = z.object({
	id: z.string(),
	presenterKey: z
		.string()
		.meta({ description: 'Shown once: only its hash is stored. Keep it to the presenter.' }),
	expiresAt: z.string(),
	presentUrl: z.string().meta({ example: '/present?session=Xq3n2GkU9fV0bY1cT8wR4A&key=…' }),
	followUrl: z.string().meta({ example: '/?follow=Xq3n2GkU9fV0bY1cT8wR4A' })
});

export const SessionResponse = z.object({
	id: z.string(),
	title: z.string().nullable(),
	view: SessionViewSchema.nullable().meta({ description: 'Null until the presenter first leads.' }),
	version: z.number().int().meta({ description: 'Views led so far (0 before the first).' }),
	updatedAt: z.string(),
	expiresAt: z.string()
});

// The routes build these bodies from the domain's types: the same shape, both ways.
const sameCorridor: Same<z.infer<typeof CorridorSchema>, CorridorWithCost> = true;
const sameMonth: Same<
	z.infer<typeof MonthlyRemittancesResponse>['series'][number],
	MonthlyRemittancePoint
> = true;
void sameCorridor;
void sameMonth;

// The page takes its session types from session.ts (no zod there): the same shape, both ways.
const sameSessionView: Same<z.infer<typeof SessionViewSchema>, SessionView> = true;
void sameSessionView;

export type CountriesBody = z.infer<typeof CountriesResponse>;
export type HealthBody = z.infer<typeof HealthResponse>;
export type BorderStatusBody = z.infer<typeof BorderStatusResponse>;
export type BorderStatusHistoryBody = z.infer<typeof BorderStatusHistoryResponse>;
export type BorderStatusSeriesBody = z.infer<typeof BorderStatusSeriesResponse>;
export type BorderStatusTableBody = z.infer<typeof BorderStatusTableResponse>;
export type BorderStatusCountsBody = z.infer<typeof BorderStatusCountsResponse>;
export type RemittancesBody = z.infer<typeof RemittancesResponse>;
export type RemittanceHistoryBody = z.infer<typeof RemittanceHistoryResponse>;
export type RemittanceSeriesBody = z.infer<typeof RemittanceSeriesResponse>;
export type CorridorsBody = z.infer<typeof CorridorsResponse>;
export type MonthlyRemittancesBody = z.infer<typeof MonthlyRemittancesResponse>;
export type VisaByPassportBody = z.infer<typeof VisaByPassportResponse>;
export type VisaByDestinationBody = z.infer<typeof VisaByDestinationResponse>;
export type ChangesBody = z.infer<typeof ChangesResponse>;
export type OEmbedBody = z.infer<typeof OEmbedResponse>;
export type RestrictionsBody = z.infer<typeof RestrictionsResponse>;
export type BanPolicyBody = z.infer<typeof BanPolicySchema>;
export type BansByDestinationBody = z.infer<typeof BansByDestinationResponse>;
export type BansByOriginBody = z.infer<typeof BansByOriginResponse>;
export type ExportDocumentBody = z.infer<typeof ExportDocument>;

/** CSV columns of each collection (the JSON rows' fields, in order). */
export const CSV_COLUMNS = {
	countries: [
		'iso3',
		'iso2',
		'name',
		'm49Region',
		'm49Subregion',
		'm49IntermediateRegion',
		'wbRegion',
		'incomeGroup'
	],
	borderStatus: ['date', 'iso3', 'name', 'level', 'since'],
	borderStatusTable: BORDER_STATUS_TABLE_COLUMNS,
	borderStatusCounts: ['day', 'level0', 'level1', 'level2', 'level3', 'level4', 'noData'],
	remittances: ['year', 'measure', 'unit', 'iso3', 'name', 'value'],
	remittanceSeries: ['iso3', 'name', 'year', 'value'],
	corridors: [
		'from',
		'to',
		'value',
		'costPercent',
		'costQuarter',
		'banxicoQuarter',
		'banxicoUsd',
		'banxicoYear',
		'banxicoYearUsd'
	],
	monthlyRemittances: ['month', 'received', 'paid', 'operations', 'paidOperations'],
	visa: ['snapshot', 'passport', 'destination', 'requirement', 'days', 'sourceTerm'],
	changes: ['seq', 'at', 'layer', 'iso3', 'period', 'old', 'new', 'source', 'note', 'sourceUrl'],
	restrictions: [
		'id',
		'iso3',
		'effectiveFrom',
		'effectiveTo',
		'level',
		'note',
		'sourceUrl',
		'recordedAt'
	]
} as const;
