/**
 * `npm run bench -- --only images`: server-drawn images. Cold render times of /embed.svg and
 * /embed.png, then requests/s of /embed.png served from the read cache against a static file
 * the same server serves (/geo/countries-50m.json), in the same run, with autocannon.
 * Target (issue 9): /embed.png from cache at ≥ 0.25× the static file's rate.
 */
import { cpSync, existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../src/lib/server/db/open.ts';
import { ingestBundledSnapshots } from '../src/lib/server/seed.ts';
import { ROOT, startServer, tempDir, type RunningServer } from '../tests/support/server.ts';

const SECONDS = Number(process.env.READ_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.READ_CONNECTIONS ?? 50);
const TARGET_RATIO = 0.25;
const ACCEPT = { 'accept-encoding': 'br, gzip' };
const IMAGE = '/embed.png?time=2020-04-15&region=Africa&width=1000';
const STATIC = '/geo/countries-50m.json';

async function rate(base: string, path: string) {
	await autocannon({ url: base + path, connections: CONNECTIONS, duration: 2, headers: ACCEPT });
	const r = await autocannon({
		url: base + path,
		connections: CONNECTIONS,
		duration: SECONDS,
		headers: ACCEPT
	});
	const ok = Number(r.statusCodeStats?.['200']?.count ?? 0);
	return {
		rps: ok / r.duration,
		p50: r.latency.p50,
		p99: r.latency.p99,
		non200: r.non2xx,
		errors: r.errors,
		bytes: r.throughput.total / Math.max(1, r.requests.total)
	};
}

async function timed(url: string): Promise<[number, number]> {
	const start = performance.now();
	const response = await fetch(url);
	const body = await response.arrayBuffer();
	if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
	return [performance.now() - start, body.byteLength];
}

export async function runImages(): Promise<void> {
	if (!existsSync(join(ROOT, 'build', 'handler.js'))) {
		console.log('\nimages: build/handler.js is missing: run `npm run build` first. Skipped.');
		process.exitCode = 1;
		return;
	}
	const dir = tempDir('crossings-imagebench-');
	// A copy of the build, so that a rebuild elsewhere cannot swap route chunks mid-run.
	const buildDir = join(dir, 'build');
	cpSync(join(ROOT, 'build'), buildDir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
	symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
	const databasePath = join(dir, 'crossings.db');
	const db = openDatabase(databasePath);
	ingestBundledSnapshots(db, join(ROOT, 'data'));
	db.close();
	let server: RunningServer | undefined;
	try {
		server = await startServer({ databasePath, env: { CROSSINGS_BUILD_DIR: buildDir } });
		const base = server.url;
		const cold = [
			['/embed.svg (first, loads geometry)', '/embed.svg?time=2020-04-15'],
			['/embed.svg (another view)', '/embed.svg?layer=remittances&time=2019'],
			['/embed.png (another view)', '/embed.png?layer=remittances&time=2018'],
			['/embed.png width=2000', '/embed.png?time=2020-06-01&width=2000'],
			['/embed.png (bench target)', IMAGE]
		] as const;
		console.log(`\nimages: ${availableParallelism()} CPUs, Node ${process.version}`);
		for (const [label, path] of cold) {
			const [ms, bytes] = await timed(base + path);
			console.log(`  cold ${label.padEnd(36)} ${ms.toFixed(0).padStart(6)} ms  ${bytes} bytes`);
		}
		const png = await rate(base, IMAGE);
		const file = await rate(base, STATIC);
		const icon = await rate(base, '/favicon.svg');
		const ratio = png.rps / file.rps;
		const line = (label: string, r: typeof png) =>
			`  ${label.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ` +
			`${Math.round(r.bytes)} B/resp  non-200 ${r.non200}  errors ${r.errors}`;
		console.log(`  autocannon, ${CONNECTIONS} connections, ${SECONDS} s each after a 2 s warm-up`);
		console.log(line(`${IMAGE} (cached)`, png));
		console.log(line(`${STATIC} (static, br)`, file));
		console.log(line('/favicon.svg (static, tiny)', icon));
		console.log(
			`  ratio to the tiny file ${(png.rps / icon.rps).toFixed(2)}× (bytes differ a thousandfold)`
		);
		console.log(
			`  ratio ${ratio.toFixed(2)}× (target ≥ ${TARGET_RATIO}×): ${ratio >= TARGET_RATIO ? 'PASS' : 'MISS'}`
		);
	} finally {
		await server?.stop();
	}
}
