import type { Database, PreparedStatement, SqlValue } from '@sqlite.org/sqlite-wasm';

// Prepared statements kept per connection: compiling the SQL text on every call cost more than the
// call itself. oo1's DB.close() finalizes them, and a new connection gets a new cache.
const caches = new WeakMap<Database, Map<string, PreparedStatement>>();

function prepared(db: Database, sql: string): PreparedStatement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

/** Run one statement that returns no rows. */
export function run(db: Database, sql: string, bind: SqlValue[] = []): void {
  const stmt = prepared(db, sql);
  try {
    if (bind.length) stmt.bind(bind);
    stmt.step();
  } finally {
    stmt.reset(true);
  }
}

/** Every row of one statement, as objects keyed by column name. */
export function all(db: Database, sql: string, bind: SqlValue[] = []): Record<string, SqlValue>[] {
  const stmt = prepared(db, sql);
  const rows: Record<string, SqlValue>[] = [];
  try {
    if (bind.length) stmt.bind(bind);
    while (stmt.step()) rows.push(stmt.get({}));
  } finally {
    stmt.reset(true);
  }
  return rows;
}

/** The first row of one statement, or null. */
export function one(db: Database, sql: string, bind: SqlValue[] = []): Record<string, SqlValue> | null {
  return all(db, sql, bind)[0] ?? null;
}
