import { defineConfig } from 'vitest/config';

// Tests exercise the built app through real processes, so no SvelteKit plugin here.
export default defineConfig({
	test: {
		include: ['tests/**/*.test.ts'],
		testTimeout: 60_000,
		hookTimeout: 180_000,
		maxWorkers: 2,
		// Chromium suites share one machine's two cores: run them one file at a time.
		sequence: { groupOrder: 0 }
	}
});
