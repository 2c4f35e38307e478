/**
 * The ingest worker thread's entry (see worker.ts), in plain JavaScript because the thread
 * starts without a TypeScript loader: tsx registers its hooks on the main thread only (a
 * worker inherits `--import tsx/...` in execArgv, but tsx skips registering there), and under
 * vitest there is no tsx in the process at all. So this module registers tsx in the thread,
 * then loads the TypeScript side.
 */
import { register } from 'tsx/esm/api';

register();
const { serveIngests } = await import('./worker.ts');
serveIngests();
