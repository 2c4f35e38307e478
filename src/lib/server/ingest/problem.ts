/** One thing wrong with an input, located precisely enough for an editor to fix it. */
export interface IngestProblem {
	file: string;
	/** 1-based line in the input; 0 when the problem is with the input as a whole. */
	line: number;
	field: string;
	reason: string;
}

export function formatProblem(p: IngestProblem): string {
	return `${p.file}:${p.line}: ${p.field}: ${p.reason}`;
}

/**
 * Control characters written as escapes (a line break as `\n`), so that every problem is one
 * line of the log, whatever a parser quoted from the input.
 */
export function oneLine(text: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are what this replaces
	return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** A value from the input as a message shows it: in double quotes, quotes and line breaks escaped. */
export const quoted = (value: string): string => JSON.stringify(value);

/** Collects problems but keeps memory bounded on a thoroughly broken file. */
export class ProblemList {
	readonly items: IngestProblem[] = [];
	total = 0;
	constructor(
		readonly file: string,
		private readonly keep = 200
	) {}
	add(line: number, field: string, reason: string): void {
		this.total++;
		if (this.items.length < this.keep) {
			this.items.push({ file: this.file, line, field: oneLine(field), reason: oneLine(reason) });
		}
	}
	get empty(): boolean {
		return this.total === 0;
	}
}

export class IngestRefusedError extends Error {
	constructor(
		readonly problems: IngestProblem[],
		readonly total: number
	) {
		super(
			`input refused: ${total} problem${total === 1 ? '' : 's'}` +
				(problems[0] ? `, first: ${formatProblem(problems[0])}` : '')
		);
		this.name = 'IngestRefusedError';
	}
}
