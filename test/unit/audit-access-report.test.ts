import { describe, expect, it } from "vitest";
import { type AccessReport, AccessReportBuilder } from "../../lib/audit/access-report.js";
import type { AuditEvent } from "../../lib/audit/event.js";
import { field, flag, operation, operationBy } from "../support/audit-events.js";

// A nation's access report: its own view of the trail, counted per partner and purpose.

const DECEMBER = { from: Date.parse("2026-12-01T00:00:00Z"), to: Date.parse("2027-01-01T00:00:00Z") };

const reportOf = (nation: string, events: AuditEvent[]): AccessReport => {
  const builder = new AccessReportBuilder(nation, DECEMBER);
  for (const event of events) builder.add(event);
  return builder.report();
};

const assessment = (decision: "ALLOWED" | "REDACTED" | "REJECTED" = "ALLOWED", reasons?: Parameters<typeof field>[3]) =>
  field("ThreatActor.assessment", ["FRA"], decision, reasons);

describe("AccessReportBuilder", () => {
  const cases: Array<{ name: string; nation: string; events: AuditEvent[]; expected: Partial<AccessReport> }> = [
    {
      name: "an empty trail",
      nation: "FRA",
      events: [],
      expected: { nation: "FRA", from: "2026-12-01T00:00:00Z", to: "2027-01-01T00:00:00Z", events: 0, groups: [], flags: [] },
    },
    {
      name: "one partner's operations: each of the nation's coordinates counted by decision, another nation's left out",
      nation: "FRA",
      events: [
        operationBy("GBR", { fields: [field("ThreatActor.name", ["GBR"]), assessment()] }),
        operationBy("GBR", { fields: [field("ThreatActor.name", ["GBR"]), assessment("REDACTED", ["AGREEMENT"])] }),
        operationBy("GBR", { fields: [assessment("REJECTED", ["CLEARANCE", "AGREEMENT"])], result: "REJECTED" }),
      ],
      expected: {
        events: 3,
        groups: [
          {
            partner: "GBR",
            purpose: "CT",
            operations: 3,
            fields: [{ coordinate: "ThreatActor.assessment", allowed: 1, redacted: 1, rejected: 1 }],
            denials: [
              { reason: "CLEARANCE", count: 1 },
              { reason: "AGREEMENT", count: 2 },
            ],
          },
        ],
      },
    },
    {
      name: "partners and purposes apart, sorted; the nation's own analysts are a partner too; no purpose known is '-'",
      nation: "FRA",
      events: [
        operationBy("GBR", { purpose: "CYBER", fields: [assessment()] }),
        operationBy("DEU", { fields: [assessment()] }),
        operationBy("FRA", { fields: [assessment()] }),
        operationBy("GBR", { fields: [assessment()] }),
        operationBy("GBR", { purpose: null, fields: [assessment()] }),
      ],
      expected: {
        events: 5,
        groups: ["DEU/CT", "FRA/CT", "GBR/-", "GBR/CT", "GBR/CYBER"].map((key) => {
          const [partner, purpose] = key.split("/");
          return {
            partner: partner!,
            purpose: purpose!,
            operations: 1,
            fields: [{ coordinate: "ThreatActor.assessment", allowed: 1, redacted: 0, rejected: 0 }],
            denials: [],
          };
        }),
      },
    },
    {
      name: "an operation that only called the nation's subgraph counts, with no field",
      nation: "GBR",
      events: [operationBy("DEU", { fields: [field("ThreatActor.watchlistEntry", ["DEU"])], subgraphs: ["DEU", "GBR"] })],
      expected: { events: 1, groups: [{ partner: "DEU", purpose: "CT", operations: 1, fields: [], denials: [] }] },
    },
    {
      name: "events outside the period, and those that did not touch the nation, are not counted",
      nation: "FRA",
      events: [
        operationBy("GBR", { at: "2026-11-30T23:59:59.999Z", fields: [assessment()] }),
        operationBy("GBR", { at: "2027-01-01T00:00:00.000Z", fields: [assessment()] }),
        operation(),
        flag({ owners: ["GBR"] }),
      ],
      expected: { events: 0, groups: [], flags: [] },
    },
    {
      name: "flags notified to the nation, by subject's nation and kind",
      nation: "GBR",
      events: [
        flag(),
        flag(),
        flag({ flag: "NEW_PURPOSE" }),
        flag({ flag: "NEW_PURPOSE", purpose: "CYBER" }),
        flag({ flag: "NEW_PURPOSE", purpose: "CYBER" }),
        flag({ subject: { nation: "EST", sub: "s", issuer: "i" } }),
      ],
      expected: {
        events: 6,
        groups: [],
        flags: [
          { partner: "DEU", flag: "NEW_PURPOSE", count: 1 },
          { partner: "DEU", flag: "NEW_PURPOSE", purpose: "CYBER", count: 2 },
          { partner: "DEU", flag: "REQUEST_RATE", count: 2 },
          { partner: "EST", flag: "REQUEST_RATE", count: 1 },
        ],
      },
    },
  ];
  it.each(cases)("$name", ({ nation, events, expected }) => {
    expect(reportOf(nation, events)).toMatchObject(expected);
  });

  it("names no identity: no subject, issuer, token, request, operation name or hash", () => {
    const text = JSON.stringify(
      reportOf("FRA", [
        operationBy("GBR", { operationName: "NamedByTheAnalyst", fields: [assessment("REDACTED")] }),
        flag({ owners: ["FRA"] }),
      ]),
    );
    for (const identity of ["analyst@", "https://", "token-", "request-", "NamedByTheAnalyst", "hash-of"])
      expect(text).not.toContain(identity);
  });
});
