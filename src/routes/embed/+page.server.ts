import { revertBorderStatusChanges } from '$lib/domain/borderStatusSeries';
import { borderStatusSeries } from '$lib/server/db/borderStatus';
import { changesSince, lastSeq } from '$lib/server/db/changeLog';
import { listCountries } from '$lib/server/db/countries';
import { parseViewState } from '$lib/domain/viewState';
import { remittancesAsOf, remittancesIn, remittanceYears } from '$lib/server/db/remittances';
import { serverContext } from '$lib/server/context';

/**
 * The embed's data. A pinned embed (`live=0&asof=<seq>`, what the builder copies) shows the
 * border status and remittances as they stood at that data version: changes committed since
 * are undone, so an article's map does not change under it.
 */
export function load({ url }) {
	const { db } = serverContext();
	return db.transaction(() => {
		const seq = lastSeq(db);
		let series = borderStatusSeries(db);
		const asked = url.searchParams.get('asof');
		const asof = asked !== null && /^\d{1,15}$/.test(asked) ? Number(asked) : null;
		const pinned = url.searchParams.get('live') === '0' && asof !== null && asof < seq;
		if (pinned && series) {
			series = revertBorderStatusChanges(series, changesSince(db, 'border-status', asof));
		}
		const years = {
			received: remittanceYears(db, 'received'),
			paid: remittanceYears(db, 'paid'),
			share_gdp: remittanceYears(db, 'share_gdp')
		};
		// The remittance values come with the page, so the first render (and a reader without
		// JavaScript) has them.
		const view = parseViewState(url.searchParams);
		const range = years[view.measure];
		let remittances = null;
		if (view.layer === 'remittances' && range) {
			const asked = Number(view.time.slice(0, 4));
			const year =
				view.time === 'latest' || !asked
					? range.latest
					: Math.min(Math.max(asked, range.first), range.last);
			const values = (
				pinned
					? remittancesAsOf(db, year, view.measure, asof)
					: remittancesIn(db, year, view.measure)
			)
				.filter((c) => c.value !== null)
				.map((c): [string, number] => [c.iso3, c.value!]);
			remittances = { year, measure: view.measure, values };
		}
		return {
			seq: pinned ? asof : seq,
			pinned,
			series,
			countries: listCountries(db),
			remittanceYears: years,
			remittances
		};
	})();
}
