/**
 * The presenter's keyboard, as a pure mapping from a key press to an action, so the stage and
 * its help overlay (`?`) share one table and tests need no browser. Presentation clickers send
 * PageUp/PageDown (some send arrows with no modifier; those step time, as on a slide with a
 * timeline).
 */
import type { LayerId } from '../domain/viewState.ts';

export type PresenterAction =
	| { kind: 'play' }
	| { kind: 'step'; by: number }
	| { kind: 'change'; direction: 1 | -1 }
	| { kind: 'layer'; layer: LayerId }
	| { kind: 'fullscreen' }
	| { kind: 'spotlight' }
	| { kind: 'story'; by: 1 | -1 }
	| { kind: 'help' }
	| { kind: 'escape' };

export interface KeyPress {
	key: string;
	shiftKey?: boolean;
	ctrlKey?: boolean;
	metaKey?: boolean;
	altKey?: boolean;
}

/** The help overlay's rows, in the order shown. */
export const PRESENTER_KEYS: readonly { keys: string; does: string }[] = [
	{ keys: 'Space', does: 'Play or pause time' },
	{ keys: '← →', does: 'One day back or forward (a year on remittances)' },
	{ keys: 'Shift + ← →', does: 'One week back or forward' },
	{ keys: '[ ]', does: 'Previous or next day on which a level changed' },
	{ keys: '1 2 3 4', does: 'Border controls, remittances, corridors, who can enter' },
	{ keys: 'PageUp PageDown', does: 'Previous or next story step (clickers)' },
	{ keys: 'S', does: 'Spotlight the country under the pointer' },
	{ keys: 'F', does: 'Full screen' },
	{ keys: '?', does: 'Show or hide these keys' },
	{ keys: 'Esc', does: 'Close help, leave spotlight' }
];

const LAYER_KEYS: Record<string, LayerId> = {
	'1': 'border-status',
	'2': 'remittances',
	'3': 'corridors',
	'4': 'entry'
};

/** The action for a key press, or null (the key is not the stage's; let it through). */
export function presenterAction(press: KeyPress): PresenterAction | null {
	// The browser's and the system's shortcuts stay theirs.
	if (press.ctrlKey || press.metaKey || press.altKey) return null;
	switch (press.key) {
		case ' ':
		case 'Spacebar':
			return { kind: 'play' };
		case 'ArrowRight':
			return { kind: 'step', by: press.shiftKey ? 7 : 1 };
		case 'ArrowLeft':
			return { kind: 'step', by: press.shiftKey ? -7 : -1 };
		case ']':
			return { kind: 'change', direction: 1 };
		case '[':
			return { kind: 'change', direction: -1 };
		case 'PageDown':
			return { kind: 'story', by: 1 };
		case 'PageUp':
			return { kind: 'story', by: -1 };
		case 'f':
		case 'F':
			return { kind: 'fullscreen' };
		case 's':
		case 'S':
			return { kind: 'spotlight' };
		case '?':
			return { kind: 'help' };
		case 'Escape':
			return { kind: 'escape' };
	}
	const layer = LAYER_KEYS[press.key];
	return layer ? { kind: 'layer', layer } : null;
}
