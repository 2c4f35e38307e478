import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a CLI's arguments the same way for every script: `--help` prints the usage and exits
 * 0, a malformed line prints the problem and the usage and exits 2 (returned as a number).
 */
export function parseCommandLine<O extends Options>(options: O, usage: string) {
	try {
		const args = parseArgs({
			allowPositionals: true,
			options: { ...options, help: { type: 'boolean', short: 'h' } }
		});
		if ((args.values as { help?: boolean }).help) {
			console.log(usage);
			return 0;
		}
		return args;
	} catch (err) {
		console.error(`${(err as Error).message}\n${usage}`);
		return 2;
	}
}
