/**
 * A real redis-server for tests (Debian's /usr/bin/redis-server): on a free port, nothing
 * written to disk, stopped again by the test that started it.
 */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './server.ts';

export interface RunningRedis {
	url: string;
	port: number;
	/** Stops it at once (SIGKILL: nothing is on disk to lose) and waits for the exit. */
	stop(): Promise<void>;
}

const REDIS_SERVER = process.env.REDIS_SERVER || 'redis-server';

/** Sends PING and resolves true on +PONG, false on anything else (refused, not yet up). */
function ping(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = createConnection({ port, host: '127.0.0.1' });
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(500, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			answer += d.toString();
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

export async function startRedis(): Promise<RunningRedis> {
	const port = await freePort();
	const child = spawn(
		REDIS_SERVER,
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
		{ stdio: ['ignore', 'pipe', 'pipe'] }
	);
	let output = '';
	child.stdout!.on('data', (d: Buffer) => (output += d));
	child.stderr!.on('data', (d: Buffer) => (output += d));
	const deadline = Date.now() + 10_000;
	while (!(await ping(port))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`redis-server did not start on port ${port}:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGKILL');
			await exited;
		}
	};
}
