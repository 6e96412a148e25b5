import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../lib/audit/event.js";
import {
  FLAG_KINDS,
  type PairCounts,
  TransparencyCounter,
  type TransparencyCounts,
  type TransparencyRow,
  transparencyReport,
} from "../../lib/audit/transparency-report.js";
import { field, flag, operationBy } from "../support/audit-events.js";

// The public summary: counts between partners, rates, flags, and small counts suppressed so that no total gives them away.

const DECEMBER = { from: Date.parse("2026-12-01T00:00:00Z"), to: Date.parse("2027-01-01T00:00:00Z") };

const countsOf = (events: AuditEvent[]) => {
  const counter = new TransparencyCounter(DECEMBER);
  for (const event of events) counter.add(event);
  return counter.counts();
};
const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

const fra = (decision: "ALLOWED" | "REDACTED" | "REJECTED" = "ALLOWED") => field("ThreatActor.assessment", ["FRA"], decision);
const gbr = field("ThreatActor.name", ["GBR"]);
const key = field("ThreatActor.id", ["DEU", "EST", "FRA", "GBR"]);

describe("TransparencyCounter", () => {
  const cell = (caller: string, owner: string, purpose: string, counts: Partial<PairCounts>): PairCounts => ({
    caller,
    owner,
    purpose,
    operations: 1,
    fields: 1,
    redacted: 0,
    refused: 0,
    ...counts,
  });
  const cases: Array<[string, AuditEvent[], PairCounts[]]> = [
    ["nothing recorded", [], []],
    ["one partner asking for another's field", [operationBy("GBR", { fields: [gbr, fra()] })], [cell("GBR", "FRA", "CT", {})]],
    [
      "a field with several owners counts for each, the caller's own nation left out",
      [operationBy("GBR", { fields: [key] })],
      [cell("GBR", "DEU", "CT", {}), cell("GBR", "EST", "CT", {}), cell("GBR", "FRA", "CT", {})],
    ],
    [
      "fields, redactions and a refusal add up per operation; the operation counts once per owner",
      [
        operationBy("DEU", { fields: [fra(), fra("REDACTED"), field("ThreatAssessment.judgement", ["FRA"], "REDACTED")] }),
        operationBy("DEU", { fields: [fra("REJECTED"), field("ThreatAssessment.judgement", ["FRA"], "REJECTED")], result: "REJECTED" }),
      ],
      [cell("DEU", "FRA", "CT", { operations: 2, fields: 5, redacted: 2, refused: 1 })],
    ],
    [
      "purposes apart, and no purpose known as '-'",
      [operationBy("EST", { fields: [fra()], purpose: "CYBER" }), operationBy("EST", { fields: [fra()], purpose: null })],
      [cell("EST", "FRA", "-", {}), cell("EST", "FRA", "CYBER", {})],
    ],
    [
      "no caller (refused before identity), outside the period, or a nation reading its own data: not counted",
      [
        operationBy("GBR", { caller: null, fields: [fra()] }),
        operationBy("GBR", { at: "2027-01-01T00:00:00.000Z", fields: [fra()] }),
        operationBy("FRA", { fields: [fra()] }),
        { kind: "chain-start", at: "2026-12-01T00:00:00Z", chain: "c", kid: "k" },
      ],
      [],
    ],
  ];
  it.each(cases)("%s", (_name, events, expected) => {
    expect(countsOf(events).pairs).toEqual(expected);
  });

  it("counts flags by kind, every known kind present", () => {
    const flags = countsOf([flag(), flag(), flag({ flag: "CLASSIFIED_OPERATIONS" }), flag({ at: "2027-02-01T00:00:00Z" })]).flags;
    expect(Object.fromEntries(flags)).toEqual({ REQUEST_RATE: 2, DENIED_FIELDS: 0, CLASSIFIED_OPERATIONS: 1, NEW_PURPOSE: 0 });
  });
});

describe("transparencyReport", () => {
  const row = (rows: TransparencyRow[], caller: string | null, owner: string | null, purpose: string | null) =>
    rows.find((r) => r.caller === caller && r.owner === owner && r.purpose === purpose);

  // GBR → FRA: 42 operations for CT (4 redacted of 82 fields, 2 refused), 3 for CYBER; DEU → FRA: 25 for CT; EST → FRA: 3 for CT.
  const events: AuditEvent[] = [
    ...times(36, () => operationBy("GBR", { fields: [fra(), fra()] })),
    ...times(4, () => operationBy("GBR", { fields: [fra(), fra("REDACTED")] })),
    ...times(2, () => operationBy("GBR", { fields: [fra("REJECTED")], result: "REJECTED" })),
    ...times(3, () => operationBy("GBR", { fields: [fra()], purpose: "CYBER" })),
    ...times(25, () => operationBy("DEU", { fields: [fra()] })),
    ...times(3, () => operationBy("EST", { fields: [fra()] })),
    ...times(12, () => flag()),
  ];
  const report = transparencyReport(countsOf(events), 10);
  const operations = (caller: string | null, purpose: string | null) => row(report.rows, caller, caller && "FRA", purpose)?.operations;

  it("lists each pair's purposes, then the pair over all purposes, then all pairs", () => {
    expect(report.rows.map((r) => [r.caller, r.owner, r.purpose])).toEqual([
      ["DEU", "FRA", "CT"],
      ["DEU", "FRA", null],
      ["EST", "FRA", "CT"],
      ["EST", "FRA", null],
      ["GBR", "FRA", "CT"],
      ["GBR", "FRA", "CYBER"],
      ["GBR", "FRA", null],
      [null, null, null],
    ]);
  });

  it("hides a small cell as <k, and the smallest other row of its total as x (k or more), so the total minus the rest is not the cell", () => {
    // GBR → FRA's total goes too: DEU, knowing its own 25, would have EST → FRA as 73 - 25 - 45 (break B of the review).
    expect([operations("GBR", "CYBER"), operations("GBR", "CT"), operations("GBR", null)]).toEqual(["<10", "x", "x"]);
    expect(row(report.rows, "GBR", "FRA", "CT")).toMatchObject({
      fields: "x",
      redacted: "<10",
      refused: "<10",
      redactionRate: null,
      denialRate: null,
    });
  });

  it("carries a hidden pair total up and down: all pairs minus the shown pairs is no small pair's count, and a hidden total is not its rows' sum", () => {
    // EST's 3 is small; all pairs (73) minus GBR and DEU would give it back, so DEU's total is hidden too, and so its only row;
    // GBR (knowing its 45) is left with EST + DEU = 28, DEU at least 10; DEU, with EST + GBR = 48, GBR a "<10" and an "x".
    expect([operations("EST", null), operations("DEU", null), operations("DEU", "CT"), operations(null, null)]).toEqual([
      "<10",
      "x",
      "x",
      73,
    ]);
  });

  it("suppresses flags by kind and their total alike", () => {
    // Three kinds never seen (0 is below k) leave no room for each to be 0 to 9 unless the fourth is hidden with them; and 12 over
    // three zeros and an "x" (at least 10) would leave them at most 2: the total goes as well.
    expect(report.flags).toEqual([
      { kind: "REQUEST_RATE", count: "x" },
      { kind: "DENIED_FIELDS", count: "<10" },
      { kind: "CLASSIFIED_OPERATIONS", count: "<10" },
      { kind: "NEW_PURPOSE", count: "<10" },
      { kind: null, count: "x" },
    ]);
  });

  // NEW_PURPOSE flags by the purpose that was new: rows of their kind, suppressed within it and with the kinds.
  const newPurpose = (n: number, purpose?: string) =>
    times(n, () => flag({ flag: "NEW_PURPOSE", ...(purpose === undefined ? {} : { purpose }) }));
  const purposeCases: Array<[string, AuditEvent[], number, Array<{ kind: string | null; purpose?: string; count: unknown }>]> = [
    ["no new purpose: the kind alone, no purpose row", [...times(30, () => flag())], 10, [{ kind: "NEW_PURPOSE", count: "<10" }]],
    [
      "every count shown at k 2",
      [...times(4, () => flag()), ...newPurpose(3, "CYBER"), ...newPurpose(2, "CT")],
      2,
      [
        { kind: "NEW_PURPOSE", count: 5 },
        { kind: "NEW_PURPOSE", purpose: "CT", count: 2 },
        { kind: "NEW_PURPOSE", purpose: "CYBER", count: 3 },
      ],
    ],
    [
      "a small purpose is <k; its kind, which less the other purpose would give it back, is hidden, and so is the other purpose " +
        "(else the kind would be 31 to 39, and all kinds, 73, less 40 would leave the kinds never seen at most 2 together)",
      [...times(40, () => flag()), ...newPurpose(30, "CYBER"), ...newPurpose(3, "CT")],
      10,
      [
        { kind: "NEW_PURPOSE", count: "x" },
        { kind: "NEW_PURPOSE", purpose: "CT", count: "<10" },
        { kind: "NEW_PURPOSE", purpose: "CYBER", count: "x" },
      ],
    ],
    [
      "flags recorded before the purpose was carried count under -; the kinds never seen are covered by REQUEST_RATE, not by it",
      [...times(40, () => flag()), ...newPurpose(20, "CYBER"), ...newPurpose(12)],
      10,
      [
        { kind: "NEW_PURPOSE", count: 32 },
        { kind: "NEW_PURPOSE", purpose: "-", count: 12 },
        { kind: "NEW_PURPOSE", purpose: "CYBER", count: 20 },
      ],
    ],
  ];
  it.each(purposeCases)("new purposes: %s", (_name, flags, k, expected) => {
    const published = transparencyReport(countsOf(flags), k).flags;
    expect(published.filter((row) => row.kind === "NEW_PURPOSE")).toEqual(expected);
    // Each purpose row follows its kind's, and the total over kinds comes last.
    expect(published.at(-1)?.kind).toBeNull();
  });

  it("gives a rate only when both its counts are shown, rounded to a thousandth", () => {
    const many = transparencyReport(
      countsOf([
        ...times(20, () => operationBy("GBR", { fields: [fra("REDACTED"), fra(), fra()] })),
        ...times(10, () => operationBy("GBR", { fields: [fra("REJECTED")], result: "REJECTED" })),
      ]),
      10,
    );
    expect(row(many.rows, "GBR", "FRA", "CT")).toMatchObject({
      operations: 30,
      fields: 70,
      redacted: 20,
      redactionRate: 0.286,
      refused: 10,
      denialRate: 0.333,
    });
  });

  it("says its k and its method, and names no identity", () => {
    const named = transparencyReport(
      countsOf([...events, ...times(3, () => operationBy("EST", { operationName: "NamedByTheAnalyst", fields: [fra()] }))]),
      5,
    );
    expect(named.k).toBe(5);
    expect(named.method.join(" ")).toContain('shown as "<5"');
    expect(named.method.join(" ")).toContain("complementary suppression");
    const text = JSON.stringify(named);
    for (const identity of ["analyst@", "https://", "token-", "request-", "NamedByTheAnalyst", "hash-of"])
      expect(text).not.toContain(identity);
  });

  // Operations (and as many fields) per caller, owner and purpose; nothing redacted or refused, no flag.
  const tableOf = (cells: Array<[string, string, string, number]>): TransparencyCounts => ({
    period: DECEMBER,
    pairs: cells.map(([caller, owner, purpose, operations]) => ({
      caller,
      owner,
      purpose,
      operations,
      fields: operations,
      redacted: 0,
      refused: 0,
    })),
    flags: new Map(FLAG_KINDS.map((kind) => [kind, 0])),
    newPurposes: new Map(),
  });
  const published = (counts: TransparencyCounts) =>
    transparencyReport(counts, 10).rows.map((r) => [r.caller ?? "all", r.owner ?? "", r.purpose ?? "all", r.operations, r.fields]);

  it("protects across levels: a pair hidden with one hidden purpose is no longer that purpose plus its shown ones (review, break A)", () => {
    // Before: FRA → GBR's CT (15) shown under its hidden total, and all pairs 133: DEU → EST = 133 - 100 - (15 + CYBER) with both
    // at most 9, so both were 9. Now FRA → GBR's CT is hidden too, and all pairs, since FRA and GBR know FRA → GBR and GBR → FRA.
    const counts = tableOf([
      ["DEU", "EST", "CYBER", 9],
      ["FRA", "GBR", "CT", 15],
      ["FRA", "GBR", "CYBER", 9],
      ["GBR", "FRA", "CT", 100],
    ]);
    expect(published(counts)).toEqual([
      ["DEU", "EST", "CYBER", "<10", "<10"],
      ["DEU", "EST", "all", "<10", "<10"],
      ["FRA", "GBR", "CT", "x", "x"],
      ["FRA", "GBR", "CYBER", "<10", "<10"],
      ["FRA", "GBR", "all", "x", "x"],
      ["GBR", "FRA", "CT", 100, 100],
      ["GBR", "FRA", "all", 100, 100],
      ["all", "", "all", "x", "x"],
    ]);
  });

  it("protects against a nation that subtracts its own counts: GBR knows FRA → GBR and GBR → FRA (review, break B)", () => {
    // Before: 109 and GBR → FRA's 100 shown; GBR, the owner of FRA → GBR's 5, had DEU → EST = 109 - 100 - 5 = 4.
    const counts = tableOf([
      ["DEU", "EST", "CT", 4],
      ["FRA", "GBR", "CT", 5],
      ["GBR", "FRA", "CT", 100],
    ]);
    expect(published(counts)).toEqual([
      ["DEU", "EST", "CT", "<10", "<10"],
      ["DEU", "EST", "all", "<10", "<10"],
      ["FRA", "GBR", "CT", "<10", "<10"],
      ["FRA", "GBR", "all", "<10", "<10"],
      ["GBR", "FRA", "CT", "x", "x"],
      ["GBR", "FRA", "all", "x", "x"],
      ["all", "", "all", "x", "x"],
    ]);
  });

  it("has only the all-pairs row, suppressed, when nothing was shared", () => {
    expect(transparencyReport(countsOf([]), 10).rows).toEqual([
      {
        caller: null,
        owner: null,
        purpose: null,
        operations: "<10",
        fields: "<10",
        redacted: "<10",
        refused: "<10",
        redactionRate: null,
        denialRate: null,
      },
    ]);
  });
});
