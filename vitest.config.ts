import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Most tests exercise the built app through real processes, so no SvelteKit plugin there.
// View models (`*.svelte.ts`) use runes, which only the Svelte compiler understands: their
// tests compile them as the browser does, and drive them without a browser.
export default defineConfig({
	test: {
		testTimeout: 60_000,
		hookTimeout: 180_000,
		maxWorkers: 2,
		// Chromium suites share one machine's two cores: run them one file at a time.
		sequence: { groupOrder: 0 },
		projects: [
			{
				extends: true,
				test: { name: 'node', include: ['tests/{unit,integration,e2e}/**/*.test.ts'] }
			},
			{
				extends: true,
				plugins: [svelte({ compilerOptions: { runes: true } })],
				resolve: { conditions: ['browser'] },
				test: { name: 'view', include: ['tests/view/**/*.test.ts'] }
			}
		]
	}
});
