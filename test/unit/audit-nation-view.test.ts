import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../lib/audit/event.js";
import { type EventFilter, matchesFilter } from "../../lib/audit/event-filter.js";
import { eventForNation, type NationEvent } from "../../lib/audit/nation-view.js";
import { inPeriod, PeriodError, parseInstant, parsePeriod } from "../../lib/audit/period.js";
import { field, flag, operation, operationBy } from "../support/audit-events.js";

// A nation's view of the audit trail: which events it sees, narrowed how, and the filters of its oversight reads.

// A GBR analyst asking for GBR's name, FRA's assessment (redacted) and a key all nations resolve.
const mixed = operation({
  fields: [
    field("Query.threatActor", ["GBR"]),
    field("ThreatActor.name", ["GBR"]),
    field("ThreatActor.assessment", ["FRA"], "REDACTED", ["AGREEMENT", "CLEARANCE"]),
    field("ThreatActor.id", ["DEU", "EST", "FRA", "GBR"]),
  ],
  subgraphs: ["FRA", "GBR"],
});

describe("eventForNation: what a nation sees of an event", () => {
  const cases: Array<{ name: string; event: AuditEvent; nation: string; view: Partial<NationEvent> | undefined }> = [
    {
      name: "the owner of some fields sees only those, its own subgraph call and its own agreements version",
      event: mixed,
      nation: "FRA",
      view: {
        fields: [
          field("ThreatActor.assessment", ["FRA"], "REDACTED", ["AGREEMENT", "CLEARANCE"]),
          field("ThreatActor.id", ["DEU", "EST", "FRA", "GBR"]),
        ],
        subgraphs: ["FRA"],
        agreements: { FRA: 1 },
      },
    },
    {
      name: "a co-owner of a key sees that field whole (its co-owners are in the schema), and nothing else",
      event: mixed,
      nation: "DEU",
      view: { fields: [field("ThreatActor.id", ["DEU", "EST", "FRA", "GBR"])], subgraphs: [], agreements: { DEU: 1 } },
    },
    {
      name: "a nation none of whose fields was asked for, and not called, sees nothing",
      event: operation(),
      nation: "EST",
      view: undefined,
    },
    {
      name: "a nation called for a field it does not own (@requires) sees the call without fields",
      event: operation({ fields: [field("ThreatActor.watchlistEntry", ["DEU"])], subgraphs: ["DEU", "GBR"] }),
      nation: "GBR",
      view: { fields: [], subgraphs: ["GBR"], agreements: { GBR: 1 } },
    },
    {
      name: "a refusal before any field was decided touched nobody's data",
      event: operation({
        caller: null,
        purpose: null,
        fields: [],
        subgraphs: [],
        agreements: {},
        status: 401,
        result: "REFUSED",
        code: "UNAUTHENTICATED",
      }),
      nation: "GBR",
      view: undefined,
    },
    {
      name: "a nation without an agreements version recorded gets none",
      event: operation({ agreements: { FRA: 3 } }),
      nation: "GBR",
      view: { agreements: {} },
    },
    {
      name: "a flag is seen by a nation it notified, naming only that nation",
      event: flag(),
      nation: "GBR",
      view: { owners: ["GBR"], count: 120 },
    },
    {
      name: "a new purpose's flag keeps the purpose that was new (a category of use, not an identity)",
      event: flag({ flag: "NEW_PURPOSE", purpose: "CYBER" }),
      nation: "FRA",
      view: { flag: "NEW_PURPOSE", purpose: "CYBER", owners: ["FRA"] },
    },
    { name: "a flag is not seen by a nation it did not notify", event: flag(), nation: "EST", view: undefined },
    {
      name: "the start of a chain touches no nation",
      event: { kind: "chain-start", at: "2026-12-01T00:00:00Z", chain: "c", kid: "k" },
      nation: "GBR",
      view: undefined,
    },
  ];
  it.each(cases)("$name", ({ event, nation, view }) => {
    const seen = eventForNation(event, nation);
    if (view === undefined) expect(seen).toBeUndefined();
    else expect(seen).toMatchObject(view);
  });

  it("keeps who called and the operation's own parts: the nation's data was reached", () => {
    const { fields: _fields, subgraphs: _subgraphs, agreements: _agreements, operationHash: _hash, ...rest } = mixed;
    expect(eventForNation(mixed, "FRA")).toMatchObject(rest);
  });

  it("shows the operation's hash only when everything asked and called was the nation's own (it is of the whole text)", () => {
    const hashSeen = (event: AuditEvent, nation: string) => {
      const seen = eventForNation(event, nation);
      return seen?.kind === "operation" ? seen.operationHash : "no operation seen";
    };
    for (const nation of ["FRA", "GBR", "DEU"]) expect(hashSeen(mixed, nation)).toBeNull();
    const own = operation({ fields: [field("Query.threatActor", ["GBR"]), field("ThreatActor.name", ["GBR"])], subgraphs: ["GBR"] });
    expect(hashSeen(own, "GBR")).toBe("hash-of-the-operation");
    // A co-owned key is the nation's own field too; a call to another nation's subgraph is not.
    const keyed = operation({ fields: [field("ThreatActor.id", ["DEU", "GBR"])], subgraphs: ["GBR"] });
    expect(hashSeen(keyed, "GBR")).toBe("hash-of-the-operation");
    const calledOther = operation({ fields: [field("ThreatActor.name", ["GBR"])], subgraphs: ["DEU", "GBR"] });
    expect(hashSeen(calledOther, "GBR")).toBeNull();
  });

  it("copies only the properties it knows (a property a later version adds stays out) and never shares the original's arrays", () => {
    const event = { ...mixed, secret: "x", caller: { ...mixed.caller!, clearance: "SECRET" } } as AuditEvent;
    const seen = eventForNation(event, "FRA")!;
    expect(JSON.stringify(seen)).not.toContain("secret");
    expect(JSON.stringify(seen)).not.toContain("SECRET");
    expect(Object.keys(seen).sort()).toEqual(Object.keys(mixed).sort());
    (seen as typeof mixed).fields[0]!.owners.push("XXX");
    expect(mixed.fields[2]!.owners).toEqual(["FRA"]);
    const flagged = eventForNation({ ...flag(), extra: 1 } as AuditEvent, "GBR")!;
    expect(Object.keys(flagged).sort()).toEqual(Object.keys(flag()).sort());
  });

  it("leaves no other nation's field, call or agreement in any nation's view", () => {
    for (const nation of ["GBR", "FRA", "DEU", "EST"]) {
      const seen = eventForNation(mixed, nation);
      if (seen?.kind !== "operation") continue;
      expect(seen.fields.every((f) => f.owners.includes(nation))).toBe(true);
      expect(seen.subgraphs.every((s) => s === nation)).toBe(true);
      expect(Object.keys(seen.agreements).every((n) => n === nation)).toBe(true);
    }
  });
});

describe("matchesFilter: the oversight reader's filters, on a nation's view", () => {
  const december = { from: Date.parse("2026-12-01T00:00:00Z"), to: Date.parse("2026-12-02T00:00:00Z") };
  const fraView = eventForNation(mixed, "FRA")!;
  const gbrView = eventForNation(mixed, "GBR")!;
  const flagView = eventForNation(flag(), "GBR")!;
  const cases: Array<[string, NationEvent, Omit<EventFilter, "period"> & { period?: EventFilter["period"] }, boolean]> = [
    ["no filter", fraView, {}, true],
    ["the caller's nation", fraView, { partner: "GBR" }, true],
    ["another caller's nation", fraView, { partner: "DEU" }, false],
    ["the purpose declared", fraView, { purpose: "CT" }, true],
    ["another purpose", fraView, { purpose: "CYBER" }, false],
    ["a decision on one of the nation's fields", fraView, { decision: "REDACTED" }, true],
    ["a decision only on another nation's field, not in this view", gbrView, { decision: "REDACTED" }, false],
    ["a decision no field had", fraView, { decision: "REJECTED" }, false],
    ["inside the period", fraView, { period: december }, true],
    ["from is inclusive", operation({ at: "2026-12-01T00:00:00.000Z" }), { period: december }, true],
    ["to is exclusive", operation({ at: "2026-12-02T00:00:00.000Z" }), { period: december }, false],
    ["a time that cannot be read is in no bounded period", operation({ at: "yesterday" }), { period: december }, false],
    ["a time that cannot be read is in the unbounded one", operation({ at: "yesterday" }), {}, true],
    ["every part together", fraView, { partner: "GBR", purpose: "CT", decision: "REDACTED", period: december }, true],
    ["a flag by its subject's nation", flagView, { partner: "DEU" }, true],
    ["a flag, another partner", flagView, { partner: "GBR" }, false],
    ["a flag has no purpose", flagView, { purpose: "CT" }, false],
    ["a flag decides no field", flagView, { decision: "ALLOWED" }, false],
    ["a flag in the period", flagView, { period: december }, true],
    ["an operation with no caller, by partner", operationBy("GBR", { caller: null }), { partner: "GBR" }, false],
  ];
  it.each(cases)("%s", (_name, event, filter, expected) => {
    expect(matchesFilter(event, { period: {}, ...filter })).toBe(expected);
  });
});

describe("periods: dates and date-times with their zone", () => {
  const day = Date.parse("2026-12-01T00:00:00Z");
  const instants: Array<[string, boolean, number | string]> = [
    ["2026-12-01", false, day],
    ["2026-12-01", true, day + 86_400_000],
    ["2026-12-01T09:30Z", false, day + 9.5 * 3_600_000],
    ["2026-12-01T09:30:15.5Z", true, day + 9.5 * 3_600_000 + 15_500],
    ["2026-12-01T11:30+02:00", false, day + 9.5 * 3_600_000],
    ["2026-12-01T04:30-05:00", false, day + 9.5 * 3_600_000],
    ["2026-02-30", false, "not a calendar date"],
    ["2026-13-01", false, "not a calendar date"],
    ["2026-12-01T24:00Z", false, "not a time of day"],
    ["2026-12-01T10:60Z", false, "not a time of day"],
    ["2026-12-01T10:00+24:00", false, "not a time of day"],
    ["2026-12-01T10:00", false, "is not a date"],
    ["2026-12-01 10:00Z", false, "is not a date"],
    ["1 December", false, "is not a date"],
    ["", false, "is not a date"],
  ];
  it.each(instants)("%s (end of day %s)", (value, endOfDay, expected) => {
    if (typeof expected === "number") expect(parseInstant("from", value, endOfDay)).toBe(expected);
    else expect(() => parseInstant("from", value, endOfDay)).toThrow(expected);
  });

  it("takes a whole day at its end, refuses an end not after its start, and leaves an absent end open", () => {
    const names = { from: "from", to: "to" };
    expect(parsePeriod(names, "2026-12-01", "2026-12-01")).toEqual({ from: day, to: day + 86_400_000 });
    expect(() => parsePeriod(names, "2026-12-02", "2026-12-01")).toThrow(new PeriodError("to 2026-12-01 is not after from 2026-12-02"));
    expect(() => parsePeriod(names, "2026-12-01T10:00Z", "2026-12-01T10:00Z")).toThrow(PeriodError);
    expect(parsePeriod(names, undefined, "2026-12-01")).toEqual({ to: day + 86_400_000 });
    expect(parsePeriod(names, undefined, undefined)).toEqual({});
    expect(inPeriod("2026-12-01T00:00:00Z", { from: day })).toBe(true);
    expect(inPeriod("2026-11-30T23:59:59.999Z", { from: day })).toBe(false);
  });
});
