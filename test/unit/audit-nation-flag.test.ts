import { describe, expect, it } from "vitest";
import type { AuditEvent, FlagEvent } from "../../lib/audit/event.js";
import { eventForNation } from "../../lib/audit/nation-view.js";
import { field, flag, operation } from "../support/audit-events.js";

// What a nation's view keeps of a flag and of an operation, value by value (audit-nation-view.test.ts: which events and fields).

describe("a nation's view of a flag", () => {
  const throttled = flag({ flag: "DENIED_FIELDS", count: 7, threshold: 5, windowSeconds: 300, throttledUntil: "2026-12-01T12:05:01.000Z" });

  it.each(["FRA", "GBR"])("keeps every part of it for %s, the subject whole, and names only that nation", (nation) => {
    const expected: FlagEvent = { ...throttled, owners: [nation] };
    expect(eventForNation(throttled, nation)).toEqual(expected);
  });

  it("copies the subject, not shares it, and leaves out any other part of it", () => {
    const event = { ...throttled, subject: { ...throttled.subject, clearance: "SECRET" } } as AuditEvent;
    const seen = eventForNation(event, "GBR") as FlagEvent;
    expect(seen.subject).toEqual(throttled.subject);
    expect(seen.subject).not.toBe((event as FlagEvent).subject);
  });
});

describe("a nation's view of an operation", () => {
  it("keeps an operation without a caller (refused before identity) whose fields it owns, with a null caller", () => {
    const refused = operation({ caller: null, purpose: null, fields: [field("ThreatActor.name", ["GBR"], "REJECTED")], status: 403 });
    expect(eventForNation(refused, "GBR")).toMatchObject({ caller: null, purpose: null, status: 403, fields: refused.fields });
  });

  it("keeps a field's reasons as a copy", () => {
    const event = operation({ fields: [field("ThreatActor.assessment", ["GBR"], "REDACTED", ["AGREEMENT", "CLEARANCE"])] });
    const seen = eventForNation(event, "GBR");
    if (seen?.kind !== "operation") throw new Error("GBR sees its own field");
    expect(seen.fields[0]!.reasons).toEqual(["AGREEMENT", "CLEARANCE"]);
    seen.fields[0]!.reasons.push("PURPOSE");
    expect(event.fields[0]!.reasons).toEqual(["AGREEMENT", "CLEARANCE"]);
  });
});
