/**
 * Where each layer's data comes from and under which licence: what exports, the page footer
 * and embeds credit. One place, so every surface says the same.
 */

export interface DataSource {
	/** Short name of the dataset. */
	title: string;
	/** The attribution the licence asks for. */
	source: string;
	licence: string;
	url: string;
}

export const SOURCES = {
	'border-status': {
		title: 'International travel controls (OxCGRT C8)',
		source:
			'Oxford COVID-19 Government Response Tracker, Blavatnik School of Government, University of Oxford.',
		licence: 'CC BY 4.0',
		url: 'https://github.com/OxCGRT/covid-policy-tracker'
	},
	remittances: {
		title: 'Personal remittances (World Bank WDI)',
		source:
			'World Bank, World Development Indicators (BX.TRF.PWKR.CD.DT, BM.TRF.PWKR.CD.DT, NY.GDP.MKTP.CD).',
		licence: 'CC BY 4.0',
		url: 'https://data.worldbank.org/indicator/BX.TRF.PWKR.CD.DT'
	},
	corridors: {
		title: 'Bilateral remittance corridors',
		source: 'World Bank / KNOMAD, Bilateral Remittance Matrix 2017.',
		licence: 'CC BY 4.0',
		url: 'https://www.knomad.org/data/remittances'
	},
	bans: {
		title: 'Border bans (COVID Border Accountability Project)',
		source:
			'COVID Border Accountability Project (COBAP), Mary A. Shiraef et al., covidborderaccountability.org.',
		licence: 'GPL-3.0',
		url: 'https://github.com/COBAPteam/COBAP'
	},
	restrictions: {
		title: "Editors' curated border restrictions",
		source: 'Crossings editors, with the source URL of each restriction.',
		licence: 'as the source of each restriction (sourceUrl)',
		url: ''
	},
	countries: {
		title: 'Countries and their regions',
		source:
			'ISO-3166-Countries-with-Regional-Codes by Luke Duncalfe (ISO 3166-1, UN M49); World Bank regions and income groups, World Development Indicators.',
		licence: 'CC BY-SA 4.0 (ISO 3166 / M49 table); CC BY 4.0 (World Bank)',
		url: 'https://github.com/lukes/ISO-3166-Countries-with-Regional-Codes'
	}
} as const satisfies Record<string, DataSource>;

export type SourceId = keyof typeof SOURCES;

/** The sources of a table mixing layers, joined as one credit line each. */
export function combinedSource(...ids: SourceId[]): Omit<DataSource, 'url' | 'title'> {
	return {
		source: ids.map((id) => SOURCES[id].source).join(' '),
		licence: [...new Set(ids.map((id) => SOURCES[id].licence))].join('; ')
	};
}
