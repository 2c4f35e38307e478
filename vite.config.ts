import { sveltekit } from '@sveltejs/kit/vite';
import type { Server as HttpServer } from 'node:http';
import { defineConfig, type Plugin } from 'vite';

/** Attaches the same Socket.IO setup as server.ts to Vite's dev server. */
function crossingsLive(): Plugin {
	return {
		name: 'crossings-live',
		apply: 'serve',
		async configureServer(server) {
			if (!server.httpServer) return;
			const { serverContext } = await server.ssrLoadModule('/src/lib/server/context.ts');
			const { attachLive } = await server.ssrLoadModule('/src/lib/server/live/socket.ts');
			const { ingestBundledSnapshots } = await server.ssrLoadModule('/src/lib/server/seed.ts');
			const ctx = serverContext();
			ingestBundledSnapshots(ctx.db, `${server.config.root}/data`);
			attachLive(server.httpServer as HttpServer, ctx);
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), crossingsLive()]
});
