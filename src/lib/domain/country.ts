/**
 * Map features that have no ISO 3166 numeric id in Natural Earth / world-atlas.
 * Kosovo is a country in our reference data (XKX); the others are drawn but carry
 * no data of their own, so the map shows them hatched and names them honestly.
 */
export const UNCODED_MAP_FEATURES: Record<string, { code: string; note: string }> = {
	Kosovo: { code: 'XKX', note: '' },
	'N. Cyprus': {
		code: 'CYN',
		note: 'Not covered separately by the sources; see Cyprus.'
	},
	Somaliland: {
		code: 'SOL',
		note: 'Not covered separately by the sources; see Somalia.'
	},
	'Indian Ocean Ter.': {
		code: 'IOA',
		note: 'Australian Indian Ocean Territories; not covered by the sources.'
	},
	'Siachen Glacier': {
		code: 'KAS',
		note: 'Disputed area; not covered by the sources.'
	}
};

/** A row of the country reference table, as installed by the migrations. */
export interface ReferenceCountry {
	iso3: string;
	iso2: string | null;
	/** ISO 3166 numeric code, zero-padded ("004"). */
	numeric: string | null;
	name: string;
	m49Region: string | null;
	m49Subregion: string | null;
	m49IntermediateRegion: string | null;
	wbRegion: string | null;
	incomeGroup: string | null;
	/** The World Bank's table name, used to map name-only World Bank files. */
	wbName: string | null;
}

/** The public shape of a country in the API. */
export interface Country {
	iso3: string;
	iso2: string | null;
	name: string;
	m49Region: string | null;
	m49Subregion: string | null;
	/** UN M49 intermediate region (e.g. Western Africa within Sub-Saharan Africa). */
	m49IntermediateRegion: string | null;
	wbRegion: string | null;
	incomeGroup: string | null;
}
