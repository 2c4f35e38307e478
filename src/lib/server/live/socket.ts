import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Server, type Namespace, type Socket } from 'socket.io';
import { z } from 'zod';
import {
	LIVE_LAYERS,
	LIVE_NAMESPACE,
	type ChangesEvent,
	type LiveClientToServer,
	type LiveServerToClient,
	type SubscribeAck
} from '../../domain/live.ts';
import type { ServerContext } from '../context.ts';
import { clientAddress } from '../http/clientAddress.ts';
import { metrics } from '../metrics.ts';
import { sharedLimiter } from '../rateLimit.ts';
import { sharedRedis } from '../redis.ts';
import { ChangeWatcher } from './changeWatcher.ts';
import { backlog, readCommits, type Commit } from './commits.ts';
import { attachSessions, type SessionLimits } from './sessionSocket.ts';

export type LiveSocket = Socket<LiveClientToServer, LiveServerToClient>;
export type LiveNamespace = Namespace<LiveClientToServer, LiveServerToClient>;

const Subscribe = z.object({
	layers: z.array(z.enum(LIVE_LAYERS)).min(1).max(LIVE_LAYERS.length),
	after: z.number().int().min(0).optional()
});

const ROOM_PREFIX = 'layers:';
const roomFor = (layers: readonly string[]) => ROOM_PREFIX + [...new Set(layers)].sort().join(',');

/** The event one commit becomes for a subscriber to `layers`. */
export function changesEventFor(commit: Commit, layers: readonly string[]): ChangesEvent {
	if (!commit.items) {
		const reload = commit.layers.filter((l) => layers.includes(l));
		return {
			seq: commit.seq,
			after: commit.after,
			...(reload.length > 0 ? { reload } : { items: [] })
		};
	}
	return {
		seq: commit.seq,
		after: commit.after,
		items: commit.items.filter((i) => layers.includes(i.layer))
	};
}

export interface LiveLimits {
	/** New connections (handshakes) per client address per minute. */
	connectionsPerMinute: number;
	/** Subscriptions per client address per minute (all its sockets together). */
	subscribesPerMinute: number;
	/** Subscriptions per socket per minute. */
	subscribesPerSocketPerMinute: number;
	/** A subscriber further behind than this many commits gets `reload` instead of a replay. */
	replayMaxCommits: number;
	/** … or further behind than this many changes. */
	replayMaxItems: number;
	/** Changes read and sent between two turns of the event loop during a replay. */
	replayPageItems: number;
	/**
	 * Bytes a socket may have waiting to be written (engine.io's packet buffer plus the
	 * WebSocket's) before it gets `reload` instead of more changes, and is dropped if it is
	 * still over at its next commit: a stalled reader must not grow the server's memory.
	 */
	maxBufferedBytes: number;
}

// A webinar's audience can sit behind one office NAT: per-address limits are set for hundreds
// of readers on one address, per-socket limits for one misbehaving page.
export const DEFAULT_LIVE_LIMITS: LiveLimits = {
	connectionsPerMinute: 1000,
	subscribesPerMinute: 2000,
	subscribesPerSocketPerMinute: 30,
	replayMaxCommits: 500,
	replayMaxItems: 5000,
	replayPageItems: 200,
	maxBufferedBytes: 1024 * 1024
};

export interface LiveOptions {
	intervalMs?: number;
	maxItems?: number;
	limits?: Partial<LiveLimits>;
	/** Presenter sessions' per-socket limits (see sessionSocket.ts). */
	sessionLimits?: Partial<SessionLimits>;
	/**
	 * Refuse long-polling: behind node:cluster (or any balancer without sticky sessions) the
	 * requests of one polling connection land on different processes, and only a WebSocket
	 * (one TCP connection) stays with the process that opened it.
	 */
	websocketOnly?: boolean;
}

/**
 * Whether a browser page on `origin` may open the socket: pages of this app (the public
 * ORIGIN, or the host the request was sent to) may, other sites may not. Embeds framed by
 * other sites are pages of this app, so their sockets carry our origin. Requests without an
 * Origin header do not come from a browser page and are left to the rate limits.
 */
export function originAllowed(
	origin: string | undefined,
	host: string | undefined,
	publicOrigin: string | null
): boolean {
	if (origin === undefined) return true;
	let parsed: URL;
	try {
		parsed = new URL(origin);
	} catch {
		return false; // "null" (sandboxed frames, file:) and garbage
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
	if (publicOrigin && parsed.origin === new URL(publicOrigin).origin) return true;
	return host !== undefined && parsed.host === host.toLowerCase();
}

export interface Live {
	io: Server;
	watcher: ChangeWatcher;
	close(): Promise<void>;
}

/**
 * Takes turns between replays: one page per turn of the event loop, whoever it is for. Many
 * subscriptions arriving in one read would otherwise each send a page in the same turn, and
 * requests would wait for all of them.
 */
class PageTurns {
	#waiting: (() => void)[] = [];
	#scheduled = false;

	next(): Promise<void> {
		return new Promise((resolve) => {
			this.#waiting.push(resolve);
			this.#schedule();
		});
	}

	#schedule() {
		if (this.#scheduled) return;
		this.#scheduled = true;
		// An immediate queued now runs in the next turn, after that turn's I/O.
		setImmediate(() => {
			this.#scheduled = false;
			this.#waiting.shift()?.();
			if (this.#waiting.length > 0) this.#schedule();
		});
	}
}

/** The parts of engine.io's connection that hold what is not yet written (not in its types). */
interface PendingWrites {
	writeBuffer?: { data?: unknown }[];
	transport?: { socket?: { bufferedAmount?: number } };
}

/**
 * Bytes queued for `socket` and not yet handed to the kernel: packets engine.io holds while
 * its transport is busy (or until the next poll), plus what the WebSocket buffered in user
 * space. A reader that stopped reading fills the kernel's buffers first, then these.
 */
export function pendingBytes(socket: Pick<Socket, 'conn'>): number {
	const conn = socket.conn as unknown as PendingWrites;
	let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
	for (const packet of conn.writeBuffer ?? []) {
		const data = packet.data;
		if (typeof data === 'string') bytes += data.length;
		else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) bytes += data.byteLength;
	}
	return bytes;
}

const retryAfter = (res: unknown) =>
	res instanceof RateLimiterRes ? Math.ceil(res.msBeforeNext) : 60_000;

/**
 * Attaches Socket.IO to the app's HTTP server with the `/live` namespace. Subscribers get
 * a replay from change_log, then every new commit as one `changes` event. Each process
 * emits only to its own sockets (`local`), so several processes behind one database never
 * deliver a commit twice. Presenter sessions share the namespace (sessionSocket.ts); with
 * REDIS_URL their views reach other processes' followers through the Redis streams adapter.
 */
export function attachLive(
	httpServer: HttpServer,
	ctx: ServerContext,
	options: LiveOptions = {}
): Live {
	const limits: LiveLimits = { ...DEFAULT_LIVE_LIMITS, ...options.limits };
	// Per address: shared by every process behind REDIS_URL, or an address would get the
	// budget once per process. Per socket: a socket lives in one process, memory suffices.
	const connectionLimiter = sharedLimiter(ctx, {
		name: 'live-connections',
		points: limits.connectionsPerMinute,
		duration: 60
	});
	const addressLimiter = sharedLimiter(ctx, {
		name: 'live-subscribes',
		points: limits.subscribesPerMinute,
		duration: 60
	});
	const socketLimiter = new RateLimiterMemory({
		points: limits.subscribesPerSocketPerMinute,
		duration: 60
	});
	const redis = sharedRedis(ctx);
	const m = metrics();
	const addressOf = (req: IncomingMessage) => clientAddress(req.headers, req.socket.remoteAddress);

	const io = new Server(httpServer, {
		// Viewers only send small subscriptions; a presenter's view is at most 8 KB.
		maxHttpBufferSize: 16 * 1024,
		transports: options.websocketOnly ? ['websocket'] : ['websocket', 'polling'],
		serveClient: false,
		// Only what is not derived from SQLite crosses processes through Redis (presenter
		// views): commits reach each process's own sockets from its ChangeWatcher (below).
		...(redis ? { adapter: createAdapter(redis, { streamName: 'crossings:live' }) } : {}),
		// Other upgrades on this server (Vite's HMR socket in dev) are not ours to close.
		destroyUpgrade: false,
		// Runs before every handshake (polling and websocket alike), before any state is made.
		allowRequest(req, callback) {
			if (!originAllowed(req.headers.origin, req.headers.host, ctx.config.origin)) {
				m.refused.inc({ reason: 'origin' });
				callback('origin not allowed', false);
				return;
			}
			connectionLimiter.consume(addressOf(req)).then(
				() => callback(null, true),
				() => {
					m.refused.inc({ reason: 'connection-rate' });
					callback('too many connections from this address', false);
				}
			);
		}
	});
	const live: LiveNamespace = io.of(LIVE_NAMESPACE);
	const watcher = new ChangeWatcher(ctx.db, options);
	const turns = new PageTurns();
	/** Sockets sent a `reload` because they were over maxBufferedBytes, until they drain. */
	const reloadedForPressure = new WeakSet<LiveSocket>();

	/**
	 * Whether `socket` is too far behind in reading to be sent the commit `seq` (after
	 * `after`). The first time it is, it gets one small `reload` for its layers instead, so it
	 * refetches rather than reading a backlog; if it is still over at a later commit, it is
	 * dropped, and its buffers with it (the client reconnects and catches up from its seq).
	 */
	function overloaded(socket: LiveSocket, layers: string[], seq: number, after: number): boolean {
		if (pendingBytes(socket) <= limits.maxBufferedBytes) {
			reloadedForPressure.delete(socket);
			return false;
		}
		if (reloadedForPressure.has(socket)) {
			m.slowConsumers.inc({ action: 'disconnect' });
			socket.disconnect(true);
			return true;
		}
		reloadedForPressure.add(socket);
		socket.emit('changes', { seq, after, reload: layers });
		m.slowConsumers.inc({ action: 'reload' });
		m.deliveries.inc({ kind: 'reload' });
		return true;
	}

	/**
	 * Sends the commits after `after` in pages, one page per turn of the event loop, until it
	 * has sent everything the watcher has announced, then joins the room for `layers` in that
	 * same turn: a commit announced later arrives through the room, none slips between. Returns
	 * false if the socket went away first.
	 */
	async function catchUpAndJoin(
		socket: LiveSocket,
		layers: string[],
		after: number | undefined
	): Promise<boolean> {
		const join = () => void socket.join(roomFor(layers));
		if (after === undefined || after >= watcher.seq) {
			join();
			return true;
		}
		const { commits, items } = backlog(ctx.db, after, watcher.seq);
		if (commits > limits.replayMaxCommits || items > limits.replayMaxItems) {
			// Too far behind: refetching the layers is cheaper for both sides than a replay.
			socket.emit('changes', { seq: watcher.seq, after, reload: layers });
			join();
			m.replayCommits.observe(0);
			m.deliveries.inc({ kind: 'reload' });
			return true;
		}
		let position = after;
		let sent = 0;
		while (position < watcher.seq) {
			await turns.next();
			if (socket.disconnected) return false;
			const page = readCommits(ctx.db, position, watcher.seq, {
				maxItems: watcher.maxItems,
				limitItems: limits.replayPageItems
			});
			for (const commit of page) {
				// A reload covers everything up to the watcher's seq: the replay ends here.
				if (overloaded(socket, layers, watcher.seq, commit.after)) {
					if (socket.disconnected) return false;
					join();
					m.replayCommits.observe(sent);
					m.deliveries.inc({ kind: 'replay' }, sent);
					return true;
				}
				socket.emit('changes', changesEventFor(commit, layers));
				sent++;
			}
			// No run ends in (position, seq]: nothing more to send up to there.
			position = page.at(-1)?.seq ?? watcher.seq;
		}
		join();
		m.replayCommits.observe(sent);
		m.deliveries.inc({ kind: 'replay' }, sent);
		return true;
	}

	live.on('connection', (socket: LiveSocket) => {
		m.openSockets.inc();
		socket.on('disconnect', () => m.openSockets.dec());
		const address = addressOf(socket.request);
		let subscribing = false;

		socket.on('subscribe', (request, ack) => {
			const reply = (result: SubscribeAck) => {
				if (typeof ack === 'function') ack(result);
			};
			if (subscribing) {
				m.refused.inc({ reason: 'subscribe-in-flight' });
				reply({ ok: false, error: 'subscribe: the previous subscription is still being served' });
				return;
			}
			const parsed = Subscribe.safeParse(request);
			if (!parsed.success) {
				const issue = parsed.error.issues[0]!;
				reply({ ok: false, error: `${issue.path.join('.') || 'subscribe'}: ${issue.message}` });
				return;
			}
			subscribing = true;
			const { layers, after } = parsed.data;
			void (async () => {
				try {
					await socketLimiter.consume(socket.id);
					await addressLimiter.consume(address);
				} catch (res) {
					m.refused.inc({ reason: 'subscribe-rate' });
					const ms = retryAfter(res);
					reply({
						ok: false,
						error: `subscribe: too many subscriptions, retry in ${Math.ceil(ms / 1000)} s`,
						retryAfterMs: ms
					});
					return;
				}
				for (const room of socket.rooms) if (room.startsWith(ROOM_PREFIX)) void socket.leave(room);
				if (await catchUpAndJoin(socket, layers, after)) reply({ ok: true, seq: watcher.seq });
			})().finally(() => (subscribing = false));
		});
	});

	watcher.onCommits((commits) => {
		m.commitsBroadcast.inc(commits.length);
		for (const [room, members] of live.adapter.rooms) {
			if (!room.startsWith(ROOM_PREFIX)) continue;
			const layers = room.slice(ROOM_PREFIX.length).split(',');
			for (const commit of commits) {
				// The room's event is encoded once for all; sockets too far behind are left out
				// of it and sent a reload (or dropped) on their own.
				const behind: string[] = [];
				for (const id of members) {
					const socket = live.sockets.get(id);
					if (socket && overloaded(socket, layers, commit.seq, commit.after)) behind.push(id);
				}
				const audience =
					behind.length > 0 ? live.local.to(room).except(behind) : live.local.to(room);
				audience.emit('changes', changesEventFor(commit, layers));
				// Dropped sockets have already left `members`.
				const stillThere = behind.filter((id) => live.sockets.has(id)).length;
				m.deliveries.inc({ kind: 'live' }, members.size - stillThere);
			}
		}
	});
	watcher.start();
	ctx.live = watcher;
	const sessions = attachSessions(live, ctx, options.sessionLimits);

	return {
		io,
		watcher,
		close: () =>
			new Promise<void>((resolve) => {
				watcher.stop();
				sessions.stop();
				delete ctx.live;
				void io.close(() => resolve());
			})
	};
}
