import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ServerContext } from '../context.ts';
import { lastSeq } from '../ingest/run.ts';

export interface LiveServerToClient {
	hello(payload: { seq: number }): void;
}

/**
 * Attaches Socket.IO to the app's HTTP server with the `/live` namespace. Viewers only
 * send small subscription messages, so the buffer limit is kept small.
 */
export function attachLive(httpServer: HttpServer, ctx: ServerContext): Server {
	const io = new Server(httpServer, {
		maxHttpBufferSize: 16 * 1024,
		transports: ['websocket', 'polling'],
		serveClient: false,
		// Other upgrades on this server (Vite's HMR socket in dev) are not ours to close.
		destroyUpgrade: false
	});
	io.of('/live').on('connection', (socket) => {
		socket.emit('hello', { seq: lastSeq(ctx.db) });
	});
	return io;
}
