/**
 * The OpenAPI document of the HTTP API, generated from the same zod schemas the routes
 * validate their queries with (src/lib/domain/apiSchemas.ts), so the document cannot drift
 * from what the server accepts. Served at /api/openapi.json and rendered at /api.
 */
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject } from 'zod-openapi';
import * as S from '../../domain/apiSchemas.ts';

const json = (schema: z.ZodType, description = 'OK') => ({
	description,
	content: { 'application/json': { schema } }
});
const withCsv = (schema: z.ZodType, description = 'OK') => ({
	description: `${description}. With format=csv: CSV with a header row (the same rows); with download=1: an export document (see download).`,
	content: {
		'application/json': { schema: z.union([schema, S.ExportDocument]) },
		'text/csv': { schema: z.string() }
	}
});
const error = (description: string) => json(S.ErrorResponse, description);
const badRequest = error(
	'Bad parameters: `{ error }` naming the parameter (an unknown region also lists the accepted names in `accepted`).'
);
const unknownCountry = error('An unknown ISO3 code, named in `error`.');

type Operation = ZodOpenApiOperationObject & { 'x-example': string };

/** One operation per method and path; `x-example` is a URL the /api page links to. */
export const OPERATIONS: Record<string, Partial<Record<'get' | 'post' | 'delete', Operation>>> = {
	'/api/health': {
		get: {
			summary: 'Health and data version',
			description:
				'For load balancers and monitors: `ok`, the last change `seq` and the days with border-status data. 503 `{ ok: false, error }` when the database file was removed or replaced. Never cached.',
			responses: { '200': json(S.HealthResponse), '503': json(S.HealthResponse, 'Unhealthy') },
			'x-example': '/api/health'
		}
	},
	'/api/countries': {
		get: {
			summary: 'Countries and their classifications',
			description:
				'Every country of the reference table (ISO 3166 with Kosovo and the Channel Islands) with its UN M49 region and subregion, World Bank region and income group, sorted by name. `from`/`to` are refused: the table has no dates.',
			requestParams: { query: S.CountriesQuery },
			responses: { '200': withCsv(S.CountriesResponse), '400': badRequest, '404': unknownCountry },
			'x-example': '/api/countries?region=Western%20Africa'
		}
	},
	'/api/border-status': {
		get: {
			summary: 'Every country’s border status on one day',
			description:
				'OxCGRT C8 level 0–4 (null: no data) and the first day of the run holding it. One day per request: `from`/`to` are refused (use /api/border-status/series or /counts for ranges).',
			requestParams: { query: S.BorderStatusQuery },
			responses: {
				'200': withCsv(S.BorderStatusResponse),
				'400': badRequest,
				'404': unknownCountry
			},
			'x-example': '/api/border-status?date=2020-04-15&region=Africa'
		}
	},
	'/api/border-status/{iso3}': {
		get: {
			summary: 'One country’s history',
			description:
				'Runs of equal level covering the whole data range (level null for days without data) and the editors’ restrictions. CSV: the runs.',
			requestParams: { path: S.Iso3Path, query: S.FormatQuery },
			responses: {
				'200': {
					description: 'OK (format=csv: the runs as CSV)',
					content: {
						'application/json': { schema: S.BorderStatusHistoryResponse },
						'text/csv': { schema: z.string() }
					}
				},
				'400': badRequest,
				'404': unknownCountry
			},
			'x-example': '/api/border-status/ITA'
		}
	},
	'/api/border-status/series': {
		get: {
			summary: 'Every country’s runs at once',
			description:
				'What the map’s timeline scrubs through: per ISO3, runs `[fromIndex, toIndex, level]` with day indexes from `first`, and the `seq` the series includes. `region`/`country` keep some countries; `from`/`to` clip the days to the range (runs re-indexed from the new `first`); a range outside the data is a 400. JSON only.',
			requestParams: { query: S.BorderStatusSeriesQuery },
			responses: {
				'200': json(S.BorderStatusSeriesResponse),
				'400': badRequest,
				'404': unknownCountry
			},
			'x-example': '/api/border-status/series?country=BRA~IND&from=2020-03-01&to=2020-06-30'
		}
	},
	'/api/border-status/table': {
		get: {
			summary: 'The analyst’s table as of one day',
			description:
				'One row per country with border-status data, sorted by name: level and since, days at each level from the first day through `date`, first and longest closure (level 4), the last change, and personal remittances received (latest year, 2019, 2020, relative change). The same function computes the page’s table. JSON is `{ meta, rows }`; CSV the rows. `from`/`to` are refused: day counts always run from the data’s first day.',
			requestParams: { query: S.BorderStatusTableQuery },
			responses: {
				'200': withCsv(S.BorderStatusTableResponse),
				'400': badRequest,
				'404': unknownCountry
			},
			'x-example': '/api/border-status/table?date=2020-04-15&region=South%20America'
		}
	},
	'/api/border-status/counts': {
		get: {
			summary: 'Countries at each level, per day',
			description:
				'For each day of the range, how many of the selected countries were at level 0…4 and how many had no data. Without `region`/`country`, the countries counted are those with border-status data on any day. CSV columns: day, level0…level4, noData.',
			requestParams: { query: S.BorderStatusCountsQuery },
			responses: {
				'200': withCsv(S.BorderStatusCountsResponse),
				'400': badRequest,
				'404': unknownCountry
			},
			'x-example': '/api/border-status/counts?region=Europe&from=2020-03-01&to=2020-04-30'
		}
	},
	'/api/remittances': {
		get: {
			summary: 'Every country’s remittances in one year',
			description:
				'Personal remittances received or paid (current US$), or received as % of GDP, for one year (default the latest with data); `value` null without data; World Bank aggregates never appear. `from`/`to` are refused (use /api/remittances/series).',
			requestParams: { query: S.RemittancesQuery },
			responses: {
				'200': withCsv(S.RemittancesResponse),
				'400': badRequest,
				'404': unknownCountry
			},
			'x-example': '/api/remittances?year=2019&measure=share_gdp&region=Central%20America'
		}
	},
	'/api/remittances/series': {
		get: {
			summary: 'Yearly remittance series of many countries',
			description:
				'Every selected country (sorted by name, an empty series without data) with its yearly values of one measure within `from`…`to`. CSV is long: iso3, name, year, value.',
			requestParams: { query: S.RemittanceSeriesQuery },
			responses: {
				'200': withCsv(S.RemittanceSeriesResponse),
				'400': badRequest,
				'404': unknownCountry
			},
			'x-example': '/api/remittances/series?country=MEX~PHL&from=2010&to=2019'
		}
	},
	'/api/remittances/{iso3}': {
		get: {
			summary: 'One country’s remittance series',
			description: 'Received, paid and share of GDP by year.',
			requestParams: { path: S.Iso3Path },
			responses: { '200': json(S.RemittanceHistoryResponse), '404': unknownCountry },
			'x-example': '/api/remittances/MEX'
		}
	},
	'/api/remittances/monthly/{iso3}': {
		get: {
			summary: 'One country’s remittances by month',
			description:
				'US$ received and paid and the numbers of transactions each month, from the country’s central bank: so far only Mexico, from Banco de México (received from 1995-01, paid from 2013-01: `paid` is null before). Another known country is a 404 saying which countries have monthly data; a code that is not three letters a 400. CSV columns: month, received, paid, operations, paidOperations.',
			requestParams: { path: S.MonthlyIso3Path, query: S.MonthlyRemittancesQuery },
			responses: {
				'200': withCsv(S.MonthlyRemittancesResponse),
				'400': badRequest,
				'404': error('An unknown ISO3 code, or a country without monthly data, named in `error`.')
			},
			'x-example': '/api/remittances/monthly/MEX'
		}
	},
	'/api/corridors': {
		get: {
			summary: 'A country’s largest remittance corridors',
			description:
				'From the World Bank/KNOMAD bilateral matrix (US$): the largest corridors into (`in`, from origins) or out of the country. Each corridor carries `cost`, the Remittance Prices Worldwide average cost of sending about US$200 along it (% of the amount, the latest quarter with a value on or before the end of `year`, or null), and `banxico`, Banco de México’s own quarterly figure where Mexico is one end (United States → Mexico above all; null elsewhere). CSV flattens them into costPercent, costQuarter, banxicoQuarter, banxicoUsd, banxicoYear, banxicoYearUsd. `region` keeps partners in a region. `country` is one country here (the corridors’ end); `from`/`to` are refused: the matrix is one year per request.',
			requestParams: { query: S.CorridorsQuery },
			responses: { '200': withCsv(S.CorridorsResponse), '400': badRequest, '404': unknownCountry },
			'x-example': '/api/corridors?country=MEX&direction=in&region=Northern%20America'
		}
	},
	'/api/visa': {
		get: {
			summary: 'Visa requirements of a passport, or for a destination',
			description:
				'From the Passport Index snapshots: with `passport`, what its holders need for every destination (`destinations`); with `destination`, what every passport needs to enter it (`passports`). Exactly one of the two. The rules are those of the latest snapshot on or before `date` (default the latest snapshot), named in `snapshot`; a day before the first snapshot is a 404 naming it. Every vintage of the source is normalised to one vocabulary (`requirement`, with `days` for visa-free stays); a passport’s own country is not listed. CSV rows name the snapshot and both ends of each pair.',
			requestParams: { query: S.VisaQuery },
			responses: {
				'200': withCsv(
					z.union([S.VisaByPassportResponse, S.VisaByDestinationResponse]),
					'OK: `{ passport, date, snapshot, destinations }` or `{ destination, date, snapshot, passports }`'
				),
				'400': badRequest,
				'404': error('An unknown ISO3 code, or a date before the first snapshot, named in `error`.')
			},
			'x-example': '/api/visa?passport=NGA&date=2021-06-01'
		}
	},
	'/api/bans': {
		get: {
			summary: 'Border bans in force on one day (COBAP)',
			description:
				'From the COVID Border Accountability Project, policies in force on `date` (start and end inclusive; `end` null: no end recorded). With `destination`: `{ destination, date, policies }`, the policies of that country, including the European Union’s for a state that was a member when the EU policy started (`issuer` `EUR`). With `origin`: `{ origin, date, destinations: [{ iso3, policies }] }`, the countries whose policies banned that country’s citizens (`grounds` `citizenship`) or travellers from or through it (`travel history`). Each policy: type and subtype, the ISO3 lists of banned citizens and travellers, air/land/sea closures with their targets, exceptions and sources. Exactly one of `destination` and `origin`; an unknown code or a bad date is a 400 naming the parameter. JSON only.',
			requestParams: { query: S.BansQuery },
			responses: {
				'200': json(z.union([S.BansByDestinationResponse, S.BansByOriginResponse])),
				'400': badRequest
			},
			'x-example': '/api/bans?destination=ITA&date=2020-04-15'
		}
	},
	'/api/oembed': {
		get: {
			summary: 'oEmbed for a Crossings view',
			description:
				'oEmbed 1.0 (`type: rich`) for a URL of this server’s `/`, `/embed` or `/present` with view parameters: `html` is an iframe to `/embed` with the same view and the `/embed.js` resize script; `thumbnail_url` the same view as `/embed.png`. A URL of another site or another page is a 404 (as oEmbed asks); `format=xml` a 501.',
			requestParams: { query: S.OEmbedQuery },
			responses: {
				'200': json(S.OEmbedResponse),
				'400': badRequest,
				'404': error('Not a Crossings view URL of this server.'),
				'501': error('Only the JSON format is implemented.')
			},
			'x-example':
				'/api/oembed?url=http%3A%2F%2F127.0.0.1%3A3000%2Fembed%3Ftime%3D2020-04-15&maxwidth=600'
		}
	},
	'/embed.svg': {
		get: {
			summary: 'A view as an SVG map',
			description:
				'The view `/embed?…` shows, drawn on the server (Equal Earth): title, countries in the layer’s palette (no data hatched, countries outside `region` dimmed, the selection outlined; on `corridors` the first selected country’s largest inbound corridors as arcs), legend with counts, a summary sentence and the sources. For readers without JavaScript, print and social cards.',
			requestParams: { query: S.EmbedImageQuery },
			responses: {
				'200': { description: 'SVG', content: { 'image/svg+xml': { schema: z.string() } } },
				'400': badRequest,
				'404': unknownCountry
			},
			'x-example': '/embed.svg?time=2020-04-15&region=Africa'
		}
	},
	'/embed.png': {
		get: {
			summary: 'A view as a PNG map',
			description: 'The `/embed.svg` image rasterised (`width` pixels wide).',
			requestParams: { query: S.EmbedImageQuery },
			responses: {
				'200': { description: 'PNG', content: { 'image/png': { schema: z.string() } } },
				'400': badRequest,
				'404': unknownCountry
			},
			'x-example': '/embed.png?layer=remittances&time=2023&width=800'
		}
	},
	'/api/changes': {
		get: {
			summary: 'The change log',
			description:
				'Committed changes in seq order: after `after` (at most `limit`), or the newest `latest`. Filters: `region`/`country` (the changed country), `from`/`to` (the first day of the changed period; a yearly period counts as its 1 January, a month `YYYY-MM` or quarter `YYYYQn` as its first day), `kind=level` (from one value to another), `direction` (border-status levels that rose or fell; first values and removals are neither).',
			requestParams: { query: S.ChangesQuery },
			responses: { '200': withCsv(S.ChangesResponse), '400': badRequest, '404': unknownCountry },
			'x-example': '/api/changes?latest=20&region=Europe&direction=tightening'
		}
	},
	'/api/restrictions': {
		get: {
			summary: 'Editors’ curated restrictions',
			description:
				'All restrictions, or those of a selection or region; `from`/`to` keep those whose days overlap the range (`effectiveTo` null: holds on).',
			requestParams: { query: S.RestrictionsQuery },
			responses: {
				'200': withCsv(S.RestrictionsResponse),
				'400': badRequest,
				'404': unknownCountry
			},
			'x-example': '/api/restrictions?region=Europe'
		},
		post: {
			summary: 'Record a restriction (editors)',
			description:
				'Bearer `ADMIN_TOKEN`; `Content-Type: application/json`; at most 16 KB. `level` an integer 0–4; `effective_from` from the data’s first day to today plus the configured horizon; unknown fields refused. The level holds from `effective_from` until the country’s next restriction and overrides feed values.',
			security: [{ bearer: [] }],
			requestBody: { content: { 'application/json': { schema: S.RestrictionBody } } },
			responses: {
				'201': json(S.RestrictionCreatedResponse, 'Recorded'),
				'200': json(S.RestrictionCreatedResponse, 'Already recorded (`changed: false`)'),
				'400': error('Invalid: `{ error, problems, accepted }`'),
				'401': error('No valid token'),
				'403': error('The server has no ADMIN_TOKEN: writes disabled'),
				'413': error('Body larger than 16 KB'),
				'415': error('Not application/json'),
				'503': error('The database file is gone')
			},
			'x-example': '/api/restrictions'
		}
	},
	'/api/restrictions/{id}': {
		get: {
			summary: 'One restriction',
			requestParams: { path: S.RestrictionIdPath },
			responses: {
				'200': json(S.RestrictionResponse),
				'400': error('Not a positive integer'),
				'404': error('No such restriction')
			},
			'x-example': '/api/restrictions/1'
		},
		delete: {
			summary: 'Retract a restriction (editors)',
			description:
				'Bearer `ADMIN_TOKEN`. The retraction is a commit of its own: its changes say what readers see now over the days the restriction held.',
			security: [{ bearer: [] }],
			requestParams: { path: S.RestrictionIdPath },
			responses: {
				'200': json(S.RestrictionRetractedResponse, 'Retracted'),
				'400': error('Not a positive integer'),
				'401': error('No valid token'),
				'403': error('Writes disabled'),
				'404': error('No such restriction')
			},
			'x-example': '/api/restrictions/1'
		}
	},
	'/api/sessions': {
		post: {
			summary: 'Start a presenter session',
			description:
				'Anyone may present: no token, but `SESSIONS_PER_HOUR` per client address (429 with `Retry-After` past it). Body: none, or `Content-Type: application/json` `{ title? }` (unknown fields refused). The presenter opens `presentUrl` and leads over the `/live` socket (`session:lead { id, key, view }`); followers open `followUrl` (`session:follow { id }`). The key appears in this answer only (only its hash is stored). A session ends `SESSION_IDLE_HOURS` after its last lead. Never cached.',
			requestBody: {
				required: false,
				content: { 'application/json': { schema: S.SessionBody } }
			},
			responses: {
				'201': json(S.SessionCreatedResponse, 'Created'),
				'400': error('Invalid body, naming the field'),
				'413': error('Body larger than 4 KB'),
				'415': error('A body that is not application/json'),
				'429': error('Too many sessions from this address; see Retry-After'),
				'503': error('The database file is gone')
			},
			'x-example': '/api/sessions'
		}
	},
	'/api/sessions/{id}': {
		get: {
			summary: 'A presenter session as followers see it',
			description:
				'Title, the current view (null before the first lead), its version (leads so far) and when the session ends unless the presenter leads again. Never the key. Never cached: it changes with every lead.',
			requestParams: { path: S.SessionIdPath },
			responses: {
				'200': json(S.SessionResponse),
				'404': error('Unknown or expired session')
			},
			'x-example': '/api/sessions/Xq3n2GkU9fV0bY1cT8wR4A'
		}
	},
	'/api/openapi.json': {
		get: {
			summary: 'This document',
			responses: { '200': { description: 'The OpenAPI 3.1 document' } },
			'x-example': '/api/openapi.json'
		}
	}
};

let cached: ReturnType<typeof createDocument> | undefined;

export function openApiDocument(version: string) {
	cached ??= createDocument({
		openapi: '3.1.0',
		info: {
			title: 'Crossings API',
			version,
			description:
				'Border restrictions (OxCGRT C8), visa requirements (Passport Index), border bans (COBAP) and remittances (World Bank) by country. JSON by default, CSV with `format=csv`. Every read carries an ETag tied to the data version (304 on a match); add `v=<seq>` to a URL to ask for data at least that new past caches. `region` takes UN M49 regions, subregions and intermediate regions, World Bank regions and income groups; `country` a selection `BRA~IND`.'
		},
		components: {
			securitySchemes: {
				bearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }
			}
		},
		paths: OPERATIONS
	});
	return cached;
}
