/**
 * The colours a `theme` choice means right now: `auto` follows the reader's system setting,
 * and changes with it.
 */
import type { Theme } from '../domain/viewState.ts';

export class ColorScheme {
	#prefersDark = $state(false);

	constructor() {
		$effect(() => {
			const query = window.matchMedia('(prefers-color-scheme: dark)');
			this.#prefersDark = query.matches;
			const listen = (e: MediaQueryListEvent) => (this.#prefersDark = e.matches);
			query.addEventListener('change', listen);
			return () => query.removeEventListener('change', listen);
		});
	}

	resolve(theme: Theme): 'light' | 'dark' {
		return theme === 'auto' ? (this.#prefersDark ? 'dark' : 'light') : theme;
	}
}
