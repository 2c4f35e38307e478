/**
 * Follow sessions in the browser: the presenter's page leads (sends its view with the key),
 * any page with `?follow=ID` mirrors it. Both ride the page's one live socket
 * (LiveConnection.onConnect), so they rejoin after every reconnect or server restart: the
 * leader resends its last view, a follower asks again and gets the current one at once.
 */
import type { SessionView } from '../domain/session.ts';
import type { LiveConnection, LiveSocket } from '../live/connection.svelte.ts';
import type { Camera } from '../map/camera.ts';
import type { CrossingsView } from '../view/crossingsView.svelte.ts';
import { storyView } from './story.ts';

export type { SessionView };

/** The presenter's side: sends each new view, the newest only, one at a time. */
export class SessionLeader {
	status = $state<'connecting' | 'leading' | 'refused'>('connecting');
	error = $state<string | null>(null);
	#socket: LiveSocket | null = null;
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
			this.#socket = socket;
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
			} else if (ack.retryAfterMs !== undefined) {
				// Leading faster than the server takes (held arrow keys): send the newest later.
				this.#pending ??= view;
				setTimeout(() => this.#flush(), ack.retryAfterMs);
				return;
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
	/** The session's own title (the webinar's), if the presenter gave one. */
	sessionTitle = $state<string | null>(null);
	error = $state<string | null>(null);
	/** The presenter's latest view, kept while detached so re-sync is instant. */
	latest = $state.raw<SessionView | null>(null);
	/** What the banner names: the session's title, else what the presenter shows. */
	title = $derived(this.sessionTitle ?? this.latest?.title ?? null);
	#version = -1;
	#listening = new WeakSet<object>();
	readonly stop: () => void;

	constructor(
		live: LiveConnection,
		readonly id: string,
		private readonly onview: (view: SessionView) => void
	) {
		this.stop = live.onConnect((socket) => {
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
				this.sessionTitle = ack.title;
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
