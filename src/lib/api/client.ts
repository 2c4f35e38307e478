/**
 * A typed client of the Crossings HTTP API for the page (and scripts): one method per GET
 * endpoint, typed parameters, URLs carrying the data version (`v=<seq>`) so caches key on
 * it, an AbortSignal, and typed bodies. Types come from the zod schemas with `import type`,
 * so zod is not bundled for them.
 */
import type {
	BansByDestinationBody,
	BansByOriginBody,
	BorderStatusBody,
	BorderStatusCountsBody,
	BorderStatusHistoryBody,
	BorderStatusSeriesBody,
	BorderStatusTableBody,
	ChangesBody,
	CorridorsBody,
	CountriesBody,
	HealthBody,
	MonthlyRemittancesBody,
	RemittanceHistoryBody,
	RemittancesBody,
	RemittanceSeriesBody,
	RestrictionsBody,
	VisaByDestinationBody,
	VisaByPassportBody
} from '../domain/apiSchemas.ts';
import type { ChangeDirection } from '../domain/analysis.ts';
import { versionedUrl, type LiveLayer } from '../domain/live.ts';
import type { Measure } from '../domain/remittances.ts';

/** The filters every collection endpoint accepts. */
export interface Filters {
	region?: string | null;
	/** A selection of ISO3 codes (written `BRA~IND`). */
	country?: readonly string[];
}

export interface RequestOptions {
	signal?: AbortSignal;
}

type Params = Record<string, string | number | boolean | readonly string[] | null | undefined>;

/** An answer other than 2xx: its status and the server's message. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly body: unknown = null
	) {
		super(message);
		this.name = 'ApiError';
	}
}

/**
 * `path?a=1&b=2` with empty values left out; a list is joined with `~`, which stays
 * unescaped (URLSearchParams would write `%7E`).
 */
export function buildUrl(path: string, params: Params = {}): string {
	const pairs: string[] = [];
	for (const [key, value] of Object.entries(params)) {
		if (value === undefined || value === null || value === '' || value === false) continue;
		if (Array.isArray(value) && value.length === 0) continue;
		const text = Array.isArray(value)
			? value.map((v: string) => encodeURIComponent(v)).join('~')
			: value === true
				? '1'
				: encodeURIComponent(String(value));
		pairs.push(`${encodeURIComponent(key)}=${text}`);
	}
	return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
}

export class CrossingsApi {
	/**
	 * @param base origin prefix ('' in the page, `http://host:port` elsewhere)
	 * @param seq the data version the page holds: added as `v=<seq>` to every URL
	 * @param fetcher fetch (SvelteKit's in load functions)
	 */
	constructor(
		private readonly base = '',
		public seq: number | null = null,
		private readonly fetcher: typeof fetch = (...args) => fetch(...args)
	) {}

	/** The URL a method requests (without the base). */
	url(path: string, params: Params = {}): string {
		const url = buildUrl(path, params);
		return this.seq === null ? url : versionedUrl(url, this.seq);
	}

	private async get<T>(path: string, params: Params, options: RequestOptions = {}): Promise<T> {
		const response = await this.fetcher(this.base + this.url(path, params), {
			signal: options.signal,
			headers: { accept: 'application/json' }
		});
		const text = await response.text();
		let body: unknown = null;
		try {
			body = text === '' ? null : JSON.parse(text);
		} catch {
			body = text;
		}
		if (!response.ok) {
			const message =
				body && typeof body === 'object' && 'error' in body
					? String((body as { error: unknown }).error)
					: response.statusText;
			throw new ApiError(response.status, `${response.status} ${path}: ${message}`, body);
		}
		return body as T;
	}

	health(options?: RequestOptions) {
		return this.get<HealthBody>('/api/health', {}, options);
	}

	countries(params: Filters = {}, options?: RequestOptions) {
		return this.get<CountriesBody>('/api/countries', { ...params }, options);
	}

	borderStatus(params: Filters & { date?: string } = {}, options?: RequestOptions) {
		return this.get<BorderStatusBody>('/api/border-status', { ...params }, options);
	}

	borderStatusSeries(
		params: Filters & { from?: string; to?: string } = {},
		options?: RequestOptions
	) {
		return this.get<BorderStatusSeriesBody>('/api/border-status/series', { ...params }, options);
	}

	borderStatusTable(params: Filters & { date?: string } = {}, options?: RequestOptions) {
		return this.get<BorderStatusTableBody>('/api/border-status/table', { ...params }, options);
	}

	borderStatusCounts(
		params: Filters & { from?: string; to?: string } = {},
		options?: RequestOptions
	) {
		return this.get<BorderStatusCountsBody>('/api/border-status/counts', { ...params }, options);
	}

	/** One country's history: runs and the editors' restrictions. */
	borderStatusHistory(iso3: string, options?: RequestOptions) {
		return this.get<BorderStatusHistoryBody>(
			`/api/border-status/${encodeURIComponent(iso3)}`,
			{},
			options
		);
	}

	remittances(
		params: Filters & { year?: number; measure?: Measure; asof?: number } = {},
		options?: RequestOptions
	) {
		return this.get<RemittancesBody>('/api/remittances', { ...params }, options);
	}

	remittanceSeries(
		params: Filters & { measure?: Measure; from?: number; to?: number } = {},
		options?: RequestOptions
	) {
		return this.get<RemittanceSeriesBody>('/api/remittances/series', { ...params }, options);
	}

	/** One country's received, paid and share-of-GDP series. */
	remittanceHistory(iso3: string, options?: RequestOptions) {
		return this.get<RemittanceHistoryBody>(
			`/api/remittances/${encodeURIComponent(iso3)}`,
			{},
			options
		);
	}

	/**
	 * One country's remittances by month (US$ received and paid, transactions); only Mexico
	 * has them so far: another country is an ApiError 404 saying so.
	 */
	monthlyRemittances(iso3: string, options?: RequestOptions) {
		return this.get<MonthlyRemittancesBody>(
			`/api/remittances/monthly/${encodeURIComponent(iso3)}`,
			{},
			options
		);
	}

	/** Largest corridors with their RPW cost and, where Mexico is one end, Banxico's figure. */
	corridors(
		params: {
			country: string;
			direction?: 'in' | 'out';
			region?: string | null;
			limit?: number;
			year?: number;
		},
		options?: RequestOptions
	) {
		return this.get<CorridorsBody>('/api/corridors', { ...params }, options);
	}

	/** What holders of a passport need for every destination, as of a day (default: latest). */
	visaOfPassport(
		params: { passport: string; date?: string; region?: string | null },
		options?: RequestOptions
	) {
		return this.get<VisaByPassportBody>('/api/visa', { ...params }, options);
	}

	/** What every passport needs to enter a destination, as of a day (default: latest). */
	visaForDestination(
		params: { destination: string; date?: string; region?: string | null },
		options?: RequestOptions
	) {
		return this.get<VisaByDestinationBody>('/api/visa', { ...params }, options);
	}

	changes(
		params: Filters & {
			after?: number;
			limit?: number;
			latest?: number;
			kind?: 'all' | 'level';
			layer?: LiveLayer;
			direction?: ChangeDirection;
			from?: string;
			to?: string;
		} = {},
		options?: RequestOptions
	) {
		return this.get<ChangesBody>('/api/changes', { ...params }, options);
	}

	restrictions(params: Filters & { from?: string; to?: string } = {}, options?: RequestOptions) {
		return this.get<RestrictionsBody>('/api/restrictions', { ...params }, options);
	}

	/**
	 * COBAP bans in force on a day: a destination's policies, or the destinations that banned
	 * an origin's citizens or travellers.
	 */
	bans(
		params: { destination: string; date: string },
		options?: RequestOptions
	): Promise<BansByDestinationBody>;
	bans(
		params: { origin: string; date: string },
		options?: RequestOptions
	): Promise<BansByOriginBody>;
	bans(
		params: { destination: string; date: string } | { origin: string; date: string },
		options?: RequestOptions
	): Promise<BansByDestinationBody | BansByOriginBody> {
		return this.get('/api/bans', { ...params }, options);
	}
}
