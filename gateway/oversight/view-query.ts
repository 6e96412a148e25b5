import type { EntryPosition } from "../../lib/audit/entry-source.js";
import { type EventFilter, FIELD_DECISIONS, isFieldDecision } from "../../lib/audit/event-filter.js";
import { PeriodError, parsePeriod } from "../../lib/audit/period.js";
import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError } from "../../lib/http-server.js";
import { decodeCursor } from "./cursor.js";

export const DEFAULT_LIMIT = 100;
/** The most events one page carries: a page is built in memory and sent whole. */
export const MAX_LIMIT = 500;

const PARAMETERS = new Set(["nation", "partner", "purpose", "decision", "from", "to", "limit", "cursor"]);
const NATION = /^[A-Z]{3}$/;
const PURPOSE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** What one read of the oversight view asks for. */
export interface ViewQuery {
  /** The nation the reader named, if any: it must be the reader's own. */
  nation: string | undefined;
  filter: EventFilter;
  limit: number;
  after: EntryPosition | undefined;
}

const badRequest = (message: string) => new HttpError(400, ErrorCode.BadRequest, message);

/**
 * The query string of GET /oversight/events, checked: unknown or repeated
 * parameters, malformed codes, dates, limits and cursors are refused with 400
 * and a message that says what is expected. Codes are checked for shape, not
 * against a list: a nation or purpose nobody used matches nothing.
 */
export function parseViewQuery(params: URLSearchParams): ViewQuery {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (!PARAMETERS.has(name)) throw badRequest(`Unknown parameter ${name}: use ${[...PARAMETERS].join(", ")}`);
    if (seen.has(name)) throw badRequest(`Parameter ${name} is given more than once`);
    seen.add(name);
  }
  const value = (name: string) => params.get(name) ?? undefined;
  const code = (name: string, pattern: RegExp, what: string) => {
    const given = value(name);
    if (given !== undefined && !pattern.test(given)) throw badRequest(`${name} must be ${what}`);
    return given;
  };
  const nation = code("nation", NATION, "a nation's three-letter code, such as GBR");
  const partner = code("partner", NATION, "a nation's three-letter code, such as FRA");
  const purpose = code("purpose", PURPOSE, "a purpose-of-use code, such as CT");
  const decision = value("decision");
  if (decision !== undefined && !isFieldDecision(decision)) throw badRequest(`decision must be one of ${FIELD_DECISIONS.join(", ")}`);
  let period: EventFilter["period"];
  try {
    period = parsePeriod({ from: "from", to: "to" }, value("from"), value("to"));
  } catch (error) {
    if (error instanceof PeriodError) throw badRequest(error.message);
    throw error;
  }
  const limitText = value("limit");
  if (limitText !== undefined && !/^\d{1,4}$/.test(limitText)) throw badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (limit < 1 || limit > MAX_LIMIT) throw badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
  const cursor = value("cursor");
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && after === undefined) throw badRequest("cursor is not one this endpoint gave: use the next cursor of a page");
  return { nation, filter: { partner, purpose, decision: decision as EventFilter["decision"], period }, limit, after };
}
