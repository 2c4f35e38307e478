import type { Db } from '../../src/lib/server/db/open.ts';

/** Every row of every table, in a stable order: the database's content. */
export function dumpContent(db: Db): Record<string, unknown[]> {
	const tables = db
		.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
		.pluck()
		.all() as string[];
	const dump: Record<string, unknown[]> = {};
	for (const table of tables) {
		dump[table] = db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).raw().all();
	}
	return dump;
}
