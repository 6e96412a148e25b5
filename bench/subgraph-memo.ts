import { subjectKey } from "@tearline/policy";
import { type HttpReply, jsonReply } from "../lib/http-server.js";
import type { Caller } from "../subgraphs/shared/context.js";
import type { Database, RowAccess } from "../subgraphs/shared/database.js";
import type { NationExtensions } from "../subgraphs/shared/server.js";

/** The GET page where a benchmark subgraph tells how many GraphQL requests it has received. */
export const FETCH_COUNT_PATH = "/bench/requests";

/** Most remembered answers; past it, new ones are served but not kept, so memory stays bounded. */
export const MAX_ANSWERS = 100_000;

/**
 * Serves every read from memory after its first run. The data never changes
 * in a benchmark, and a database that costs almost nothing leaves the gateway
 * under test as the only bottleneck. A caller's read is remembered under its
 * row access as well: the database hides rows per caller, so an answer
 * remembered for one access is never served to another.
 */
export function memoizeQueries(db: Database): Database {
  const results = new Map<string, Promise<unknown[]>>();
  const remember = <Row>(key: string, run: () => Promise<Row[]>) => {
    let result = results.get(key);
    if (!result) {
      result = run();
      results.set(key, result);
    }
    return result as Promise<Row[]>;
  };
  const keyOf = (who: unknown, sql: string, params: unknown[]) => JSON.stringify([who, sql, params]);
  return {
    kind: db.kind,
    query: <Row>(sql: string, params: unknown[] = []) => remember(keyOf("owner", sql, params), () => db.query<Row>(sql, params)),
    queryAs: <Row>(access: RowAccess, sql: string, params: unknown[] = []) =>
      remember(keyOf([access.nation, access.clearanceRank, access.groups], sql, params), () => db.queryAs<Row>(access, sql, params)),
    maintain: (work) => db.maintain(work),
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  };
}

/**
 * The memo key: the three fields that decide a GraphQL answer, and the caller the envelope vouched for (the
 * subgraph's own lock and its database decide per caller); anything else in the body cannot change it.
 */
const keyOf = (body: unknown, caller: Caller): string | undefined => {
  if (typeof body !== "object" || body === null) return undefined;
  const { query, variables, operationName } = body as Record<string, unknown>;
  return JSON.stringify([query, variables ?? null, operationName ?? null, subjectKey(caller.subject)]);
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
 * is for tests). It sits behind the envelope guard: a remembered answer is
 * served only to a request whose envelope the subgraph has just verified.
 */
export function benchMemoExtensions(maxAnswers = MAX_ANSWERS): NationExtensions {
  const answers = new Map<string, HttpReply>();
  // Every GraphQL request this subgraph received, remembered or not: the benchmark's fetches per request.
  let requests = 0;
  return {
    wrapDatabase: memoizeQueries,
    pages: { [FETCH_COUNT_PATH]: () => jsonReply(200, { requests }) },
    wrapHandler: (handle) => async (req, body, caller) => {
      requests++;
      const key = keyOf(body, caller);
      const remembered = key === undefined ? undefined : answers.get(key);
      if (remembered !== undefined) return remembered;
      const reply = await handle(req, body, caller);
      if (key !== undefined && answers.size < maxAnswers && isSuccessfulSingleResult(reply)) answers.set(key, reply);
      return reply;
    },
  };
}
