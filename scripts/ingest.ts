/**
 * npm run ingest -- <feed> [--file PATH | --url URL [--every INTERVAL]] [--date YYYY-MM-DD] [--db PATH] [--dry-run]
 *
 * Problems go to stderr as `file:line: field: reason`; the JSON summary is the last line
 * on stdout. Exit 0 on success, 1 when the input was refused, 2 on a usage error.
 *
 * With --every (1h, 15m, 30s, 1d), polls the URL until SIGINT/SIGTERM with conditional
 * requests, ingests only new content and prints one JSON summary line per poll. Refused
 * inputs and network errors are reported on stderr and polling goes on; exit 0 when stopped.
 *
 * --date names the snapshot a dated-snapshot feed (passport-index) reads; without it the feed
 * takes the date from the name of the file's folder (…/2021-05-13/passport-index-tidy-iso3.csv).
 */
import { parseCommandLine } from './commandLine.ts';
import { resolve } from 'node:path';
import { openDatabase } from '../src/lib/server/db/open.ts';
import { FEEDS } from '../src/lib/server/ingest/feeds/index.ts';
import { IngestRefusedError } from '../src/lib/server/ingest/problem.ts';
import { lastSeq } from '../src/lib/server/db/changeLog.ts';
import { runIngest } from '../src/lib/server/ingest/run.ts';
import { FeedPoller, parseInterval, refusalLines } from '../src/lib/server/ingest/schedule.ts';
import { readSource } from '../src/lib/server/ingest/source.ts';

const usage = `usage: npm run ingest -- <feed> (--file PATH | --url URL) [--date YYYY-MM-DD] [--db PATH] [--dry-run]
       npm run ingest -- <feed> --url URL --every INTERVAL [--db PATH]   (INTERVAL: 1d, 1h, 15m, 30s)
feeds: ${Object.keys(FEEDS).join(', ')}
--date: the snapshot's date, for ${datedFeeds()} (default: the name of the file's folder)`;

function datedFeeds(): string {
	return Object.values(FEEDS)
		.filter((f) => f.datedSnapshots)
		.map((f) => f.name)
		.join(', ');
}

async function main(): Promise<number> {
	const args = parseCommandLine(
		{
			file: { type: 'string' },
			url: { type: 'string' },
			every: { type: 'string' },
			date: { type: 'string' },
			db: { type: 'string' },
			'dry-run': { type: 'boolean', default: false }
		},
		usage
	);
	if (typeof args === 'number') return args;
	const { values, positionals } = args;
	const feed = FEEDS[positionals[0] ?? ''];
	if (!feed || positionals.length !== 1 || !!values.file === !!values.url) {
		console.error(feed ? usage : `unknown feed "${positionals[0] ?? ''}"\n${usage}`);
		return 2;
	}
	if (values.date !== undefined && !feed.datedSnapshots) {
		console.error(
			`--date: ${feed.name} does not read dated snapshots (${datedFeeds()} do)\n${usage}`
		);
		return 2;
	}
	const dbPath = resolve(values.db ?? process.env.DATABASE_PATH ?? 'data/crossings.db');
	if (values.every !== undefined) {
		if (values.date !== undefined) {
			// Each poll may bring another snapshot: its date comes from the URL's folder.
			console.error(`--every cannot be given one --date for every poll\n${usage}`);
			return 2;
		}
		if (!values.url || values['dry-run']) {
			console.error(`--every polls a --url and cannot be a --dry-run\n${usage}`);
			return 2;
		}
		if (feed.binary) {
			// Workbooks are ingested one run at a time (a policy: the poller hands feeds bytes now).
			console.error(
				`--every: ${feed.name} reads binary workbooks, which cannot be polled yet\n${usage}`
			);
			return 2;
		}
		let intervalMs: number;
		try {
			intervalMs = parseInterval(values.every);
		} catch (err) {
			console.error(`--every: ${(err as Error).message}\n${usage}`);
			return 2;
		}
		if (!/^https?:$/.test(URL.parse(values.url)?.protocol ?? '')) {
			console.error(`--url: "${values.url}" is not an http(s) URL\n${usage}`);
			return 2;
		}
		return poll(feed, values.url, intervalMs, dbPath);
	}
	// Binary feeds (workbooks) get the exact bytes, text feeds UTF-8 text; a URL is read by the
	// feed's own download when it has one (every page of a World Bank API answer).
	const input = await readSource(
		{ file: values.file, url: values.url },
		{ binary: feed.binary, download: feed.download }
	);
	const db = openDatabase(dbPath);
	try {
		const summary = runIngest(db, feed, input, {
			dryRun: values['dry-run'],
			snapshotDate: values.date
		});
		console.log(JSON.stringify(summary));
		return 0;
	} catch (err) {
		if (!(err instanceof IngestRefusedError)) throw err;
		for (const line of refusalLines(err, input.source)) console.error(line);
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

/** Polls until SIGINT/SIGTERM, then stops between polls and closes the database. */
async function poll(
	feed: (typeof FEEDS)[string],
	url: string,
	intervalMs: number,
	dbPath: string
): Promise<number> {
	const db = openDatabase(dbPath);
	const poller = new FeedPoller({ db, feed, url, intervalMs });
	const stopped = new Promise<string>((resolve) => {
		process.once('SIGTERM', () => resolve('SIGTERM'));
		process.once('SIGINT', () => resolve('SIGINT'));
	});
	poller.start();
	const signal = await stopped;
	await poller.stop();
	db.close();
	console.error(`${signal}: stopped polling ${url}`);
	return 0;
}

main().then(
	(code) => (process.exitCode = code),
	(err: Error) => {
		console.error(`ingest: ${err.message}`);
		process.exitCode = 2;
	}
);
