import type { Feed } from '../feed.ts';
import { banxicoRemittancesFeed } from './banxicoRemittancesFeed.ts';
import { bilateralRemittancesFeed } from './bilateralRemittancesFeed.ts';
import { cobapFeed } from './cobapFeed.ts';
import { gdpFeed } from './gdp.ts';
import { oxcgrtC8Feed } from './oxcgrtC8Feed.ts';
import { passportIndexFeed } from './passportIndexFeed.ts';
import { restrictionsFeed } from './restrictions.ts';
import { rpwFeed } from './rpwFeed.ts';
import { wbIndicatorFeed } from './wbIndicatorFeed.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each feed has its own parsed shape
export const FEEDS: Readonly<Record<string, Feed<any>>> = {
	[oxcgrtC8Feed.name]: oxcgrtC8Feed,
	[restrictionsFeed.name]: restrictionsFeed,
	[wbIndicatorFeed.name]: wbIndicatorFeed,
	[gdpFeed.name]: gdpFeed,
	[bilateralRemittancesFeed.name]: bilateralRemittancesFeed,
	[banxicoRemittancesFeed.name]: banxicoRemittancesFeed,
	[rpwFeed.name]: rpwFeed,
	[passportIndexFeed.name]: passportIndexFeed,
	[cobapFeed.name]: cobapFeed
};
