import { io as connect, type Socket } from 'socket.io-client';
import type {
	ChangesEvent,
	LiveClientToServer,
	LiveServerToClient,
	SubscribeAck
} from '../../src/lib/domain/live.ts';
import type { FollowAck, LeadAck, LeadRequest, SessionView } from '../../src/lib/domain/session.ts';

export type LiveClient = Socket<LiveServerToClient, LiveClientToServer> & {
	events: ChangesEvent[];
	/** Resolves once `n` events (in total) have arrived. */
	waitForEvents(n: number, timeoutMs?: number): Promise<ChangesEvent[]>;
};

/**
 * A real socket.io-client on `/live` that records every `changes` event. `headers` go with
 * the handshake (an `x-real-ip` for a server keyed on ADDRESS_HEADER).
 */
export function liveClient(
	url: string,
	transports: string[] = ['websocket'],
	headers: Record<string, string> = {}
): LiveClient {
	const socket = connect(`${url}/live`, {
		transports,
		forceNew: true,
		reconnection: false,
		extraHeaders: headers
	}) as LiveClient;
	socket.events = [];
	const waiters: (() => void)[] = [];
	socket.on('changes', (event) => {
		socket.events.push(event);
		for (const w of waiters.splice(0)) w();
	});
	socket.waitForEvents = (n, timeoutMs = 5000) =>
		new Promise((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`expected ${n} events, got ${socket.events.length}`)),
				timeoutMs
			);
			const check = () => {
				if (socket.events.length >= n) {
					clearTimeout(timer);
					resolve(socket.events);
				} else waiters.push(check);
			};
			check();
		});
	return socket;
}

export function subscribe(
	socket: LiveClient,
	request: { layers: string[]; after?: number }
): Promise<SubscribeAck> {
	return new Promise((resolve) => socket.emit('subscribe', request, resolve));
}

/** A presenter's view using every field of the contract. */
export const SAMPLE_VIEW: SessionView = {
	layer: 'border-status',
	time: '2020-04-15',
	region: 'Europe',
	country: ['ITA', 'FRA'],
	measure: 'received',
	camera: { center: [12.5, 41.9], zoom: 3.5, bearing: 0 },
	story: { id: 'spring-2020', step: 2 },
	caption: 'Italy closes first',
	title: 'Border closures in spring 2020'
};

export function lead(socket: LiveClient, request: LeadRequest | object): Promise<LeadAck> {
	return new Promise((resolve) => socket.emit('session:lead', request as LeadRequest, resolve));
}

export function follow(socket: LiveClient, id: string): Promise<FollowAck> {
	return new Promise((resolve) => socket.emit('session:follow', { id }, resolve));
}
