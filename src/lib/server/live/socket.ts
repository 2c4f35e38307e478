import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import { z } from 'zod';
import {
	LIVE_LAYERS,
	LIVE_NAMESPACE,
	type ChangesEvent,
	type LiveClientToServer,
	type LiveServerToClient
} from '../../domain/live.ts';
import type { ServerContext } from '../context.ts';
import { ChangeWatcher } from './changeWatcher.ts';
import { readCommits, type Commit } from './commits.ts';

type LiveSocket = Socket<LiveClientToServer, LiveServerToClient>;
type LiveNamespace = Namespace<LiveClientToServer, LiveServerToClient>;

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

export interface Live {
	io: Server;
	watcher: ChangeWatcher;
	close(): Promise<void>;
}

/**
 * Attaches Socket.IO to the app's HTTP server with the `/live` namespace. Subscribers get
 * a replay from change_log, then every new commit as one `changes` event. Each process
 * emits only to its own sockets (`local`), so several processes behind one database never
 * deliver a commit twice.
 */
export function attachLive(
	httpServer: HttpServer,
	ctx: ServerContext,
	options: { intervalMs?: number; maxItems?: number } = {}
): Live {
	const io = new Server(httpServer, {
		// Viewers only send small subscriptions.
		maxHttpBufferSize: 16 * 1024,
		transports: ['websocket', 'polling'],
		serveClient: false,
		// Other upgrades on this server (Vite's HMR socket in dev) are not ours to close.
		destroyUpgrade: false
	});
	const live: LiveNamespace = io.of(LIVE_NAMESPACE);
	const watcher = new ChangeWatcher(ctx.db, options);

	live.on('connection', (socket: LiveSocket) => {
		socket.on('subscribe', (request, ack) => {
			const parsed = Subscribe.safeParse(request);
			const reply = typeof ack === 'function' ? ack : () => {};
			if (!parsed.success) {
				const issue = parsed.error.issues[0]!;
				reply({ ok: false, error: `${issue.path.join('.') || 'subscribe'}: ${issue.message}` });
				return;
			}
			const { layers, after } = parsed.data;
			for (const room of socket.rooms) if (room.startsWith(ROOM_PREFIX)) void socket.leave(room);
			// Replay up to what the watcher has announced; later commits arrive through the
			// room. All of this runs synchronously, so nothing slips in between.
			if (after !== undefined && after < watcher.seq) {
				for (const commit of readCommits(ctx.db, after, watcher.seq, watcher.maxItems)) {
					socket.emit('changes', changesEventFor(commit, layers));
				}
			}
			void socket.join(roomFor(layers));
			reply({ ok: true, seq: watcher.seq });
		});
	});

	watcher.onCommits((commits) => {
		for (const [room] of live.adapter.rooms) {
			if (!room.startsWith(ROOM_PREFIX)) continue;
			const layers = room.slice(ROOM_PREFIX.length).split(',');
			for (const commit of commits) {
				live.local.to(room).emit('changes', changesEventFor(commit, layers));
			}
		}
	});
	watcher.start();
	ctx.live = watcher;

	return {
		io,
		watcher,
		close: () =>
			new Promise<void>((resolve) => {
				watcher.stop();
				delete ctx.live;
				void io.close(() => resolve());
			})
	};
}
