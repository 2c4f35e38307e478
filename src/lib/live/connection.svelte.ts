import type { io as IoFactory, Socket } from 'socket.io-client';
import {
	LIVE_NAMESPACE,
	RECONNECT_BACKOFF,
	type ChangeItem,
	type ChangesEvent,
	type LiveClientToServer,
	type LiveServerToClient
} from '../domain/live.ts';

export type LiveSocket = Socket<LiveServerToClient, LiveClientToServer>;

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveConnectionOptions {
	layers: string[];
	/** The seq the page's data already includes. */
	seq: number;
	/** Items of one commit, in order; return false if they could not be applied in place. */
	apply(items: ChangeItem[]): boolean;
	/**
	 * Refetch the data of `layers` (all subscribed layers after a gap), at least as new as
	 * `atLeast` (the seq the server announced); resolves with the seq the refetched data includes.
	 */
	resync(layers: readonly string[], atLeast: number): Promise<number>;
}

/**
 * The page's one live connection. It keeps `seq` as the last change applied, resubscribes
 * with it after every reconnect, and refetches the snapshot when it sees a gap or a reload.
 */
export class LiveConnection {
	status = $state<LiveStatus>('connecting');
	seq = $state(0);
	/** When the last change arrived (or the connection last confirmed it is current). */
	updatedAt = $state<number | null>(null);
	#socket: Socket<LiveServerToClient, LiveClientToServer> | null = null;
	/** Other features on this page's one socket (follow sessions): told of every (re)connect. */
	#onConnect: ((socket: LiveSocket) => void)[] = [];
	#options: LiveConnectionOptions;
	#resyncing = false;

	constructor(options: LiveConnectionOptions) {
		this.#options = options;
		this.seq = options.seq;
	}

	/**
	 * Opens the socket. The client library loads on demand, so it is never on the way to a
	 * page's first map (and a pinned embed never downloads it).
	 */
	connect(): () => void {
		let closed = false;
		let close = () => {};
		void import('socket.io-client').then(({ io }) => {
			if (!closed) close = this.#open(io);
		});
		return () => {
			closed = true;
			close();
		};
	}

	#open(io: typeof IoFactory): () => void {
		// WebSocket first; long-polling only where a proxy will not upgrade.
		const socket: Socket<LiveServerToClient, LiveClientToServer> = io(LIVE_NAMESPACE, {
			transports: ['websocket', 'polling'],
			...RECONNECT_BACKOFF
		});
		this.#socket = socket;
		socket.on('connect', () => {
			this.#subscribe();
			for (const handler of this.#onConnect) handler(socket);
		});
		socket.on('disconnect', () => (this.status = navigator.onLine ? 'reconnecting' : 'offline'));
		socket.io.on('reconnect_attempt', () => {
			this.status = navigator.onLine ? 'reconnecting' : 'offline';
		});
		socket.on('changes', (event) => this.#receive(event));
		const offline = () => (this.status = 'offline');
		const online = () => {
			if (!socket.connected) socket.connect();
		};
		// Close cleanly when the document goes away (an iframe whose src changes, a tab put in
		// the back/forward cache, which an open socket would keep it out of); reopen if the
		// page is shown again. Resubscribing with `seq` catches up on what was missed.
		const hide = () => socket.disconnect();
		const show = (e: PageTransitionEvent) => {
			if (e.persisted) socket.connect();
		};
		window.addEventListener('offline', offline);
		window.addEventListener('online', online);
		window.addEventListener('pagehide', hide);
		window.addEventListener('pageshow', show);
		return () => {
			window.removeEventListener('offline', offline);
			window.removeEventListener('online', online);
			window.removeEventListener('pagehide', hide);
			window.removeEventListener('pageshow', show);
			socket.close();
			this.#socket = null;
		};
	}

	/**
	 * Runs `handler` with the socket now if it is connected and after every reconnect, so a
	 * feature can (re)join its rooms (follow sessions: see sessionClient.svelte.ts); returns a
	 * function that stops it.
	 */
	onConnect(handler: (socket: LiveSocket) => void): () => void {
		this.#onConnect.push(handler);
		if (this.#socket?.connected) handler(this.#socket);
		return () => {
			this.#onConnect = this.#onConnect.filter((h) => h !== handler);
		};
	}

	#subscribe() {
		this.#socket?.emit('subscribe', { layers: this.#options.layers, after: this.seq }, (ack) => {
			if (!ack.ok) {
				console.warn(`live: ${ack.error}`);
				// Refused for now (rate limit): ask again later, spread so pages do not return together.
				if (ack.retryAfterMs !== undefined) {
					const wait = ack.retryAfterMs * (1 + Math.random() / 2);
					setTimeout(() => {
						if (this.#socket?.connected) this.#subscribe();
					}, wait);
				}
				return;
			}
			this.status = 'live';
			this.updatedAt = Date.now();
			// The server knows less than we do: it is another database; start over from it.
			if (ack.seq < this.seq) void this.#resync(this.#options.layers, ack.seq);
		});
	}

	#receive(event: ChangesEvent) {
		if (this.#resyncing || event.seq <= this.seq) return;
		if (event.after !== this.seq) {
			void this.#resync(this.#options.layers, event.seq);
			return;
		}
		if (event.reload) {
			void this.#resync(event.reload, event.seq);
			return;
		}
		if (event.items && event.items.length > 0 && !this.#options.apply(event.items)) {
			void this.#resync(this.#options.layers, event.seq);
			return;
		}
		this.seq = event.seq;
		this.updatedAt = Date.now();
	}

	/** Refetches the snapshot, then asks for whatever was committed after it. */
	async #resync(layers: readonly string[], atLeast: number) {
		if (this.#resyncing) return;
		this.#resyncing = true;
		try {
			this.seq = await this.#options.resync(layers, atLeast);
			this.updatedAt = Date.now();
		} catch (err) {
			console.warn(`live: refetching the data failed: ${(err as Error).message}`);
		} finally {
			this.#resyncing = false;
		}
		if (this.#socket?.connected) this.#subscribe();
	}
}
