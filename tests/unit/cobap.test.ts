/**
 * The COBAP feed (`cobap`): real lines of the bundled policy_list.csv (quoted below as
 * published; a few copies are edited, and say how), the names its lists use, and what an
 * ingest run writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/lib/server/db/open.ts';
import {
	COUNTRY_ALIASES,
	REFERENCE_COUNTRIES
} from '../../src/lib/server/db/reference/countries.generated.ts';
import {
	imposedBy,
	intervalsOf,
	parseCobap,
	parseCobapDate,
	readSources,
	type BanPolicy
} from '../../src/lib/server/ingest/feeds/cobap.ts';
import { COBAP_CORRECTIONS } from '../../src/lib/server/ingest/feeds/cobapCorrections.ts';
import { cobapFeed, spanMinus } from '../../src/lib/server/ingest/feeds/cobapFeed.ts';
import {
	COBAP_ALIASES,
	EU_MEMBERS,
	groupMembers,
	nameKey,
	repairMojibake,
	resolvePiece,
	splitList
} from '../../src/lib/server/ingest/feeds/cobapNames.ts';
import { formatProblem, IngestRefusedError } from '../../src/lib/server/ingest/problem.ts';
import { runIngest } from '../../src/lib/server/ingest/run.ts';
import { dumpContent } from '../support/db.ts';
import { ROOT, tempDir } from '../support/server.ts';

const BUNDLED = join(ROOT, 'data', 'cobap', 'policy_list.csv');

/** Line 1 of the bundled file, BOM included. */
const HEADER =
	'\uFEFFID,COUNTRY_NAME,ISO3,ISO2,POLICY_TYPE,POLICY_SUBTYPE,START_DATE,END_DATE,AIR,AIR_TYPE,TARGETS_AIR,LAND,LAND_TYPE,TARGETS_LAND,SEA,SEA_TYPE,TARGETS_SEA,CITIZEN,CITIZEN_LIST,HISTORY_BAN,HISTORY_BAN_LIST,REFUGEE,REFUGEE_LIST,VISA_BAN,VISA_BAN_TYPE,VISA_BAN_LIST,CITIZEN_EXCEP,CITIZEN_EXCEP_LIST,COUNTRY_EXCEP,COUNTRY_EXCEP_LIST,WORK_EXCEP,SOURCE_QUALITY,SOURCE_TYPE,INTERNAL_GOVT_SOURCE,AIRLINE_SOURCE,INSURANCE_SOURCE,GOVT_SOCIAL_MED_SOURCE,EXT_GOVT_SOURCE,INTERNAL_MEDIA_SOURCE,EXT_MEDIA_SOURCE,OTHER_SOURCE,END_SOURCE,COMMENTS,OLD_ID';

/** Real lines of the bundled file, by policy id. */
const LINE = {
	CY36: 'CY36,Cyprus,CYP,CY,PARTIAL,HISTORY_BAN,06_21_21,06_28_21,0,NA,NA,0,NA,NA,0,NA,NA,0,NA,1,"Spain, Netherlands, Andorra, Monaco, Vatican City, San Marino, Switzerland, Liechtenstein, Rwanda, Russia, United Arab Emirates, Ukraine, Jordan, Lebanon, Egypt, Belarus, Qatar, Serbia, Thailand, Armenia, Georgia, Bahrain, Kuwait, Canada, Taiwan, Albania, North Macedonia ",0,NA,0,NA,NA,0,NA,0,NA,0,Very Sure,1,https://web.archive.org/web/20210725121754/https://www.pio.gov.cy/coronavirus/uploads/21062021_Epidemiological%20risk%20assessmentEN.pdf,,,,,,,,,,EB170',
	AI04: 'AI04,Anguilla,AIA,AI,COMPLETE,ESSENTIAL_ONLY,04_22_21,05_25_21,0,NA,NA,0,NA,NA,0,NA,NA,0,NA,0,NA,0,NA,0,NA,NA,0,NA,0,NA,0,Less Sure,6,,,,,,https://web.archive.org/web/20210507195435/https://www.travelagentcentral.com/caribbean/anguilla-to-reopen-may-25-after-brief-closure,,,,,ET5',
	XS01: 'XS01,Somaliland,SOL,XS,COMPLETE,ESSENTIAL_ONLY,03_26_20,NONE,0,NA,NA,0,NA,NA,0,NA,NA,0,NA,0,NA,0,NA,0,NA,NA,0,NA,0,NA,0,Less Sure,"4,6,7",,,,https://facebook.com%2FNPCCOVID19%2Fposts%2F114274343544569,,https://web.archive.org/web/20210312052224/https://somalilandstandard.com/somaliland-government-closes-borders-amid-fears-of-covid-19/,https://web.archive.org/web/20210312052108/https://crisis24.garda.com/insights/risk-alerts/wip1001192116/somalia-authorities-are-maintaining-restrictions-as-of-december-4-due-to-covid-19-activity-domestic-and-international-flights-ongoing-update-5,,,,NL61',
	EU01: 'EU01,European Union,EUR,EU,COMPLETE,WORK_EXCEP,08_08_20,10_22_20,0,NA,NA,0,NA,NA,0,NA,NA,0,NA,0,NA,0,NA,0,NA,NA,1,"citizens, permanent residents, family members of citizens and permanent residents",1,"Australia, Canada, Georgia, Japan, New Zealand, Rwanda, South Korea, Thailand, Tunisia, Uruguay",1,Very Sure,1,https://web.archive.org/web/20210129063930/https://www.consilium.europa.eu/en/press/press-releases/2020/08/07/lifting-of-travel-restrictions-council-reviews-the-list-of-third-countries/,,,,,,,,https://web.archive.org/web/20210317182034/https://www.consilium.europa.eu/en/press/press-releases/2020/10/22/travel-restrictions-council-reviews-the-list-of-third-countries-for-which-restrictions-should-be-lifted/,,LF36',
	LC02: 'LC02,Saint Lucia,LCA,LC,PARTIAL,CITIZENSHIP_BAN,03_18_20,03_23_20,0,NA,NA,0,NA,NA,0,NA,NA,1,"China, Hong Kong, South Korea, Italy, Singapore, Spain, UK, Germany, France, Guadeloupe, Martinique, Saint- Barthélemy, Saint Martin, French Guiana",1,"China, Hong Kong, South Korea, Italy, Singapore, Spain, UK, Germany, France, Guadeloupe, Martinique, Saint- Barthélemy, Saint Martin, French Guiana",0,NA,0,NA,NA,0,NA,0,NA,0,Very Sure,1,http://web.archive.org/web/20200403014637/https://34a1ju2gva4u3yrm051vedfb-wpengine.netdna-ssl.com/wp-content/uploads/2020/03/URGENT-SAINT-LUCIA-TRAVEL-GUIDE.pdf,,,,,,,,,,3754',
	BN04: 'BN04,Brunei Darussalam,BRN,BN,PARTIAL,HISTORY_BAN,03_17_20,03_24_20,0,NA,NA,0,NA,NA,0,NA,NA,0,NA,1,"China(Hubei), Iran, European Union, United Kingdom",0,NA,0,NA,NA,0,NA,0,NA,0,Very Sure,1,https://web.archive.org/web/20200520214849/http:/www.moh.gov.bn/Shared%20Documents/2019%20ncov/press%20releases/FINAL_ENG_MEDIA%20STATEMENT%20COVID-19%20(17.03.2020).pdf,,,,,,,,,,1150',
	MU08: 'MU08,Mauritius,MUS,MU,PARTIAL,HISTORY_BAN,03_16_20,04_01_20,0,NA,NA,0,NA,NA,0,NA,NA,0,NA,1,"EU, UK, Ireland, Norway, Switzerland",0,NA,0,NA,NA,0,NA,0,NA,0,Very Sure,"1,2,8",https://web.archive.org/web/20200403002721/http://health.govmu.org/English/Documents/2020/Communique%2016.03.2020.pdf,https://web.archive.org/web/20200318223018/https://www.iatatravelcentre.com/international-travel-document-news/1580226297.htm,,,,,,https://web.archive.org/web/20210514055733/https://www.mymauritius.travel/articles/additional-travel-restrictions-republic-mauritius,,14 days ban,624',
	XK04: 'XK04,Republic of Kosovo,XKX,XK,PARTIAL,BORDER_CLOSURE,12_23_20,02_22_21,1,Specific,United Kingdom,0,NA,NA,0,NA,NA,0,NA,0,NA,0,NA,0,NA,NA,0,NA,0,NA,0,Less Sure,"6,8",,,,,,https://web.archive.org/web/20211204052736/https://prishtinainsight.com/travel-restrictions-tightened/,,https://web.archive.org/web/20210610053457/https://www.gov.uk/foreign-travel-advice/kosovo/entry-requirements,,"Exact end date unclear but definitely ended by February 22, 2021",NM23',
	XS02: 'XS02,Somaliland,SOL,XS,PARTIAL,BORDER_CLOSURE,03_17_20,03_26_20,1,Specific,"China, Somalia, Kenya, Italy, Iran, France, South Korea, Spain",0,NA,NA,0,NA,NA,0,NA,0,NA,0,NA,0,NA,NA,0,NA,0,NA,0,Less Sure,6,,,,,,https://web.archive.org/web/20200322011634/https://www.horndiplomat.com/2020/03/17/somaliland-closes-schools-bans-public-events-amid-coronavirus-fears/,,,,Replaced by NL61,LM18',
	AD01: 'AD01,Andorra,AND,AD,NOPOLICYIMPLEMENTED,NONE,NONE,11_11_20,0,NA,NA,0,NA,NA,0,NA,NA,0,NA,0,NA,0,NA,0,NA,NA,0,NA,0,NA,0,Very Sure,1,https://web.archive.org/web/20201203134117/https://visitandorra.com/en/covid-19-in-andorra/faq-if-you-re-spending-a-few-days-in-andorra/,,,,,,,,,,EB45',
	BR09: 'BR09,Brazil,BRA,BR,COMPLETE,CITIZEN_EXCEP,03_30_20,03_08_20,0,NA,NA,0,NA,NA,0,NA,NA,0,NA,0,NA,0,NA,0,NA,NA,1,"Citizens, family members of citizens",0,NA,0,Very Sure,1,https://web.archive.org/web/20210126123424/https://www.in.gov.br/web/dou/-/portaria-n-152-de-27-de-marco-de-2020-250060288,,,,,,,,https://web.archive.org/web/20200421153959/http://pandemic.internationalsos.com/2019-ncov/ncov-travel-restrictions-flight-operations-and-screening,,2978'
};

/** A file as published: BOM, CRLF, the header, then the lines. */
const file = (...lines: string[]) => [HEADER, ...lines].join('\r\n') + '\r\n';

const known = new Map(REFERENCE_COUNTRIES.map((c) => [c.iso3, c.iso3]));
for (const [alias, iso3] of Object.entries(COUNTRY_ALIASES)) known.set(alias, iso3);
const ctx = {
	file: 'policy_list.csv',
	resolveCountry: (code: string) => known.get(code.trim().toUpperCase()) ?? null
};

function parse(text: string) {
	const out = parseCobap(text, ctx);
	return { ...out, problems: out.problems.items.map(formatProblem) };
}
function policy(text: string, id: string): BanPolicy {
	const out = parse(text);
	expect(out.problems).toEqual([]);
	const found = out.value.policies.find((p) => p.id === id);
	expect(found, id).toBeDefined();
	return found!;
}

describe('COBAP policy list', () => {
	it('reads a real line: MM_DD_YY dates, a history ban by names, its source', () => {
		const cy36 = policy(file(LINE.CY36), 'CY36');
		expect(cy36).toMatchObject({
			id: 'CY36',
			line: 2,
			destination: 'CYP',
			type: 'PARTIAL',
			subtype: 'HISTORY_BAN',
			start: '2021-06-21',
			end: '2021-06-28',
			checked: null
		});
		// "Vatican City, … Russia, … Taiwan, … North Macedonia " (a trailing space): 27 names.
		expect(cy36.detail.travellers).toHaveLength(27);
		expect(cy36.detail.travellers).toEqual(
			expect.arrayContaining(['ESP', 'NLD', 'VAT', 'RUS', 'ARE', 'TWN', 'MKD'])
		);
		expect(cy36.detail.citizens).toEqual([]);
		expect(cy36.detail.air).toBeNull();
		expect(cy36.detail.sourceQuality).toBe('Very Sure');
		expect(cy36.detail.sources).toEqual([
			{
				kind: 'government',
				url: 'https://web.archive.org/web/20210725121754/https://www.pio.gov.cy/coronavirus/uploads/21062021_Epidemiological%20risk%20assessmentEN.pdf'
			}
		]);
		expect(intervalsOf(cy36)).toHaveLength(27);
		expect(intervalsOf(cy36)[0]).toEqual({
			destination: 'CYP',
			target: cy36.detail.travellers[0],
			kind: 'travellers',
			policy: 'CY36',
			start: '2021-06-21',
			end: '2021-06-28'
		});
	});

	it('reads MM_DD_YY as a calendar date, and nothing else', () => {
		expect(parseCobapDate('06_21_21')).toBe('2021-06-21');
		expect(parseCobapDate('02_29_20')).toBe('2020-02-29');
		for (const bad of ['02_29_21', '13_01_20', '6_21_21', '2021-06-21', 'NONE', '']) {
			expect(parseCobapDate(bad), bad).toBeNull();
		}
		const bad = file(LINE.CY36.replace('06_21_21', '21_06_21'));
		expect(parse(bad).problems).toEqual([
			'policy_list.csv:2: START_DATE: expected a date MM_DD_YY or NONE, got "21_06_21"'
		]);
	});

	it('reads BOM and CRLF as it reads LF without BOM: the same policies on the same lines', () => {
		const published = parse(file(LINE.CY36, LINE.AI04, LINE.LC02));
		const plain = parse([HEADER.slice(1), LINE.CY36, LINE.AI04, LINE.LC02].join('\n'));
		expect(published.problems).toEqual([]);
		expect(plain.value).toEqual(published.value);
		expect(published.value.policies.map((p) => [p.id, p.line])).toEqual([
			['AI04', 3],
			['CY36', 2],
			['LC02', 4]
		]);
	});

	it('takes rows in any order, and names the line of a bad one', () => {
		const unsorted = file(LINE.XS02, LINE.AI04, LINE.CY36, LINE.AD01);
		const out = parse(unsorted);
		expect(out.value.policies.map((p) => `${p.id}@${p.line}`)).toEqual([
			'AD01@5',
			'AI04@3',
			'CY36@4',
			'XS02@2'
		]);
		const twice = parse(file(LINE.AI04, LINE.CY36, LINE.AI04));
		expect(twice.problems).toEqual([
			'policy_list.csv:4: ID: policy "AI04" again (first on line 2)'
		]);
	});

	it('reads NA as no list and an END_DATE NONE as a policy that holds on', () => {
		const xs01 = policy(file(LINE.XS01), 'XS01');
		expect(xs01).toMatchObject({ type: 'COMPLETE', start: '2020-03-26', end: null });
		expect(xs01.detail).toMatchObject({
			air: null,
			land: null,
			sea: null,
			citizens: [],
			travellers: [],
			visaBan: null,
			refugeeBan: null,
			exceptions: { people: [], countries: [], work: false }
		});
		// Four URL cells, one of them a Facebook link with escaped slashes.
		expect(xs01.detail.sources.map((s) => s.kind)).toEqual([
			'government social media',
			'national media',
			'foreign media'
		]);
	});

	it('keeps a NOPOLICYIMPLEMENTED row: no start, the day COBAP checked, never in force', () => {
		const ad01 = policy(file(LINE.AD01), 'AD01');
		expect(ad01).toMatchObject({
			destination: 'AND',
			type: 'NOPOLICYIMPLEMENTED',
			subtype: 'NONE',
			start: null,
			end: null,
			checked: '2020-11-11'
		});
		expect(intervalsOf(ad01)).toEqual([]);
		const started = file(LINE.AD01.replace('NONE,NONE,11_11_20', 'NONE,11_01_20,11_11_20'));
		expect(parse(started).problems).toEqual([
			'policy_list.csv:2: START_DATE: a NOPOLICYIMPLEMENTED row has START_DATE NONE'
		]);
	});

	it('EUR: a European Union policy applies to the member states of its start day', () => {
		const eu01 = policy(file(LINE.EU01), 'EU01');
		expect(eu01.destination).toBe('EUR');
		const members = imposedBy(eu01);
		expect(members).toHaveLength(27);
		expect(members).toEqual(expect.arrayContaining(['DEU', 'FRA', 'HRV', 'IRL']));
		expect(members).not.toContain('GBR');
		expect(eu01.detail.exceptions).toEqual({
			people: [
				'citizens',
				'permanent residents',
				'family members of citizens and permanent residents'
			],
			countries: ['AUS', 'CAN', 'GEO', 'JPN', 'KOR', 'NZL', 'RWA', 'THA', 'TUN', 'URY'],
			work: true
		});
		// Edited copy: EU01 as a citizenship ban on Canada, starting before the United Kingdom
		// left (31 January 2020): one interval per member state of that day, the UK's included.
		const edited = LINE.EU01.replace('WORK_EXCEP,08_08_20,', 'CITIZENSHIP_BAN,01_25_20,').replace(
			',0,NA,0,NA,0,NA,0,NA,NA,1,"citizens',
			',1,Canada,0,NA,0,NA,0,NA,NA,1,"citizens'
		);
		const early = policy(file(edited), 'EU01');
		expect(early.detail.citizens).toEqual(['CAN']);
		const intervals = intervalsOf(early);
		expect(intervals.map((i) => i.destination).sort()).toEqual(
			groupMembers('EU', '2020-01-25').sort()
		);
		expect(intervals).toHaveLength(28);
		expect(intervals.find((i) => i.destination === 'GBR')).toEqual({
			destination: 'GBR',
			target: 'CAN',
			kind: 'citizens',
			policy: 'EU01',
			start: '2020-01-25',
			end: '2020-10-22'
		});
		expect(groupMembers('EU', '2020-02-01')).not.toContain('GBR');
		expect(EU_MEMBERS.find((m) => m.iso3 === 'GBR')?.to).toBe('2020-01-31');
	});

	it('"EU" or "European Union" in a list: its member states on the policy\'s start', () => {
		const mu08 = policy(file(LINE.MU08), 'MU08');
		// "EU, UK, Ireland, Norway, Switzerland" on 16 March 2020: the 27, then GBR, NOR, CHE.
		expect(mu08.detail.travellers).toEqual(
			[...groupMembers('EU', '2020-03-16'), 'GBR', 'NOR', 'CHE'].sort()
		);
		const bn04 = policy(file(LINE.BN04), 'BN04');
		// "China(Hubei), Iran, European Union, United Kingdom": a province stands for China.
		expect(bn04.detail.travellers).toEqual(
			[...groupMembers('EU', '2020-03-17'), 'CHN', 'IRN', 'GBR'].sort()
		);
	});

	it('SOL: Somaliland imposes and is banned under its own code, apart from Somalia', () => {
		const xs02 = policy(file(LINE.XS02), 'XS02');
		expect(xs02.destination).toBe('SOL');
		expect(xs02.detail.air).toEqual({
			scope: 'specific',
			targets: ['CHN', 'ESP', 'FRA', 'IRN', 'ITA', 'KEN', 'KOR', 'SOM']
		});
		expect(xs02.detail.comments).toBe('Replaced by NL61');
		// Edited copy: a Kenyan citizenship ban on Somaliland.
		const edited = LINE.XS02.replace('XS02,Somaliland,SOL,XS', 'XS99,Kenya,KEN,KE').replace(
			',0,NA,0,NA,0,NA,0,NA,NA,0,NA,0,NA,0,Less Sure',
			',1,Somaliland,0,NA,0,NA,0,NA,NA,0,NA,0,NA,0,Less Sure'
		);
		expect(policy(file(edited), 'XS99').detail.citizens).toEqual(['SOL']);
	});

	it('XKX: Kosovo by its code as destination and by its names in lists', () => {
		const xk04 = policy(file(LINE.XK04), 'XK04');
		expect(xk04).toMatchObject({ destination: 'XKX', start: '2020-12-23', end: '2021-02-22' });
		expect(xk04.detail.air).toEqual({ scope: 'specific', targets: ['GBR'] });
		// As the lists name it, and by its code.
		expect(splitList('Kosovo, Kosovo (Rep.), XKX, RKS').map((p) => p.names)).toEqual(
			Array(4).fill([{ kind: 'country', iso3: 'XKX' }])
		);
	});

	it('reads lists by names and by codes, and the groups and criteria among them', () => {
		// Edited copy of CY36: its list written with codes and names mixed.
		const edited = LINE.CY36.replace(
			/1,"Spain, [^"]*"/,
			'1,"USA, GBR, Spain, SOL, XKX, EUR, United Arab Emirates, COVIDCASES"'
		);
		const cy36 = policy(file(edited), 'CY36');
		expect(cy36.detail.travellers).toEqual(
			[
				...new Set(['USA', 'GBR', 'ESP', 'SOL', 'XKX', ...groupMembers('EU', '2021-06-21'), 'ARE'])
			].sort()
		);
		expect(cy36.detail.criteria).toEqual(['COVIDCASES']);
	});

	it('reads names as the file spells them', () => {
		const cases: [string, string[]][] = [
			['Be- larus', ['BLR']], // PDF hyphenation
			['Guinea- Bissau', ['GNB']],
			['GuineaBissau', ['GNB']],
			['North                     Korea', ['PRK']],
			['R ́eunion', ['REU']], // a detached accent
			['Cˆote d’Ivoire', ['CIV']],
			['CÃ´te dâ€™Ivoire', ['CIV']], // UTF-8 read as Windows-1252
			['CÀÜote d‚ÄôIvoire', ['CIV']], // … and as Mac Roman
			['Cura Ãßcao', ['CUW']],
			['Korea (North)', ['PRK']],
			['Korea (Rep.)', ['KOR']],
			['Korea', ['KOR']],
			['China(Hubei Province, Zhejiang Province)', ['CHN']],
			['Croatia (Hrvatska', ['HRV']],
			['the Netherlands', ['NLD']],
			['Uruguay.', ['URY']],
			['Timor-Leste Turkey', ['TLS', 'TUR']], // a missing comma
			['Zimbabwe.Afghanistan', ['ZWE', 'AFG']],
			['Spain and Sweden', ['ESP', 'SWE']],
			['USA or the United Kingdom', ['USA', 'GBR']],
			['Swaziland', ['SWZ']], // the World Bank's older name
			['Somaliland', ['SOL']]
		];
		for (const [text, iso3] of cases) {
			expect(
				resolvePiece(text)?.map((n) => (n.kind === 'country' ? n.iso3 : n.kind)),
				text
			).toEqual(iso3);
		}
		expect(repairMojibake('Côte d’Ivoire')).toBe('Côte d’Ivoire');
		expect(nameKey('Guinea- Bissau')).toBe(nameKey('Guinea-Bissau'));
		// Names with a comma, joined back; a piece parted from its name by a sorted list.
		const joined = splitList(
			'Micronesia, Federated States of, Virgin Islands, British, Virgin Islands, U.S., Saint Helena, Ascension and Tristan da Cunha, Palestine, State of, Panama'
		);
		expect(joined.map((p) => p.names?.map((n) => (n.kind === 'country' ? n.iso3 : '?')))).toEqual([
			['FSM'],
			['VGB'],
			['VIR'],
			['SHN'],
			['PSE'],
			['PAN']
		]);
		for (const [alias, target] of Object.entries(COBAP_ALIASES)) {
			expect(resolvePiece(alias), alias).not.toBeNull();
			if (!target.startsWith('group:')) {
				expect(resolvePiece(alias)).toEqual([{ kind: 'country', iso3: target }]);
			}
		}
	});

	it('reports a name it cannot map with file, line and field, and refuses the input', () => {
		const atlantis = file(LINE.AI04, LINE.CY36.replace('Spain, Netherlands', 'Spain, Atlantis'));
		const out = parse(atlantis);
		expect(out.problems).toEqual([
			'policy_list.csv:3: HISTORY_BAN_LIST: unknown country name "Atlantis"'
		]);
		// The policy is not taken without the name: the run refuses the whole input.
		expect(out.value.policies.map((p) => p.id)).toEqual(['AI04']);
		const db = openDatabase(join(tempDir('crossings-cobap-'), 'refused.db'));
		try {
			const before = dumpContent(db);
			expect(() => runIngest(db, cobapFeed, { source: 'policy_list.csv', text: atlantis })).toThrow(
				IngestRefusedError
			);
			expect(dumpContent(db)).toEqual(before);
		} finally {
			db.close();
		}
		// Mojibake is repaired in the message too, so the editor reads the name.
		const mangled = parse(file(LINE.CY36.replace('Spain,', 'AtlantÃ©s,')));
		expect(mangled.problems).toEqual([
			'policy_list.csv:2: HISTORY_BAN_LIST: unknown country name "Atlantés"'
		]);
	});

	it('refuses an end before the start, unless the cell is a listed correction', () => {
		// BR09 as published: 03_30_20 to 03_08_20, read as its start day only.
		const br09 = policy(file(LINE.BR09), 'BR09');
		expect(br09).toMatchObject({ start: '2020-03-30', end: '2020-03-30' });
		expect(br09.detail.corrections).toEqual([
			{
				field: 'END_DATE',
				published: '03_08_20',
				read: '03_30_20',
				reason: expect.stringContaining('before the start')
			}
		]);
		// The same dates under another id are not corrected.
		const other = file(LINE.BR09.replace('BR09,', 'BR99,'));
		expect(parse(other).problems).toEqual([
			'policy_list.csv:2: END_DATE: the end 03_08_20 is before the start 03_30_20'
		]);
	});

	it("reads a source cell's URLs, however they are run together", () => {
		expect(
			readSources(
				'other',
				'https://web.archive.org/web/20201209010143/https:/www.verangola.net/va/en/x.htm,https://archive.is/68AhZ'
			).map((s) => s.url)
		).toEqual([
			'https://web.archive.org/web/20201209010143/https:/www.verangola.net/va/en/x.htm',
			'https://archive.is/68AhZ'
		]);
		expect(readSources('end', 'AF328  https://example.org/a ')).toEqual([
			{ kind: 'end', url: 'https://example.org/a' },
			{ kind: 'end', url: null, note: 'AF328' }
		]);
	});

	describe('the bundled file', () => {
		const out = parse(readFileSync(BUNDLED, 'utf8'));

		it('ingests cleanly: 1,578 policies, every list name mapped', () => {
			expect(out.problems).toEqual([]);
			expect(out.rowsRead).toBe(1578);
			expect(out.value.policies).toHaveLength(1578);
			const types = new Map<string, number>();
			for (const p of out.value.policies) types.set(p.type, (types.get(p.type) ?? 0) + 1);
			expect(Object.fromEntries(types)).toEqual({
				COMPLETE: 399,
				PARTIAL: 1172,
				NOPOLICYIMPLEMENTED: 7
			});
			expect(new Set(out.value.policies.map((p) => p.destination)).size).toBe(246);
			expect(out.value.policies.flatMap(intervalsOf)).toHaveLength(28532);
		});

		it('applies every correction: none is stale', () => {
			const byId = new Map(out.value.policies.map((p) => [p.id, p]));
			for (const c of COBAP_CORRECTIONS) {
				const corrected = byId.get(c.id)?.detail.corrections.filter((k) => k.field === c.field);
				expect(corrected, `${c.id} ${c.field}`).toHaveLength(1);
				expect(corrected![0]!.published).toContain(c.find);
				expect(corrected![0]!.read).toContain(c.replace);
			}
			// Every policy now ends on or after its start.
			for (const p of out.value.policies) if (p.start && p.end) expect(p.end >= p.start).toBe(true);
		});
	});
});

describe('cobap feed', () => {
	const open = () => openDatabase(join(tempDir('crossings-cobap-'), 'bans.db'));
	const changes = (db: Db, after = 0) =>
		db
			.prepare(
				`SELECT iso3, partner, period, old, new, measure, note FROM change_log
				WHERE seq > ? ORDER BY seq`
			)
			.all(after) as {
			iso3: string;
			partner: string | null;
			period: string;
			old: number | null;
			new: number | null;
			measure: string;
			note: string;
		}[];
	const ingest = (db: Db, text: string) =>
		runIngest(db, cobapFeed, { source: 'policy_list.csv', text });
	const seq = (db: Db) => db.prepare('SELECT max(seq) FROM change_log').pluck().get() as number;

	it('stores policies and intervals with one change row each; the same file again changes nothing', () => {
		const db = open();
		try {
			const text = file(LINE.LC02, LINE.AD01, LINE.XS02);
			const first = ingest(db, text);
			// LC02 bans 14 countries' citizens and travellers: 28 intervals; 3 policy rows.
			expect(first.rowsChanged).toBe(3 + 28);
			const log = changes(db);
			expect(log.filter((c) => c.measure === 'policy')).toEqual([
				{
					iso3: 'AND',
					partner: null,
					period: '2020-11-11',
					old: null,
					new: 0,
					measure: 'policy',
					note: 'AD01: NOPOLICYIMPLEMENTED NONE'
				},
				{
					iso3: 'LCA',
					partner: null,
					period: '2020-03-18/2020-03-23',
					old: null,
					new: 1,
					measure: 'policy',
					note: 'LC02: PARTIAL CITIZENSHIP_BAN'
				},
				{
					iso3: 'SOL',
					partner: null,
					period: '2020-03-17/2020-03-26',
					old: null,
					new: 1,
					measure: 'policy',
					note: 'XS02: PARTIAL BORDER_CLOSURE'
				}
			]);
			expect(log).toContainEqual({
				iso3: 'LCA',
				partner: 'BLM',
				period: '2020-03-18/2020-03-23',
				old: null,
				new: 1,
				measure: 'travellers',
				note: 'LC02'
			});
			expect(db.prepare('SELECT count(*) FROM ban_interval').pluck().get()).toBe(28);

			const at = seq(db);
			const again = ingest(db, text);
			expect(again.rowsChanged).toBe(0);
			expect(seq(db)).toBe(at);
		} finally {
			db.close();
		}
	});

	it('logs only the days a revision changed, and a removal as 1 → null', () => {
		const db = open();
		try {
			ingest(db, file(LINE.CY36, LINE.LC02));
			const at = seq(db);
			// CY36 a week longer; LC02 gone from the file.
			ingest(db, file(LINE.CY36.replace('06_21_21,06_28_21', '06_21_21,07_05_21')));
			const log = changes(db, at);
			const cy36 = log.filter((c) => c.note.startsWith('CY36'));
			expect(cy36[0]).toMatchObject({
				iso3: 'CYP',
				period: '2021-06-21/2021-07-05',
				old: 1,
				new: 1,
				note: 'CY36: revised (end)'
			});
			expect(cy36.slice(1)).toHaveLength(27);
			for (const c of cy36.slice(1)) {
				expect(c).toMatchObject({ period: '2021-06-29/2021-07-05', old: null, new: 1 });
			}
			const lc02 = log.filter((c) => c.note.startsWith('LC02'));
			expect(lc02).toHaveLength(1 + 28);
			for (const c of lc02) expect(c).toMatchObject({ old: 1, new: null });
			expect(
				db.prepare("SELECT count(*) FROM ban_interval WHERE policy_id = 'LC02'").pluck().get()
			).toBe(0);
			expect(db.prepare("SELECT count(*) FROM ban_policy WHERE id = 'LC02'").pluck().get()).toBe(0);
		} finally {
			db.close();
		}
	});

	it("writes an EU policy's intervals under each member state", () => {
		const db = open();
		try {
			const edited = LINE.EU01.replace(
				',0,NA,0,NA,0,NA,0,NA,NA,1,"citizens',
				',1,Canada,0,NA,0,NA,0,NA,NA,1,"citizens'
			);
			ingest(db, file(edited));
			const rows = db
				.prepare("SELECT destination FROM ban_interval WHERE policy_id = 'EU01' ORDER BY 1")
				.pluck()
				.all();
			expect(rows).toEqual(groupMembers('EU', '2020-08-08').sort());
			const log = changes(db);
			expect(log[0]).toMatchObject({ iso3: 'EUR', partner: null, measure: 'policy' });
			expect(log.slice(1).map((c) => c.iso3)).toEqual(rows);
		} finally {
			db.close();
		}
	});

	it('subtracts spans day by day, open ends included', () => {
		const s = (start: string, end: string | null) => ({ start, end });
		expect(spanMinus(s('2020-03-01', '2020-03-31'), s('2020-03-10', '2020-03-20'))).toEqual([
			s('2020-03-01', '2020-03-09'),
			s('2020-03-21', '2020-03-31')
		]);
		expect(spanMinus(s('2020-03-01', null), s('2020-03-01', '2020-06-30'))).toEqual([
			s('2020-07-01', null)
		]);
		expect(spanMinus(s('2020-03-01', '2020-03-31'), s('2020-03-01', null))).toEqual([]);
		expect(spanMinus(s('2020-03-01', '2020-03-31'), s('2020-04-01', null))).toEqual([
			s('2020-03-01', '2020-03-31')
		]);
	});

	it('the bundled file: a second run writes no change row', () => {
		const db = open();
		try {
			const text = readFileSync(BUNDLED, 'utf8');
			const first = ingest(db, text);
			expect(first.rowsChanged).toBe(1578 + 28532);
			const at = seq(db);
			const again = ingest(db, text);
			expect(again.rowsChanged).toBe(0);
			expect(seq(db)).toBe(at);
		} finally {
			db.close();
		}
	});
});
