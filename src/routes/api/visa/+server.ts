import {
	CSV_COLUMNS,
	VisaQuery,
	type VisaByDestinationBody,
	type VisaByPassportBody
} from '$lib/domain/apiSchemas';
import { findCountry } from '$lib/server/db/countries';
import {
	passportSnapshots,
	snapshotOnOrBefore,
	visaRulesForDestination,
	visaRulesOfPassport
} from '$lib/server/db/visa';
import { serverContext } from '$lib/server/context';
import { collectionResponse } from '$lib/server/http/exports';
import { regionFilter } from '$lib/server/http/region';
import { endpoint, notFound, parseQuery, unknownCountry } from '$lib/server/http/respond';

/**
 * Visa requirements from the latest Passport Index snapshot on or before `date`: for one
 * passport (every destination) or one destination (every passport).
 */
export function GET({ url }) {
	return endpoint(() => {
		const { db } = serverContext();
		const query = parseQuery(url, VisaQuery);
		const others = regionFilter(db, query.region);
		const code = (query.passport ?? query.destination)!;
		const country = findCountry(db, code);
		if (!country) return unknownCountry(code);
		const snapshots = passportSnapshots(db);
		if (snapshots.length === 0) return notFound('no Passport Index snapshot has been ingested yet');
		const date = query.date && query.date !== 'latest' ? query.date : snapshots.at(-1)!;
		const snapshot = snapshotOnOrBefore(db, date);
		if (!snapshot) {
			return notFound(
				`date: no Passport Index snapshot on or before ${date}; the first is ${snapshots[0]}`
			);
		}
		const byPassport = query.passport !== undefined;
		const entries = (
			byPassport
				? visaRulesOfPassport(db, country.iso3, snapshot)
				: visaRulesForDestination(db, country.iso3, snapshot)
		).filter((e) => !others || others.has(e.iso3));
		const body: VisaByPassportBody | VisaByDestinationBody = byPassport
			? { passport: country.iso3, date, snapshot, destinations: entries }
			: { destination: country.iso3, date, snapshot, passports: entries };
		const side = byPassport ? 'passport' : 'destination';
		const region = query.region?.trim() || null;
		return collectionResponse({
			db,
			format: query.format,
			download: query.download,
			dataset: `visa-${side}`,
			source: 'entry',
			selection: { members: null, region, countries: [country.iso3] },
			period: snapshot,
			filters: { [side]: country.iso3, date, snapshot },
			// Each CSV row names both ends of the pair and the snapshot.
			rows: entries.map(({ iso3, ...rule }) => ({
				snapshot,
				passport: byPassport ? country.iso3 : iso3,
				destination: byPassport ? iso3 : country.iso3,
				...rule
			})),
			columns: CSV_COLUMNS.visa,
			body: () => body,
			csvFilename: `visa-${side}-${country.iso3}-${snapshot}.csv`
		});
	});
}
