/**
 * npm run replay -- oxcgrt-c8 --file PATH --from YYYY-MM-DD [--to YYYY-MM-DD] [--speed 1d/s]
 *   [--db PATH] [--reset]
 *
 * Commits a historical C8 file day by day, one transaction per day, so a running server
 * sends each day to its live clients as one `changes` event (it notices other processes'
 * commits by itself). `--reset` first removes the feed's values from --from onward in one
 * run, so the replay visibly redraws the map. Prints one JSON line per commit:
 * `{"reset":…,"rowsChanged":…,"seq":…}` then `{"day":…,"rowsChanged":…,"seq":…}`.
 * SIGINT/SIGTERM stop it between days (exit 0). Exit 1 when the file is refused, 2 on a
 * usage error. `--allow-fast` permits ticks under 500 ms (tests and load tests).
 */
import { parseCommandLine } from './commandLine.ts';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { countryResolver } from '../src/lib/server/db/countries.ts';
import { openDatabase, type Db } from '../src/lib/server/db/open.ts';
import { parseOxcgrtC8, type C8Table } from '../src/lib/server/ingest/feeds/oxcgrtC8.ts';
import { oxcgrtC8Feed } from '../src/lib/server/ingest/feeds/oxcgrtC8Feed.ts';
import { IngestRefusedError } from '../src/lib/server/ingest/problem.ts';
import {
	dayTable,
	parseSpeed,
	replayDays,
	resetTable,
	type ReplaySpeed
} from '../src/lib/server/ingest/replay.ts';
import { commitRun } from '../src/lib/server/ingest/run.ts';
import { refusalLines } from '../src/lib/server/ingest/schedule.ts';

const usage = `usage: npm run replay -- oxcgrt-c8 --file PATH --from YYYY-MM-DD [--to YYYY-MM-DD]
       [--speed 1d/s] [--db PATH] [--reset]
speed: days per time, like 1d/s (default), 2d/s, 1d/500ms, 7d/s`;

class UsageError extends Error {}

async function main(): Promise<number> {
	const args = parseCommandLine(
		{
			file: { type: 'string' },
			from: { type: 'string' },
			to: { type: 'string' },
			speed: { type: 'string', default: '1d/s' },
			db: { type: 'string' },
			reset: { type: 'boolean', default: false },
			'allow-fast': { type: 'boolean', default: false }
		},
		usage
	);
	if (typeof args === 'number') return args;
	const { values, positionals } = args;
	if (positionals.length !== 1 || positionals[0] !== oxcgrtC8Feed.name) {
		console.error(`only the ${oxcgrtC8Feed.name} feed can be replayed\n${usage}`);
		return 2;
	}
	if (!values.file || !values.from) {
		console.error(`give --file PATH and --from YYYY-MM-DD\n${usage}`);
		return 2;
	}
	let speed: ReplaySpeed;
	try {
		speed = parseSpeed(values.speed, { allowFast: values['allow-fast'] });
	} catch (err) {
		console.error(`--speed: ${(err as Error).message}\n${usage}`);
		return 2;
	}
	const text = readFileSync(values.file, 'utf8');
	const db = openDatabase(resolve(values.db ?? process.env.DATABASE_PATH ?? 'data/crossings.db'));
	try {
		const parsed = parseOxcgrtC8(text, {
			file: values.file,
			resolveCountry: countryResolver(db)
		});
		if (!parsed.problems.empty) {
			const err = new IngestRefusedError(parsed.problems.items, parsed.problems.total);
			for (const line of refusalLines(err, values.file)) console.error(line);
			return 1;
		}
		let days: string[];
		try {
			days = replayDays(parsed.value, values.from, values.to);
		} catch (err) {
			throw new UsageError((err as Error).message);
		}
		return await replay(db, parsed.value, {
			file: values.file,
			sha256: createHash('sha256').update(text).digest('hex'),
			rowsRead: parsed.rowsRead,
			days,
			speed,
			reset: values.reset
		});
	} catch (err) {
		if (!(err instanceof UsageError)) throw err;
		console.error(`${err.message}\n${usage}`);
		return 2;
	} finally {
		db.close();
	}
}

async function replay(
	db: Db,
	table: C8Table,
	plan: {
		file: string;
		sha256: string;
		rowsRead: number;
		days: string[];
		speed: ReplaySpeed;
		reset: boolean;
	}
): Promise<number> {
	// An object, not a `let`: the signal handlers set it while the loop awaits.
	const signal: { name: string | null } = { name: null };
	let wake = () => {};
	const stop = (name: string) => {
		signal.name = name;
		wake();
	};
	process.once('SIGTERM', () => stop('SIGTERM'));
	process.once('SIGINT', () => stop('SIGINT'));
	// Waits until `until` (ms since the epoch), or less if a signal comes.
	const sleepUntil = (until: number) =>
		new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, Math.max(0, until - Date.now()));
			wake = () => {
				clearTimeout(timer);
				resolve();
			};
		});
	const commit = (value: C8Table, source: string) =>
		commitRun(db, oxcgrtC8Feed, value, {
			source,
			sha256: plan.sha256,
			rowsRead: plan.rowsRead
		});

	let tickStart = Date.now();
	const [from] = plan.days;
	if (plan.reset && from) {
		const summary = commit(resetTable(table, from), `replay:${plan.file}@reset:${from}/..`);
		console.log(
			JSON.stringify({ reset: from, rowsChanged: summary.rowsChanged, seq: summary.seq })
		);
		await sleepUntil(tickStart + plan.speed.tickMs);
	}
	let done = 0;
	while (done < plan.days.length && !signal.name) {
		tickStart = Date.now();
		for (const day of plan.days.slice(done, done + plan.speed.days)) {
			if (signal.name) break;
			const summary = commit(dayTable(table, day), `replay:${plan.file}@${day}`);
			console.log(JSON.stringify({ day, rowsChanged: summary.rowsChanged, seq: summary.seq }));
			done++;
		}
		if (done < plan.days.length && !signal.name) await sleepUntil(tickStart + plan.speed.tickMs);
	}
	if (signal.name) {
		const last = plan.days[done - 1];
		console.error(`${signal.name}: stopped ${last ? `after ${last}` : 'before the first day'}`);
	}
	return 0;
}

main().then(
	(code) => (process.exitCode = code),
	(err: Error) => {
		console.error(`replay: ${err.message}`);
		process.exitCode = 2;
	}
);
