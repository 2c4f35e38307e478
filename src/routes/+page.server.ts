import { borderStatusSeries } from '$lib/server/db/borderStatus';
import { listCountries } from '$lib/server/db/countries';
import {
	corridorYears,
	monthlyRemittanceCountries,
	remittanceYears
} from '$lib/server/db/remittances';
import { lastSeq } from '$lib/server/db/changeLog';
import { serverContext } from '$lib/server/context';

export function load() {
	const { db } = serverContext();
	// One read transaction: seq names exactly the changes the series already contains.
	return db.transaction(() => ({
		seq: lastSeq(db),
		series: borderStatusSeries(db),
		countries: listCountries(db),
		remittanceYears: {
			received: remittanceYears(db, 'received'),
			paid: remittanceYears(db, 'paid'),
			share_gdp: remittanceYears(db, 'share_gdp')
		},
		corridorYears: corridorYears(db),
		// Countries with a monthly series: the remittance panel asks only for theirs.
		monthlyCountries: monthlyRemittanceCountries(db).map((c) => c.iso3)
	}))();
}
