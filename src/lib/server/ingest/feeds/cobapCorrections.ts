/**
 * The cells of the bundled COBAP file (`COBAPteam/COBAP` `data/policy_list.csv` at
 * f4cdae8d7e3be31c9f50ecbb17b3ede902b2a8cd) that the feed reads otherwise than as published,
 * each with its reason. Everything else is read as it is, and a cell like these in another
 * vintage is refused with a problem until someone decides what it means.
 *
 * A correction applies only while the cell still holds `find` (the whole cell for dates, a
 * part of it for lists): once the publisher fixes a cell, its correction stops applying. What
 * a policy was corrected from is kept with it (`corrections` in its detail), so nothing
 * published is lost.
 */

export interface CobapCorrection {
	/** The policy (`ID` column). */
	id: string;
	/** The column. */
	field: string;
	/** Text the published cell contains (dates: the whole cell). */
	find: string;
	/** What is read in its place. */
	replace: string;
	reason: string;
}

/** A published end before the start when the right end is unknown: the start day only. */
const startDayOnly = (id: string, published: string, start: string): CobapCorrection => ({
	id,
	field: 'END_DATE',
	find: published,
	replace: start,
	reason: `the published end (${published}) is before the start and the true end is unknown: the policy is kept for its start day only`
});

/** A cell that describes the policy in words and names no country it targets. */
const noCountries = (id: string, field: string, find: string, what: string): CobapCorrection => ({
	id,
	field,
	find,
	replace: '',
	reason: `${what}, not a list of countries`
});

export const COBAP_CORRECTIONS: readonly CobapCorrection[] = [
	// ---------------------------------------------------------------- dates
	{
		id: 'CY17',
		field: 'END_DATE',
		find: '01_04_20',
		replace: '01_04_21',
		reason:
			'the year of an end in January after a December start: CY16 ends on 12_21_20, the day CY17 starts'
	},
	{
		id: 'EE12',
		field: 'END_DATE',
		find: '01_25_20',
		replace: '01_25_21',
		reason:
			'the year of an end in January after a December start: EE13, which follows it, starts on 01_25_21'
	},
	startDayOnly('BR09', '03_08_20', '03_30_20'),
	startDayOnly('JP12', '04_01_20', '05_14_20'),
	startDayOnly('SC02', '03_11_20', '03_16_20'),
	startDayOnly('IR03', '02_16_21', '02_20_21'),
	startDayOnly('RU09', '08_01_20', '12_22_20'),

	// ---------------------------------------------------------------- cells that are not lists
	noCountries(
		'AL01',
		'TARGETS_AIR',
		'All flights to/from Tirania airport are suspended except for humanitarian flights to/from Istanbul',
		"Tirana airport's closure"
	),
	noCountries('CO14', 'TARGETS_AIR', 'Closure of Leticia airport', "Leticia airport's closure"),
	noCountries('TJ01', 'TARGETS_AIR', 'Dushanbe Airport closed', "Dushanbe airport's closure"),
	noCountries('GQ06', 'TARGETS_AIR', 'One weekly flight authorized', 'a flight quota'),
	noCountries('GQ07', 'TARGETS_AIR', 'One weekly flight', 'a flight quota'),
	noCountries('SC13', 'TARGETS_SEA', 'Cruises banned', 'a ban on cruise ships'),
	noCountries(
		'ZM03',
		'TARGETS_AIR',
		'Ndola, Livingstone, and Mfuwe Airports Closed',
		"Zambia's own airports that closed"
	),
	noCountries(
		'KW10',
		'TARGETS_AIR',
		'Flights allowed to Oman, Bahrain, Bodrum, Baku, Beirut, Cairo, Chennai, Dammam, Delhi, Doha, Dubai, Geneva, Istanbul, Kochi, Lahore, London, Mumbai, Munich, Riyadh, Trabzon',
		'the places flights were still allowed to (the opposite of targets)'
	),
	noCountries(
		'PH03',
		'COUNTRY_EXCEP_LIST',
		'foreign government and international organization officials',
		'a category of travellers'
	),
	noCountries(
		'TH01',
		'COUNTRY_EXCEP_LIST',
		'members of international organisations and their families and some other categories of people will still be able to enter as long as they obtain a fit-to-fly certificate issued not more than 72 hours before arrival, and have a certificate of entry approved by Thai government agencies',
		'categories of travellers and the papers they need'
	),
	noCountries(
		'CY03',
		'HISTORY_BAN_LIST',
		'https://web.archive.org/web/20200714043757/https://www.iatatravelcentre.com/international-travel-document-news/1580226297.htm',
		'a source URL in the place of the list'
	),

	// ---------------------------------------------------------------- lists inside sentences
	{
		id: 'BR17',
		field: 'HISTORY_BAN_LIST',
		find: 'Entry to Brazil is denied for those arriving from the EU, UK, Iceland, Japan, Republic of Korea, Malaysia, Norway, China, Australia, and Switzerland. These travellers may transit through Brazil as long as they do not leave the airport, which makes if this is a air ban ambiguous.',
		replace:
			'EU, UK, Iceland, Japan, Republic of Korea, Malaysia, Norway, China, Australia, Switzerland',
		reason: 'the countries of a sentence describing the ban'
	},
	{
		id: 'BA01',
		field: 'HISTORY_BAN_LIST',
		find: 'Passengers who have been in Wuhan, China, Italy, South Korea, and Iran are barred from entering the country',
		replace: 'China, Italy, South Korea, Iran',
		reason: 'the countries of a sentence describing the ban (Wuhan is in China)'
	},
	{
		id: 'RS07',
		field: 'HISTORY_BAN_LIST',
		find: 'Italy, Hubei Province of the People’s Republic of China, the city of Daegu and the North Gyeongsang Province of South Korea, Iran and Canton of Ticino of Switzerland',
		replace: 'Italy, China, South Korea, Iran, Switzerland',
		reason: 'regions named with their countries; COBAP codes a region as its country'
	},
	{
		id: 'MV01',
		field: 'HISTORY_BAN_LIST',
		find: 'Regions of France( Île-de-France and Grand Est),Regions of Germany (Bavaria, North Rhine-Westphalia and Baden-Württemberg)',
		replace: 'France, Germany',
		reason: 'regions named with their countries; COBAP codes a region as its country'
	},
	{
		id: 'JP07',
		field: 'HISTORY_BAN_LIST',
		find: 'Vatican  Middle East',
		replace: 'Vatican',
		reason: '"Middle East" is a heading of the source\'s list, before Iran'
	},
	{
		id: 'KG04',
		field: 'TARGETS_AIR',
		find: 'Palestine, State of Panama',
		replace: 'Palestine, State of, Panama',
		reason: 'a comma missing between "Palestine, State of" and "Panama"'
	},
	{
		id: 'ES01',
		field: 'COUNTRY_EXCEP_LIST',
		find: 'nationals and residents of a European Union or a Schengen member state who go directly to their place of residence, and holders of long-term visas issued by a European Union or Schengen member state who travel to the country that issued the visa',
		replace: 'EU, Schengen',
		reason: 'the states whose nationals, residents and visa holders are excepted'
	},
	{
		id: 'SK17',
		field: 'COUNTRY_EXCEP_LIST',
		find: 'permanent or temporary residence of Australia',
		replace: 'Australia',
		reason: 'residents of Australia: the country'
	},
	{
		id: 'SR03',
		field: 'COUNTRY_EXCEP_LIST',
		find: 'Region (USA and Carribean)',
		replace: 'United States',
		reason: '"the Caribbean" names no country; the United States is kept'
	},
	{
		id: 'CR01',
		field: 'COUNTRY_EXCEP_LIST',
		find: 'United States specific: Pennsylvania, Massachusetts, Colorado',
		replace: 'United States',
		reason: 'residents of some US states: the country'
	},
	{
		id: 'CR02',
		field: 'COUNTRY_EXCEP_LIST',
		find: 'United States specific states Colorado, Washington, Oregon, Wyoming, Arizona, New Mexico, Michigan, Rhode Island, California, Ohio',
		replace: 'United States',
		reason: 'residents of some US states: the country'
	}
];

/** The corrections of one policy's cell, in the order they apply. */
export function correctionsFor(id: string, field: string): CobapCorrection[] {
	if (!byCell) {
		byCell = new Map();
		for (const c of COBAP_CORRECTIONS) {
			const key = `${c.id} ${c.field}`;
			byCell.set(key, [...(byCell.get(key) ?? []), c]);
		}
	}
	return byCell.get(`${id} ${field}`) ?? [];
}
let byCell: Map<string, CobapCorrection[]> | undefined;
