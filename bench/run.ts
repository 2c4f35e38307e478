/**
 * npm run bench: each figure beside a baseline measured in the same run, on this machine.
 *
 * - ingest: a full oxcgrt-c8 run (parse, validate, diff, values + change_log + derived runs,
 *   one transaction) against a bare better-sqlite3 insert loop of the same number of rows.
 * - re-ingest: the same file again (parse + diff, nothing written) against parsing alone.
 * - border status on a day (with since-when, all countries) against a bare indexed SELECT
 *   of the day's values.
 * - fan-out: one committed change reaching N live clients against a raw ws broadcast
 *   (bench/fanout.ts).
 * - read path: requests/s and latency of the server's reads against a static file it serves,
 *   and its event-loop delay under load, ingest and socket floods against idle (bench/readPath.ts).
 * - first map: navigation to a map with data, and bytes, against a bare MapLibre page
 *   (bench/firstMap.ts).
 * - scale: fan-out p50/p95/p99 against a bare Socket.IO server and a raw `ws` server, two
 *   server processes behind Redis (lost and duplicated deliveries counted), a replica's lag
 *   behind its primary, heap per idle connection and a reconnect storm (bench/scale.ts).
 */
import Database from 'better-sqlite3';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { borderStatusOn } from '../src/lib/server/db/borderStatus.ts';
import { openDatabase } from '../src/lib/server/db/open.ts';
import { oxcgrtC8Feed } from '../src/lib/server/ingest/feeds/oxcgrtC8Feed.ts';
import { parseOxcgrtC8 } from '../src/lib/server/ingest/feeds/oxcgrtC8.ts';
import { runIngest } from '../src/lib/server/ingest/run.ts';
import { runFanout } from './fanout.ts';
import { runFirstMap } from './firstMap.ts';
import { runImages } from './images.ts';
import { runReadPath } from './readPath.ts';
import { runScale } from './scale.ts';

// `npm run bench -- --only fanout` runs the fan-out benchmark (bench/fanout.ts) alone,
// `npm run bench -- --only read` the read-path benchmark (bench/readPath.ts),
// `npm run bench -- --only first-map` the first map against bare MapLibre (bench/firstMap.ts),
// `npm run bench -- --only images` server-drawn images against a static file (bench/images.ts),
// `npm run bench -- --only scale` fan-out against bare Socket.IO and raw ws, two processes behind
// Redis, replica lag, idle heap and a reconnect storm (bench/scale.ts).
const ONLY: Record<string, () => Promise<void>> = {
	fanout: runFanout,
	read: runReadPath,
	'first-map': runFirstMap,
	images: runImages,
	scale: runScale
};
const args = process.argv.slice(2);
if (args[0] === '--only') {
	const run = Object.hasOwn(ONLY, args[1] ?? '') ? ONLY[args[1]!] : undefined;
	if (!run || args.length !== 2) {
		console.error(`usage: npm run bench [-- --only ${Object.keys(ONLY).join('|')}]`);
		process.exit(2);
	}
	await run();
	process.exit();
}

const snapshot = readFileSync(
	new URL('../data/oxcgrt/c8_internationaltravel.csv', import.meta.url),
	'utf8'
);
const dir = join(tmpdir(), `crossings-bench-${process.pid}`);

function median(samples: number[]): number {
	const s = [...samples].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void): number {
	const start = process.hrtime.bigint();
	fn();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

function report(name: string, ms: number, baselineName: string, baselineMs: number) {
	console.log(
		`${name.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms   ${baselineName.padEnd(34)} ${baselineMs
			.toFixed(1)
			.padStart(8)} ms   ratio ${(ms / baselineMs).toFixed(2)}×`
	);
}

const RUNS = 5;
const ingest: number[] = [];
const bare: number[] = [];
const reingest: number[] = [];
const parseOnly: number[] = [];
let values = 0;

for (let i = 0; i < RUNS; i++) {
	const path = join(dir, `ingest-${i}.db`);
	const db = openDatabase(path);
	ingest.push(
		time(() => (values = runIngest(db, oxcgrtC8Feed, { source: 'c8', text: snapshot }).rowsChanged))
	);
	reingest.push(time(() => runIngest(db, oxcgrtC8Feed, { source: 'c8', text: snapshot })));
	db.close();

	const baseline = new Database(join(dir, `bare-${i}.db`));
	baseline.pragma('journal_mode = WAL');
	baseline.pragma('synchronous = NORMAL');
	baseline.exec(
		'CREATE TABLE v (iso3 TEXT, day TEXT, level INTEGER, PRIMARY KEY (iso3, day)) WITHOUT ROWID'
	);
	const insert = baseline.prepare('INSERT INTO v VALUES (?, ?, ?)');
	bare.push(
		time(() =>
			baseline.transaction(() => {
				for (let k = 0; k < values; k++)
					insert.run(`C${k % 187}`, `d${Math.floor(k / 187)}`, k % 5);
			})()
		)
	);
	baseline.close();

	parseOnly.push(time(() => parseOxcgrtC8(snapshot, { file: 'c8', resolveCountry: (c) => c })));
}

const db = openDatabase(join(dir, 'ingest-0.db'));
const onDay: number[] = [];
const bareDay: number[] = [];
const daySelect = db.prepare('SELECT iso3, level FROM border_status_day WHERE day = ?');
const days = ['2020-01-15', '2020-03-20', '2020-04-15', '2020-09-01', '2021-06-30', '2022-12-31'];
for (let i = 0; i < 40; i++) {
	const day = days[i % days.length]!;
	onDay.push(time(() => borderStatusOn(db, day)));
	bareDay.push(time(() => daySelect.all(day)));
}
db.close();
rmSync(dir, { recursive: true, force: true });

console.log(`oxcgrt-c8 snapshot: ${values} values, median of ${RUNS} runs (queries: of 40)\n`);
report('ingest (full run, fresh db)', median(ingest), 'bare insert loop, same rows', median(bare));
report('re-ingest (same file, no change)', median(reingest), 'parse only', median(parseOnly));
report('border status on a day (+since)', median(onDay), 'bare SELECT of the day', median(bareDay));

await runFanout();
await runReadPath();
await runFirstMap();
await runImages();
await runScale();
