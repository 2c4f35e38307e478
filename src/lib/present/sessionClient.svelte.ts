/**
 * Follow sessions in the browser: the presenter's page leads (sends its view with the key),
 * any page with `?follow=ID` mirrors it. Both ride the page's one live socket
 * (LiveConnection.onConnect), so they rejoin after every reconnect or server restart: the
 * leader resends its last view, a follower asks again and gets the current one at once.
 */
import type { Socket } from 'socket.io-client';
import type { Camera } from '../map/camera.ts';
import type { LiveConnection } from '../live/connection.svelte.ts';
import type { CrossingsView } from '../view/crossingsView.svelte.ts';
import { storyView, type StoryView } from './story.ts';

/** What a presenter shares: the view, where the map looks, the story step and its caption. */
export interface SessionView extends StoryView {
	camera: Camera | null;
	story: { id: string; step: number } | null;
	caption: string | null;
	title: string;
}

type Ack<T> = ({ ok: true } & T) | { ok: false; error: string };

interface SessionServerToClient {
	'session:view': (event: { id: string; view: SessionView; version: number }) => void;
}

interface SessionClientToServer {
	'session:lead': (
		request: { id: string; key: string; view: SessionView },
		ack: (result: Ack<{ version: number }>) => void
	) => void;
	'session:follow': (
		request: { id: string },
		ack: (result: Ack<{ title: string | null; view: SessionView | null; version: number }>) => void
	) => void;
	'session:unfollow': (request: { id: string }) => void;
}

type SessionSocket = Socket<SessionServerToClient, SessionClientToServer>;

/** The presenter's side: sends each new view, the newest only, one at a time. */
export class SessionLeader {
	status = $state<'connecting' | 'leading' | 'refused'>('connecting');
	error = $state<string | null>(null);
	#socket: SessionSocket | null = null;
	#last: SessionView | null = null;
	#pending: SessionView | null = null;
	#inFlight = false;
	readonly stop: () => void;

	constructor(
		live: LiveConnection,
		readonly id: string,
		private readonly key: string
	) {
		this.stop = live.onConnect((socket) => {
			this.#socket = socket as unknown as SessionSocket;
			// After a reconnect (or a server restart) the session gets our view again.
			this.#pending ??= this.#last;
			this.#inFlight = false;
			this.#flush();
		});
	}

	publish(view: SessionView): void {
		this.#last = view;
		this.#pending = view;
		this.#flush();
	}

	#flush() {
		const socket = this.#socket;
		if (!socket?.connected || this.#inFlight || !this.#pending) return;
		const view = this.#pending;
		this.#pending = null;
		this.#inFlight = true;
		socket.emit('session:lead', { id: this.id, key: this.key, view }, (ack) => {
			this.#inFlight = false;
			if (ack.ok) {
				this.status = 'leading';
				this.error = null;
			} else {
				this.status = 'refused';
				this.error = ack.error;
			}
			this.#flush();
		});
	}
}

/** A follower's side: mirrors the presenter until the reader detaches. */
export class SessionFollower {
	state = $state<'connecting' | 'following' | 'detached' | 'ended'>('connecting');
	title = $state<string | null>(null);
	error = $state<string | null>(null);
	/** The presenter's latest view, kept while detached so re-sync is instant. */
	latest = $state.raw<SessionView | null>(null);
	#version = -1;
	#listening = new WeakSet<object>();
	readonly stop: () => void;

	constructor(
		live: LiveConnection,
		readonly id: string,
		private readonly onview: (view: SessionView) => void
	) {
		this.stop = live.onConnect((raw) => {
			const socket = raw as unknown as SessionSocket;
			if (!this.#listening.has(socket)) {
				this.#listening.add(socket);
				socket.on('session:view', (event) => {
					if (event.id === this.id) this.#receive(event.view, event.version);
				});
			}
			socket.emit('session:follow', { id: this.id }, (ack) => {
				if (!ack.ok) {
					this.state = 'ended';
					this.error = ack.error;
					return;
				}
				this.title = ack.title;
				if (this.state === 'connecting' || this.state === 'ended') this.state = 'following';
				// A restarted server may have an older version than we saw: take its state.
				if (ack.view) this.#receive(ack.view, Math.max(ack.version, this.#version + 1));
			});
		});
	}

	#receive(view: SessionView, version: number) {
		if (version <= this.#version) return;
		this.#version = version;
		this.latest = view;
		if (view.title) this.title = view.title;
		if (this.state === 'following') this.onview(view);
	}

	/** Stop mirroring; the presenter's changes are still received, not applied. */
	detach(): void {
		if (this.state === 'following') this.state = 'detached';
	}

	/** Mirror again, starting from the presenter's latest view. */
	resync(): void {
		if (this.state !== 'detached') return;
		this.state = 'following';
		if (this.latest) this.onview(this.latest);
	}
}

/**
 * Makes a page with `?follow=ID` mirror that session's presenter: the view's choices, and
 * through `show` the camera and the caption. Null when the page follows no one.
 */
export function mirrorPresenter(
	live: LiveConnection,
	view: CrossingsView,
	show: { camera(camera: Camera | null): void; caption?(caption: string | null): void }
): SessionFollower | null {
	if (!view.follow) return null;
	return new SessionFollower(live, view.follow, (shared) => {
		view.applyViewState({ ...view.viewState, ...storyView({ ...view.viewState, ...shared }) });
		show.camera(shared.camera);
		show.caption?.(shared.caption);
	});
}
