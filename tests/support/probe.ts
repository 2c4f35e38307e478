/**
 * Health probes from a process of their own, so what they measure is the server's answer
 * time and not the test process's own event loop (busy decoding its clients' messages).
 */
import { spawn } from 'node:child_process';

const PROBER = `
const url = process.argv[1];
const times = [];
let probing = true;
process.stdin.on('data', () => (probing = false));
process.stdin.on('end', () => (probing = false));
(async () => {
	while (probing) {
		const started = performance.now();
		const response = await fetch(url);
		await response.arrayBuffer();
		times.push(performance.now() - started);
		await new Promise((r) => setTimeout(r, 20));
	}
	process.stdout.write(JSON.stringify(times));
})();
`;

/** Starts probing `url` every 20 ms; `stop()` resolves with every probe's time in ms. */
export function probe(url: string): { stop(): Promise<number[]> } {
	const child = spawn(process.execPath, ['-e', PROBER, url], {
		stdio: ['pipe', 'pipe', 'inherit']
	});
	let out = '';
	child.stdout.on('data', (d: Buffer) => (out += d));
	const done = new Promise<number[]>((resolve) =>
		child.on('close', () => resolve(JSON.parse(out || '[]') as number[]))
	);
	return {
		stop() {
			child.stdin.end('stop');
			return done;
		}
	};
}
