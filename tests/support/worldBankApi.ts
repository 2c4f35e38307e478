/** Rows and page metadata as the World Bank API v2 returns them (`[meta, rows]` per page). */

const INDICATOR_NAMES: Record<string, string> = {
	'BX.TRF.PWKR.CD.DT': 'Personal remittances, received (current US$)',
	'BM.TRF.PWKR.CD.DT': 'Personal remittances, paid (current US$)',
	'NY.GDP.MKTP.CD': 'GDP (current US$)'
};

/** One value of one economy or aggregate (`code` its ISO3 or World Bank code) and year. */
export const apiRow = (
	code: string,
	name: string,
	date: string,
	value: number | null,
	indicator = 'BX.TRF.PWKR.CD.DT'
) => ({
	indicator: { id: indicator, value: INDICATOR_NAMES[indicator] ?? indicator },
	country: { id: code.slice(0, 2), value: name },
	countryiso3code: code,
	date,
	value,
	unit: '',
	obs_status: '',
	decimal: 0
});

export const apiMeta = (page: number, pages: number, perPage: number, total: number) => ({
	page,
	pages,
	per_page: perPage,
	total,
	sourceid: '2',
	lastupdated: '2025-07-01'
});
