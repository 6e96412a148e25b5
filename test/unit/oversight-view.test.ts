import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import type { Identify } from "../../gateway/auth/authenticate.js";
import type { VerifiedToken } from "../../gateway/auth/verify-token.js";
import { decodeCursor, encodeCursor } from "../../gateway/oversight/cursor.js";
import { AUDIT_READ_SCOPE, oversightEventsPage } from "../../gateway/oversight/events-page.js";
import { ReadSlots } from "../../gateway/oversight/read-slots.js";
import { readViewPage, type ViewPage } from "../../gateway/oversight/view-page.js";
import { MAX_LIMIT, parseViewQuery } from "../../gateway/oversight/view-query.js";
import { folderEntrySource } from "../../lib/audit/entry-source.js";
import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError } from "../../lib/http-server.js";
import { chainEntries, field, flag, memorySource, operation, operationBy, writeChainFile } from "../support/audit-events.js";
import { temporaryFolders } from "../support/temporary-folders.js";

// Each test's folders, removed after it.
const temporary = temporaryFolders("each");

// GET /oversight/events without a server: its query string, its cursor, its pages, and who may read what.

describe("parseViewQuery", () => {
  const query = (text: string) => parseViewQuery(new URLSearchParams(text));
  const accepted: Array<[string, object]> = [
    ["", { nation: undefined, filter: { period: {} }, limit: 100, after: undefined }],
    ["partner=FRA&purpose=CT&decision=REDACTED", { filter: { partner: "FRA", purpose: "CT", decision: "REDACTED" } }],
    ["from=2026-12-01&to=2026-12-01", { filter: { period: { from: Date.parse("2026-12-01"), to: Date.parse("2026-12-02") } } }],
    ["from=2026-12-01T09:00%2B01:00", { filter: { period: { from: Date.parse("2026-12-01T08:00Z") } } }],
    ["limit=1", { limit: 1 }],
    [`limit=${MAX_LIMIT}`, { limit: MAX_LIMIT }],
    ["nation=GBR", { nation: "GBR" }],
    [`cursor=${encodeCursor({ chain: "gateway-1", seq: 7 })}`, { after: { chain: "gateway-1", seq: 7 } }],
  ];
  it.each(accepted)("accepts %j", (text, expected) => {
    expect(query(text)).toMatchObject(expected);
  });

  const refused: Array<[string, string]> = [
    ["owner=GBR", "Unknown parameter owner"],
    ["partner=FRA&partner=DEU", "Parameter partner is given more than once"],
    ["partner=fr", "partner must be a nation's three-letter code"],
    ["partner=FRANCE", "partner must be a nation's three-letter code"],
    ["nation=gbr", "nation must be a nation's three-letter code"],
    ["purpose=ct", "purpose must be a purpose-of-use code"],
    ["purpose=", "purpose must be a purpose-of-use code"],
    ["decision=DENIED", "decision must be one of ALLOWED, REDACTED, REJECTED"],
    ["from=yesterday", "from yesterday is not a date"],
    ["to=2026-02-30", "to 2026-02-30 is not a calendar date"],
    ["from=2026-12-02&to=2026-12-01", "to 2026-12-01 is not after from 2026-12-02"],
    ["limit=0", `limit must be a whole number from 1 to ${MAX_LIMIT}`],
    [`limit=${MAX_LIMIT + 1}`, "limit must be a whole number"],
    ["limit=-1", "limit must be a whole number"],
    ["limit=1e2", "limit must be a whole number"],
    ["limit=99999999999", "limit must be a whole number"],
    ["cursor=abc", "cursor is not one this endpoint gave"],
    ["cursor=!!", "cursor is not one this endpoint gave"],
  ];
  it.each(refused)("refuses %s with 400 BAD_REQUEST", (text, message) => {
    expect(() => query(text)).toThrow(
      expect.objectContaining({ status: 400, code: ErrorCode.BadRequest, message: expect.stringContaining(message) }),
    );
  });
});

describe("cursors", () => {
  it("round-trips a position and refuses anything else", () => {
    expect(decodeCursor(encodeCursor({ chain: "gateway-20261203T200717Z-42-a1b2c3", seq: 12 }))).toEqual({
      chain: "gateway-20261203T200717Z-42-a1b2c3",
      seq: 12,
    });
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    for (const cursor of [
      forged(["c", -1]),
      forged(["c", 1.5]),
      forged(["../x", 1]),
      forged({ chain: "c", seq: 1 }),
      forged(["c"]),
      forged("c"),
      "e30",
      "",
    ])
      expect(decodeCursor(cursor)).toBeUndefined();
  });
});

describe("readViewPage", () => {
  // Two chains; GBR's data is touched by operations 1, 3, 4 and the flag; operation 2 reads only EST's.
  const entries = [
    ...chainEntries("chain-a", [
      operationBy("FRA", { requestId: "op-1" }),
      operationBy("FRA", { requestId: "op-2", fields: [field("Query.indicators", ["EST"])], subgraphs: ["EST"] }),
    ]),
    ...chainEntries("chain-b", [
      operationBy("DEU", { requestId: "op-3" }),
      flag({ requestId: "flag-1" }),
      operationBy("DEU", { requestId: "op-4" }),
    ]),
  ];
  const ids = (page: ViewPage) => page.events.map(({ event }) => event.requestId);
  const pages = async (limit: number, filter = {}) => {
    const source = memorySource(entries);
    const seen: string[][] = [];
    let after: ReturnType<typeof decodeCursor>;
    for (;;) {
      const page = await readViewPage(source, "GBR", { filter: { period: {}, ...filter }, limit, after });
      seen.push(ids(page));
      if (page.next === null) return seen;
      after = decodeCursor(page.next);
    }
  };

  it("pages through the nation's events in trail order; the last page says it is the last", async () => {
    expect(await pages(2)).toEqual([
      ["op-1", "op-3"],
      ["flag-1", "op-4"],
    ]);
    expect(await pages(3)).toEqual([["op-1", "op-3", "flag-1"], ["op-4"]]);
    expect(await pages(500)).toEqual([["op-1", "op-3", "flag-1", "op-4"]]);
  });

  it("filters after narrowing, and gives an empty last page when nothing matches", async () => {
    expect(await pages(1, { partner: "DEU" })).toEqual([["op-3"], ["flag-1"], ["op-4"]]);
    expect(await pages(10, { partner: "EST" })).toEqual([[]]);
  });

  it("stops reading once the page is full and one more event is known to match", async () => {
    const source = memorySource(entries);
    await readViewPage(source, "GBR", { filter: { period: {} }, limit: 1, after: undefined });
    // chain-start, op-1, op-2, chain-start, op-3: the fifth entry is the second match.
    expect(source.read()).toBe(5);
  });

  it("reads the file store the same way, passing over chains before the cursor unopened", async () => {
    const dir = temporary("tearline-oversight-");
    writeChainFile(dir, "chain-b", [
      operationBy("DEU", { requestId: "op-3" }),
      flag({ requestId: "flag-1" }),
      operationBy("DEU", { requestId: "op-4" }),
    ]);
    writeChainFile(dir, "chain-a", [
      operationBy("FRA", { requestId: "op-1" }),
      operation({ requestId: "op-2", fields: [], subgraphs: [] }),
    ]);
    const source = folderEntrySource(dir);
    const first = await readViewPage(source, "GBR", { filter: { period: {} }, limit: 2, after: undefined });
    expect([ids(first), decodeCursor(first.next!)]).toEqual([["op-1", "op-3"], { chain: "chain-b", seq: 2 }]);
    const second = await readViewPage(source, "GBR", { filter: { period: {} }, limit: 2, after: decodeCursor(first.next!) });
    expect([ids(second), second.next]).toEqual([["flag-1", "op-4"], null]);
  });
});

describe("oversightEventsPage: who may read", () => {
  const token = (nation: string, scopes: string[]): VerifiedToken => ({
    sub: `operator@${nation.toLowerCase()}`,
    nation,
    issuer: `https://idp.${nation.toLowerCase()}.test`,
    tokenId: "t",
    clearance: "UNCLASSIFIED",
    compartments: new Set(),
    purposes: new Set(["CT"]),
    scopes: new Set(scopes),
    expiresAt: Date.now() / 1000 + 600,
  });
  // The fake identity step: one "Bearer <NATION> <scope…>" header, anything else refused as the real one refuses.
  const identify: Identify = async (authorization) => {
    if (Array.isArray(authorization) && authorization.length > 1) throw new HttpError(400, ErrorCode.DuplicateHeader, "Send one");
    const [scheme, nation, ...scopes] = String(authorization ?? "").split(" ");
    if (scheme !== "Bearer" || !nation) throw new HttpError(401, ErrorCode.Unauthenticated, "Authentication required");
    return token(nation, scopes);
  };
  const source = memorySource(
    chainEntries("chain-a", [operationBy("FRA"), operationBy("DEU", { fields: [field("ThreatActor.assessment", ["FRA"])] })]),
  );
  const page = oversightEventsPage({ identify, source });
  const request = (authorization: string | string[] | undefined, query = "") =>
    ({
      headersDistinct: { authorization: typeof authorization === "string" ? [authorization] : authorization },
      url: `/oversight/events${query}`,
    }) as unknown as IncomingMessage;
  const read = (authorization: string | string[] | undefined, query = "") =>
    Promise.resolve(page(request(authorization, query), new AbortController().signal));

  const refusals: Array<[string, string | string[] | undefined, string, number, string]> = [
    ["no token", undefined, "", 401, ErrorCode.Unauthenticated],
    ["no token, whatever the query", undefined, "?owner=x", 401, ErrorCode.Unauthenticated],
    ["a token without the scope (an analyst's)", "Bearer GBR reports:read actors:read", "", 403, ErrorCode.OversightForbidden],
    ["a token without the scope, before its bad query", "Bearer GBR", "?owner=x", 403, ErrorCode.OversightForbidden],
    ["another nation's view asked for", `Bearer DEU ${AUDIT_READ_SCOPE}`, "?nation=GBR", 403, ErrorCode.OversightForbidden],
    ["a bad filter", `Bearer GBR ${AUDIT_READ_SCOPE}`, "?decision=MAYBE", 400, ErrorCode.BadRequest],
    [
      "two Authorization headers (every one is handed over, not Node's first)",
      [`Bearer GBR ${AUDIT_READ_SCOPE}`, "Bearer DEU"],
      "",
      400,
      ErrorCode.DuplicateHeader,
    ],
  ];
  it.each(refusals)("refuses %s", async (_name, authorization, query, status, code) => {
    await expect(read(authorization, query)).rejects.toMatchObject({ status, code });
  });

  it("answers the token's nation's view, as JSON not to be cached", async () => {
    const reply = await read(`Bearer GBR ${AUDIT_READ_SCOPE}`, "?nation=GBR");
    expect([reply.status, reply.headers]).toEqual([200, { "cache-control": "no-store" }]);
    const body = JSON.parse(reply.json) as ViewPage;
    expect([body.nation, body.events.length, body.next]).toEqual(["GBR", 2, null]);
    const fra = JSON.parse((await read(`Bearer FRA ${AUDIT_READ_SCOPE}`)).json) as ViewPage;
    expect(fra.events.map(({ event }) => event.kind === "operation" && event.fields.map((f) => f.coordinate))).toEqual([
      ["ThreatActor.assessment"],
    ]);
  });

  it("fails closed with 503 when the gateway keeps no trail it can read", async () => {
    const none = oversightEventsPage({ identify, source: undefined });
    await expect(Promise.resolve(none(request(`Bearer GBR ${AUDIT_READ_SCOPE}`), new AbortController().signal))).rejects.toMatchObject({
      status: 503,
      code: ErrorCode.AuditUnavailable,
    });
  });

  it("runs one read per nation at a time and two in all; past them 429 with Retry-After, and a slot is freed when its read ends", async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const slow: typeof source = Object.assign(
      async function* (after: Parameters<typeof source>[0]) {
        await gate;
        yield* source(after);
      },
      { read: source.read },
    );
    const limited = oversightEventsPage({ identify, source: slow, slots: new ReadSlots() });
    const ask = (nation: string) => Promise.resolve(limited(request(`Bearer ${nation} ${AUDIT_READ_SCOPE}`), new AbortController().signal));
    const gbr = ask("GBR");
    const busy = { status: 429, code: ErrorCode.TooManyOperations, headers: { "retry-after": "1" } };
    await expect(ask("GBR")).rejects.toMatchObject(busy);
    const fra = ask("FRA");
    await expect(ask("DEU")).rejects.toMatchObject(busy);
    open();
    expect([(await gbr).status, (await fra).status]).toEqual([200, 200]);
    expect((await ask("DEU")).status).toBe(200);
    // A read that fails frees its slot too.
    const failing = oversightEventsPage({
      identify,
      // biome-ignore lint/correctness/useYield: a store that fails before its first entry
      source: async function* () {
        throw new Error("store down");
      },
      slots: new ReadSlots(1, 1),
    });
    const askFailing = () => Promise.resolve(failing(request(`Bearer GBR ${AUDIT_READ_SCOPE}`), new AbortController().signal));
    await expect(askFailing()).rejects.toMatchObject({ status: 503 });
    await expect(askFailing()).rejects.toMatchObject({ status: 503 });
  });
});
