/**
 * Starts the real production entry (server.ts on the built app) as a child process on
 * port 0 with its own SQLite file, and stops it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const C8_SNAPSHOT = join(ROOT, 'data', 'oxcgrt', 'c8_internationaltravel.csv');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface RunningServer {
	url: string;
	databasePath: string;
	/**
	 * The spawned child's pid: tsx's CLI, which runs server.ts in a node process of its own
	 * (a child of this one), so the server's memory is that child's, not this pid's.
	 */
	pid: number;
	output: () => string;
	/** Sends SIGTERM and resolves with the exit code. */
	stop(): Promise<number | null>;
}

export function tempDir(prefix = 'crossings-'): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

export async function startServer(
	options: {
		databasePath?: string;
		env?: Record<string, string>;
		/**
		 * Flags for the server's node (`--cpu-prof` …, which NODE_OPTIONS may not carry): the
		 * server then runs as `node <flags> --import tsx server.ts`, as tsx's CLI would run it.
		 */
		nodeArgs?: string[];
		/** Another entry than server.ts, relative to the root (`scripts/cluster.ts`). */
		script?: string;
	} = {}
): Promise<RunningServer> {
	const dir = options.databasePath ? null : tempDir();
	const databasePath = options.databasePath ?? join(dir!, 'crossings.db');
	const entry = join(ROOT, options.script ?? 'server.ts');
	const [command, args] = options.nodeArgs
		? [process.execPath, [...options.nodeArgs, '--import', 'tsx', entry]]
		: [TSX, [entry]];
	const child: ChildProcess = spawn(command, args, {
		cwd: ROOT,
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATABASE_PATH: databasePath,
			...options.env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let log = '';
	child.stdout!.on('data', (d: Buffer) => (log += d));
	child.stderr!.on('data', (d: Buffer) => (log += d));
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 60_000);
		const check = () => {
			const m = /listening on (http:\/\/[^\s]+)/.exec(log);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]!);
			}
		};
		child.stdout!.on('data', check);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}:\n${log}`));
		});
	});
	return {
		url,
		databasePath,
		pid: child.pid!,
		output: () => log,
		async stop() {
			// Not when it already exited, or was killed (kill -9 leaves exitCode null).
			if (child.exitCode === null && child.signalCode === null) {
				const exited = new Promise((r) => child.once('exit', r));
				child.kill('SIGTERM');
				await exited;
			}
			if (dir) rmSync(dir, { recursive: true, force: true });
			return child.exitCode;
		}
	};
}

/** A port that was free a moment ago, for a server that must come back on the same one. */
export async function freePort(): Promise<number> {
	const { createServer } = await import('node:net');
	return new Promise((resolve) => {
		const probe = createServer();
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as { port: number };
			probe.close(() => resolve(port));
		});
	});
}
