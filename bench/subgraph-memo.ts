import type { Database } from "../subgraphs/shared/database.js";
import type { NationExtensions } from "../subgraphs/shared/server.js";

/** Most remembered answers; past it, new ones are served but not kept. */
const MAX_ANSWERS = 100_000;

/**
 * Serves every read from memory after its first run. The data never changes
 * in a benchmark, and a database that costs almost nothing leaves the gateway
 * under test as the only bottleneck.
 */
export function memoizeQueries(db: Database): Database {
  const results = new Map<string, Promise<unknown[]>>();
  return {
    kind: db.kind,
    query<Row>(sql: string, params: unknown[] = []) {
      const key = `${sql}\u0000${JSON.stringify(params)}`;
      let result = results.get(key);
      if (!result) {
        result = db.query<Row>(sql, params);
        results.set(key, result);
      }
      return result as Promise<Row[]>;
    },
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  };
}

const keyOf = (body: unknown): string | undefined => {
  if (typeof body !== "object" || body === null) return undefined;
  const { query, variables, operationName } = body as Record<string, unknown>;
  return JSON.stringify([query, variables ?? null, operationName ?? null]);
};

/**
 * The subgraph's memory mode for benchmarks: SQL results and whole answers
 * are remembered, so a repeated request costs a map lookup. Only successful
 * answers (200, no "errors") are remembered.
 */
export function benchMemo(): NationExtensions {
  const answers = new Map<string, string>();
  return {
    wrapDatabase: memoizeQueries,
    wrapHandler: (handle) => async (req, readBody) => {
      const body = await readBody();
      const key = keyOf(body);
      const remembered = key === undefined ? undefined : answers.get(key);
      if (remembered !== undefined) return { status: 200, json: remembered };
      const reply = await handle(req, async () => body);
      if (key !== undefined && reply.status === 200 && !reply.json.includes('"errors":') && answers.size < MAX_ANSWERS)
        answers.set(key, reply.json);
      return reply;
    },
  };
}
