/**
 * npm start: builds the app if the build is missing or older than its sources, then runs
 * the production server (which creates the database when needed and ingests the bundled
 * snapshots it lacks or holds in older versions).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'build', 'handler.js');

function newestMtime(path: string): number {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
	return newest;
}

const inputs = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json']
	.map((p) => join(root, p))
	.filter((p) => existsSync(p) && !p.endsWith(join('static', 'geo')));
const stale = !existsSync(built) || Math.max(...inputs.map(newestMtime)) > statSync(built).mtimeMs;
if (stale) {
	console.log('Building Crossings (first start or sources changed)…');
	const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (build.status !== 0) process.exit(build.status ?? 1);
}

await import('../server.ts');
