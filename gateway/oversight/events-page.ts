import type { AuditEntrySource } from "../../lib/audit/entry-source.js";
import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError, jsonReply, type Page } from "../../lib/http-server.js";
import { logger } from "../../lib/logger.js";
import type { Identify } from "../auth/authenticate.js";
import { ReadSlots } from "./read-slots.js";
import { readViewPage, type ViewPage } from "./view-page.js";
import { parseViewQuery } from "./view-query.js";

/** The scope a nation's operator needs to read its oversight view. */
export const AUDIT_READ_SCOPE = "audit:read";

export const OVERSIGHT_EVENTS_PATH = "/oversight/events";

const log = logger("oversight");

export interface OversightPageOptions {
  identify: Identify;
  source: AuditEntrySource | undefined;
  /** How many reads may run at once (default: one per nation, two in all). */
  slots?: ReadSlots;
}

/**
 * GET /oversight/events: an operator of nation O reads the audit events that
 * touched O's data, narrowed to O (see eventForNation), filtered and paged.
 *
 * O is the nation of the issuer that signed the token, never a parameter: a
 * `nation` other than the token's is refused, not answered with another
 * nation's view. No purpose of use is asked for (no X-Purpose): purposes
 * govern what intelligence an analyst may be given, and this is a nation's
 * record of what was done with its own data, which it reads by right; the
 * `audit:read` scope its own identity provider grants is the authorisation.
 * An analyst's token, which lacks that scope, is refused with 403.
 */
export function oversightEventsPage(options: OversightPageOptions): Page {
  const slots = options.slots ?? new ReadSlots();
  return async (req) => {
    // The token before the query string: a caller without one learns nothing of what the endpoint accepts.
    // Every Authorization header, not Node's first: two are refused (DUPLICATE_HEADER), as on /graphql.
    const token = await options.identify(req.headersDistinct.authorization);
    if (!token.scopes.has(AUDIT_READ_SCOPE))
      throw new HttpError(403, ErrorCode.OversightForbidden, `Reading the oversight view needs a token with the ${AUDIT_READ_SCOPE} scope`);
    const query = parseViewQuery(new URL(req.url ?? "/", "http://localhost").searchParams);
    if (query.nation !== undefined && query.nation !== token.nation)
      throw new HttpError(
        403,
        ErrorCode.OversightForbidden,
        `Your token is from ${token.nation}'s identity provider: it reads ${token.nation}'s view only`,
      );
    // Fail closed: with no trail to read, say so; an empty page would claim that nothing touched the nation's data.
    if (options.source === undefined) throw new HttpError(503, ErrorCode.AuditUnavailable, "This gateway keeps no audit trail it can read");
    const release = slots.take(token.nation);
    if (!release)
      throw new HttpError(429, ErrorCode.TooManyOperations, "Another oversight read is running; ask again in a moment", {
        "retry-after": "1",
      });
    let page: ViewPage;
    try {
      page = await readViewPage(options.source, token.nation, query);
    } catch (error) {
      // A store that cannot be read now (the database down, the folder gone): unavailable, as when it cannot be written.
      log.error({ err: error }, "oversight view unreadable");
      throw new HttpError(503, ErrorCode.AuditUnavailable, "The audit trail cannot be read now");
    } finally {
      release();
    }
    // The nation and the count, not the reader's identity: logs travel further than the trail does.
    log.info({ nation: token.nation, events: page.events.length }, "oversight view read");
    return jsonReply(200, page, { "cache-control": "no-store" });
  };
}
