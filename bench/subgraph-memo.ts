import { type HttpReply, jsonReply } from "../lib/http-server.js";
import type { Database } from "../subgraphs/shared/database.js";
import type { NationExtensions } from "../subgraphs/shared/server.js";

/** The GET page where a benchmark subgraph tells how many GraphQL requests it has received. */
export const FETCH_COUNT_PATH = "/bench/requests";

/** Most remembered answers; past it, new ones are served but not kept, so memory stays bounded. */
export const MAX_ANSWERS = 100_000;

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

/** The memo key: the three fields that decide a GraphQL answer; anything else in the body cannot change it. */
const keyOf = (body: unknown): string | undefined => {
  if (typeof body !== "object" || body === null) return undefined;
  const { query, variables, operationName } = body as Record<string, unknown>;
  return JSON.stringify([query, variables ?? null, operationName ?? null]);
};

/**
 * Whether a reply may be replayed: a 200 whose body is one JSON object with
 * no top-level "errors". A streamed (incremental) answer is not one JSON
 * object, so it fails to parse and is never remembered.
 */
function isSuccessfulSingleResult(reply: HttpReply): boolean {
  if (reply.status !== 200) return false;
  try {
    const parsed: unknown = JSON.parse(reply.json);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && !("errors" in parsed);
  } catch {
    return false;
  }
}

/**
 * The subgraph's memory mode for benchmarks: SQL results and whole answers
 * are remembered, so a repeated request costs a map lookup. Only successful
 * single results are remembered, at most `maxAnswers` of them (a smaller cap
 * is for tests).
 */
export function benchMemoExtensions(maxAnswers = MAX_ANSWERS): NationExtensions {
  const answers = new Map<string, HttpReply>();
  // Every GraphQL request this subgraph received, remembered or not: the benchmark's fetches per request.
  let requests = 0;
  return {
    wrapDatabase: memoizeQueries,
    pages: { [FETCH_COUNT_PATH]: () => jsonReply(200, { requests }) },
    wrapHandler: (handle) => async (req, readBody) => {
      requests++;
      // Read here because the key needs the body; the inner handler gets the same parsed body.
      const body = await readBody();
      const key = keyOf(body);
      const remembered = key === undefined ? undefined : answers.get(key);
      if (remembered !== undefined) return remembered;
      const reply = await handle(req, async () => body);
      if (key !== undefined && answers.size < maxAnswers && isSuccessfulSingleResult(reply)) answers.set(key, reply);
      return reply;
    },
  };
}
