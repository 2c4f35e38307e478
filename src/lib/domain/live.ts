/** The Socket.IO `/live` protocol, shared by server and client. */
import type {
	FollowAck,
	FollowRequest,
	LeadAck,
	LeadRequest,
	SessionViewEvent
} from './session.ts';

export const LIVE_NAMESPACE = '/live';
export const LIVE_LAYERS = [
	'border-status',
	'remittances',
	'gdp',
	'corridors',
	'entry',
	'bans',
	// Banco de México's months (iso3 MEX, period YYYY-MM) and RPW costs (period YYYYQn).
	'remittances-monthly',
	'corridor-cost'
] as const;
export type LiveLayer = (typeof LIVE_LAYERS)[number];

export interface ChangeItem {
	seq: number;
	layer: string;
	iso3: string;
	/**
	 * A day `YYYY-MM-DD`, a year, a month `YYYY-MM`, a quarter `YYYYQn`, or an ISO 8601 interval
	 * `from/to` (`from/..` = holds on).
	 */
	period: string;
	old: number | null;
	new: number | null;
	/** The feed that committed it ("restrictions" for editors). */
	source: string;
	/** A corridor's other end (the origin; `iso3` is the destination); a ban's banned country. */
	partner?: string;
	/** An editor's note and source, when there is one. */
	note?: string;
	sourceUrl?: string;
}

/**
 * One committed run (ingest or API write). `after` is the seq of the commit before it, so a
 * client that holds `after` can apply it and one that does not has missed something.
 * A commit on layers the client did not subscribe to still arrives, with no items, so seqs
 * stay continuous. A very large commit sends `reload` instead of `items`.
 */
export interface ChangesEvent {
	seq: number;
	after: number;
	items?: ChangeItem[];
	reload?: string[];
}

export interface SubscribeRequest {
	layers: string[];
	/** Replay every change with a greater seq first (from the database). */
	after?: number;
}

export type SubscribeAck =
	| { ok: true; seq: number }
	/** `retryAfterMs`: refused for now (rate limit); ask again after that long. */
	| { ok: false; error: string; retryAfterMs?: number };

export interface LiveServerToClient {
	changes(event: ChangesEvent): void;
	/** A presenter session's new view, to the sockets following it (see session.ts). */
	'session:view'(event: SessionViewEvent): void;
}

export interface LiveClientToServer {
	subscribe(request: SubscribeRequest, ack?: (result: SubscribeAck) => void): void;
	/** The presenter's view, with the session's key; stored, then sent to its followers. */
	'session:lead'(request: LeadRequest, ack?: (result: LeadAck) => void): void;
	/** Follow a session: the ack carries its current state, `session:view` every change after. */
	'session:follow'(request: FollowRequest, ack?: (result: FollowAck) => void): void;
	'session:unfollow'(request: FollowRequest): void;
}

/**
 * `path` with the data version it must be at least as new as (`v=<seq>`). Reads are cached
 * for a few seconds by browsers and CDNs; a view that refetches because a live change arrived
 * asks for a URL no cache has seen yet, and every reader at the same version shares it.
 */
export function versionedUrl(path: string, seq: number): string {
	return `${path}${path.includes('?') ? '&' : '?'}v=${seq}`;
}

/**
 * The browser's reconnection after a lost connection (a server restart drops every page at
 * once): the n-th attempt waits reconnectionDelay·2^(n-1), each wait drawn at random within
 * ±randomizationFactor of it and then capped at reconnectionDelayMax, so thousands of pages
 * and embeds come back spread over seconds instead of in one stampede: 0.5–1.5 s, 1–3 s,
 * 2–6 s … then 15–30 s (an embed on someone's article can wait; it shows when it was last
 * current). socket.io-client options; bench/scale.ts measures a restart with them.
 */
export const RECONNECT_BACKOFF = {
	reconnectionDelay: 1000,
	reconnectionDelayMax: 30_000,
	randomizationFactor: 0.5
} as const;
