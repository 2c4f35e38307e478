// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
		}
		/** adapter-node passes the Node request: its socket is the TCP peer. */
		interface Platform {
			req?: import('node:http').IncomingMessage;
		}
	}
}

export {};
