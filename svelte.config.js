import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ precompress: true }),
		typescript: {
			// scripts, benchmarks and the server entry are type-checked with the app
			config(tsconfig) {
				tsconfig.include.push('../scripts/**/*.ts', '../bench/**/*.ts', '../server.ts');
				return tsconfig;
			}
		},
		// Writes are authorised by a bearer token, never by cookies, and the app has no form
		// actions: the origin check on form posts would only turn an editor's wrong
		// Content-Type into a 403 before our 415 can say what is wrong.
		csrf: { trustedOrigins: ['*'] },
		csp: {
			// Hashes, not nonces: rendered pages are cached and served to many readers, and a
			// nonce served twice is no nonce.
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'worker-src': ['self', 'blob:'],
				'child-src': ['self', 'blob:'],
				// 'self' covers ws:/wss: to this host (CSP 3): the live socket and nothing else.
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self']
			}
		}
	}
};

export default config;
