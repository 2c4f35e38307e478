/**
 * npm run ingest -- <feed> [--file PATH | --url URL] [--db PATH] [--dry-run]
 *
 * Problems go to stderr as `file:line: field: reason`; the JSON summary is the last line
 * on stdout. Exit 0 on success, 1 when the input was refused, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { openDatabase } from '../src/lib/server/db/open.ts';
import { FEEDS } from '../src/lib/server/ingest/feeds/index.ts';
import { formatProblem, IngestRefusedError } from '../src/lib/server/ingest/problem.ts';
import { lastSeq, runIngest } from '../src/lib/server/ingest/run.ts';
import { readSource } from '../src/lib/server/ingest/source.ts';

const usage = `usage: npm run ingest -- <feed> (--file PATH | --url URL) [--db PATH] [--dry-run]
feeds: ${Object.keys(FEEDS).join(', ')}`;

async function main(): Promise<number> {
	let args;
	try {
		args = parseArgs({
			allowPositionals: true,
			options: {
				file: { type: 'string' },
				url: { type: 'string' },
				db: { type: 'string' },
				'dry-run': { type: 'boolean', default: false },
				help: { type: 'boolean', short: 'h' }
			}
		});
	} catch (err) {
		console.error(`${(err as Error).message}\n${usage}`);
		return 2;
	}
	const { values, positionals } = args;
	if (values.help) {
		console.log(usage);
		return 0;
	}
	const feed = FEEDS[positionals[0] ?? ''];
	if (!feed || positionals.length !== 1 || !!values.file === !!values.url) {
		console.error(feed ? usage : `unknown feed "${positionals[0] ?? ''}"\n${usage}`);
		return 2;
	}
	const dbPath = resolve(values.db ?? process.env.DATABASE_PATH ?? 'data/crossings.db');
	const input = await readSource({ file: values.file, url: values.url });
	const db = openDatabase(dbPath);
	try {
		const summary = runIngest(db, feed, input, { dryRun: values['dry-run'] });
		console.log(JSON.stringify(summary));
		return 0;
	} catch (err) {
		if (!(err instanceof IngestRefusedError)) throw err;
		for (const p of err.problems) console.error(formatProblem(p));
		if (err.total > err.problems.length) {
			console.error(`… and ${err.total - err.problems.length} more problems`);
		}
		console.error(`${input.source}: refused, database unchanged`);
		console.log(
			JSON.stringify({
				feed: feed.name,
				source: input.source,
				rowsRead: 0,
				rowsChanged: 0,
				rejected: err.total,
				seq: lastSeq(db),
				runId: null,
				dryRun: values['dry-run']
			})
		);
		return 1;
	} finally {
		db.close();
	}
}

main().then(
	(code) => (process.exitCode = code),
	(err: Error) => {
		console.error(`ingest: ${err.message}`);
		process.exitCode = 2;
	}
);
