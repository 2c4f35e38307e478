/**
 * Reads an .xlsx workbook synchronously, with read-excel-file.
 *
 * Feeds parse synchronously (a pure step before the run's transaction), but read-excel-file,
 * like the other maintained xlsx readers on npm, only reads asynchronously. So the reading
 * runs in a worker thread and this thread waits for its answer (Atomics.wait, then
 * receiveMessageOnPort): it blocks for as long as a synchronous parser would.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** One sheet: rows of cells (string, number, boolean, Date or null); row i is Excel row i + 1. */
export interface WorkbookSheet {
	sheet: string;
	data: unknown[][];
}

export class WorkbookError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'WorkbookError';
	}
}

/** read-excel-file's CommonJS build for Node, resolved from here so any cwd works. */
const READER = createRequire(import.meta.url).resolve('read-excel-file/node');

// A CommonJS worker: read, post the sheets (or the error) on the port, then wake the waiter.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { reader, port, signal, bytes } = workerData;
const reply = (message) => {
	port.postMessage(message);
	Atomics.store(signal, 0, 1);
	Atomics.notify(signal, 0);
};
try {
	require(reader)(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).then(
		(sheets) => reply({ sheets }),
		(error) => reply({ error: String((error && error.message) || error) })
	);
} catch (error) {
	reply({ error: String((error && error.message) || error) });
}
`;

/**
 * Every sheet of the workbook, in order. Throws WorkbookError when the bytes are not a
 * readable .xlsx workbook, or when reading takes longer than `timeoutMs`.
 */
export function readWorkbookSync(bytes: Uint8Array, timeoutMs = 60_000): WorkbookSheet[] {
	const signal = new Int32Array(new SharedArrayBuffer(4));
	const { port1, port2 } = new MessageChannel();
	const worker = new Worker(WORKER_SOURCE, {
		eval: true,
		workerData: { reader: READER, port: port2, signal, bytes },
		transferList: [port2],
		// The worker needs none of this process's loaders or flags.
		execArgv: []
	});
	try {
		const woke = Atomics.wait(signal, 0, 0, timeoutMs);
		const message = receiveMessageOnPort(port1)?.message as
			{ sheets: WorkbookSheet[]; error?: undefined } | { error: string } | undefined;
		if (woke === 'timed-out' || !message) {
			throw new WorkbookError(`reading the workbook took longer than ${timeoutMs} ms`);
		}
		if (message.error !== undefined) throw new WorkbookError(message.error);
		return message.sheets;
	} finally {
		port1.close();
		void worker.terminate();
	}
}
