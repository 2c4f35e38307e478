/**
 * Presenter follow sessions: a presenter leads a view, followers (`?follow=ID`) mirror it. The
 * shapes the server and the page exchange over HTTP (`/api/sessions`) and the `/live` socket.
 * Pure types and constants, so the page imports them without zod; the server validates views
 * with `SessionViewSchema` (src/lib/domain/apiSchemas.ts), which is checked against these types.
 */
import type { LayerId, MeasureParam } from './viewState.ts';

/** A view as JSON is at most this many bytes (UTF-8); larger ones are refused. */
export const SESSION_VIEW_MAX_BYTES = 8 * 1024;
/** A session id is 16 random bytes in base64url: 22 characters. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** A presenter key is 32 random bytes in base64url: 43 characters. */
export const PRESENTER_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** What a follower or presenter hears about a session that ended (or never was). */
export const UNKNOWN_SESSION = 'unknown or expired session';

/** Where the presenter's map looks. The map does not rotate, so a bearing is only ever 0. */
export interface SessionCamera {
	center: [lng: number, lat: number];
	zoom: number;
	bearing?: 0;
}

/** The story the presenter is telling, and its step. */
export interface SessionStory {
	id: string;
	step: number;
}

/** What a follower mirrors: the view-state parts a presenter leads with, plus their words. */
export interface SessionView {
	layer: LayerId;
	/** `latest`, a year `YYYY` or a day `YYYY-MM-DD`. */
	time: string;
	region: string | null;
	/** Selected countries (ISO3), in selection order. */
	country: string[];
	measure: MeasureParam;
	/** Null: the follower keeps its own camera (fitted to its screen). */
	camera: SessionCamera | null;
	story: SessionStory | null;
	caption: string | null;
	title: string;
}

/** `POST /api/sessions` → 201. The key is shown once, here: only its hash is stored. */
export interface CreatedSession {
	id: string;
	presenterKey: string;
	expiresAt: string;
	/** `/present?session=ID&key=KEY`: leads the session. */
	presentUrl: string;
	/** `/?follow=ID`: mirrors it. */
	followUrl: string;
}

/** `GET /api/sessions/{id}`: what followers see (never the key). */
export interface SessionState {
	id: string;
	title: string | null;
	/** Null until the presenter first leads. */
	view: SessionView | null;
	/** How many views the presenter has led: 0 before the first. */
	version: number;
	updatedAt: string;
	/** The session ends then unless the presenter leads again (each lead pushes it back). */
	expiresAt: string;
}

/** Presenter → server, `session:lead`: every lead carries the key. */
export interface LeadRequest {
	id: string;
	key: string;
	view: SessionView;
}

export type LeadAck =
	| { ok: true; version: number }
	/** `retryAfterMs`: too many leads for now; the view was not stored. */
	| { ok: false; error: string; retryAfterMs?: number };

/** Follower → server, `session:follow` and `session:unfollow`. */
export interface FollowRequest {
	id: string;
}

/** The session's state at once on joining (a late joiner needs no other event to catch up). */
export type FollowAck =
	| { ok: true; title: string | null; view: SessionView | null; version: number }
	| { ok: false; error: string; retryAfterMs?: number };

/**
 * Server → followers, `session:view`, on every accepted lead. Versions rise by one per lead;
 * a follower ignores one not above the last it applied (the follow ack's included).
 */
export interface SessionViewEvent {
	id: string;
	view: SessionView;
	version: number;
}

export const presentPath = (id: string, key: string) =>
	`/present?session=${encodeURIComponent(id)}&key=${encodeURIComponent(key)}`;

export const followPath = (id: string) => `/?follow=${encodeURIComponent(id)}`;
