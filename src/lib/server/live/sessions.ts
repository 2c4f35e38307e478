/**
 * Presenter follow sessions in SQLite (`presenter_session`, migration 8): created by
 * `POST /api/sessions`, led and followed over the `/live` socket (sessionSocket.ts). The
 * database holds everything a session is, so it outlives a restart and any process can serve
 * it; the socket layer only remembers which of its sockets proved a key.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { SessionViewSchema } from '../../domain/apiSchemas.ts';
import {
	followPath,
	presentPath,
	SESSION_VIEW_MAX_BYTES,
	type CreatedSession,
	type SessionState,
	type SessionView
} from '../../domain/session.ts';
import { prepared, type Db } from '../db/open.ts';

export const HOUR_MS = 3_600_000;
export const DEFAULT_SESSION_IDLE_MS = 12 * HOUR_MS;

/** When a session's clock reads, and how long it lives without a lead. */
export interface SessionClock {
	idleMs?: number;
	/** Milliseconds since the epoch (tests move time on). */
	now?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const keyHash = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/**
 * A new session's id, key and links. The id is public (followers share it); the key is the
 * presenter's secret, returned once and stored only as its SHA-256 (32 random bytes need no
 * slow hash: nobody can guess them, and a stolen database yields no key).
 */
export function mintSession(
	idleMs: number,
	now: number
): { created: CreatedSession; keyHash: string } {
	const id = randomBytes(16).toString('base64url');
	const presenterKey = randomBytes(32).toString('base64url');
	return {
		created: {
			id,
			presenterKey,
			expiresAt: iso(now + idleMs),
			presentUrl: presentPath(id, presenterKey),
			followUrl: followPath(id)
		},
		keyHash: keyHash(presenterKey).toString('hex')
	};
}

/** Whether `key` is the one whose hash was stored (hex), compared in constant time. */
export const keyMatches = (storedHex: string, key: string) =>
	timingSafeEqual(Buffer.from(storedHex, 'hex'), keyHash(key));

/** A new session in SQLite. */
export function createSession(
	db: Db,
	{
		title = null,
		idleMs = DEFAULT_SESSION_IDLE_MS,
		now = Date.now()
	}: { title?: string | null } & SessionClock = {}
): CreatedSession {
	const { created, keyHash: hash } = mintSession(idleMs, now);
	// Creating is rare and rate-limited: the place to forget sessions nobody leads any more.
	sweepExpiredSessions(db, now);
	prepared(
		db,
		`INSERT INTO presenter_session (id, key_hash, title, created_at, updated_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`
	).run(created.id, hash, title, iso(now), iso(now), created.expiresAt);
	return created;
}

interface SessionRow {
	id: string;
	title: string | null;
	view: string | null;
	version: number;
	updatedAt: string;
	expiresAt: string;
}

/** The session as followers see it, or null when it is unknown or expired. */
export function readSession(db: Db, id: string, now = Date.now()): SessionState | null {
	const row = prepared(
		db,
		`SELECT id, title, view, version, updated_at AS updatedAt, expires_at AS expiresAt
		FROM presenter_session WHERE id = ? AND expires_at > ?`
	).get(id, iso(now)) as SessionRow | undefined;
	if (!row) return null;
	return { ...row, view: row.view === null ? null : (JSON.parse(row.view) as SessionView) };
}

export type PresenterCheck = 'presenter' | 'unknown' | 'wrong-key';

/** Whether `key` leads session `id`: compared as hashes, in constant time. */
export function verifyPresenter(db: Db, id: string, key: string, now = Date.now()): PresenterCheck {
	const stored = prepared(
		db,
		'SELECT key_hash FROM presenter_session WHERE id = ? AND expires_at > ?',
		{ pluck: true }
	).get(id, iso(now)) as string | undefined;
	if (stored === undefined) return 'unknown';
	return keyMatches(stored, key) ? 'presenter' : 'wrong-key';
}

/**
 * Stores a validated view as the session's current one: the version goes up by one and the
 * session lives `idleMs` from now. Null when the session is unknown or expired.
 */
export function storeView(
	db: Db,
	id: string,
	view: SessionView,
	{ idleMs = DEFAULT_SESSION_IDLE_MS, now = Date.now() }: SessionClock = {}
): { version: number; updatedAt: string; expiresAt: string } | null {
	const row = prepared(
		db,
		`UPDATE presenter_session
		SET view = ?, version = version + 1, updated_at = ?, expires_at = ?
		WHERE id = ? AND expires_at > ?
		RETURNING version, updated_at AS updatedAt, expires_at AS expiresAt`
	).get(JSON.stringify(view), iso(now), iso(now + idleMs), id, iso(now)) as
		{ version: number; updatedAt: string; expiresAt: string } | undefined;
	return row ?? null;
}

/** Deletes the sessions whose presenter has been idle too long; returns how many. */
export function sweepExpiredSessions(db: Db, now = Date.now()): number {
	return prepared(db, 'DELETE FROM presenter_session WHERE expires_at <= ?').run(iso(now)).changes;
}

/**
 * A presenter's view checked at the boundary: the schema's rules and at most 8 KB as JSON.
 * The error names the field (`view.camera.zoom: …`), as an editor's 400 does.
 */
export function parseSessionView(
	input: unknown
): { ok: true; view: SessionView } | { ok: false; error: string } {
	let size: number;
	try {
		size = Buffer.byteLength(JSON.stringify(input) ?? '', 'utf8');
	} catch {
		return { ok: false, error: 'view: not JSON' };
	}
	if (size > SESSION_VIEW_MAX_BYTES) {
		return { ok: false, error: `view: larger than ${SESSION_VIEW_MAX_BYTES} bytes as JSON` };
	}
	const parsed = SessionViewSchema.safeParse(input);
	if (parsed.success) return { ok: true, view: parsed.data };
	return { ok: false, error: issueText(parsed.error, ['view']) };
}

/**
 * `field: reason` for the first problem zod found; an unknown field is named itself, a
 * problem with the whole input is named `whole`.
 */
export function issueText(error: z.ZodError, root: string[] = [], whole = 'request'): string {
	const issue = error.issues[0]!;
	const path = [...root, ...issue.path.map(String)];
	if (issue.code === 'unrecognized_keys') {
		return `${[...path, issue.keys[0]].join('.')}: unknown field`;
	}
	return `${path.join('.') || whole}: ${issue.message}`;
}
