import type { AgreementBook, Decision, Subject } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { DecisionCache } from "../../subgraphs/shared/decision-cache.js";

// The second lock remembers decisions per subject attribute set and field: never past validUntil, never across a
// changed agreements document, never one subject's for another, and within a bound.

const subject = (nation: string): Subject => ({
  nation,
  clearance: "SECRET",
  compartments: new Set(),
  purpose: "CT",
  scopes: new Set(),
});
const ALLOW: Decision = { allowed: true, validUntil: Number.POSITIVE_INFINITY };
const book = (): AgreementBook => new Map();

/** A decide function that counts its calls and answers `decision`. */
function counting(decision: Decision = ALLOW) {
  const counter = {
    calls: 0,
    decide: () => {
      counter.calls++;
      return decision;
    },
  };
  return counter;
}

describe("the second lock's decision cache", () => {
  it("decides once per subject attributes and field, and answers again from memory", () => {
    const cache = new DecisionCache();
    const agreements = book();
    const counter = counting();
    for (let i = 0; i < 3; i++) expect(cache.get(subject("GBR"), "T.f", agreements, 0, counter.decide)).toBe(ALLOW);
    // An equal subject in another object (the next request) shares the decision.
    cache.get(subject("GBR"), "T.f", agreements, 0, counter.decide);
    expect(counter.calls).toBe(1);
    cache.get(subject("GBR"), "T.g", agreements, 0, counter.decide);
    cache.get(subject("DEU"), "T.f", agreements, 0, counter.decide);
    expect(counter.calls).toBe(3);
    expect(cache.size).toBe(3);
  });

  it("decides again at validUntil, not before", () => {
    const cache = new DecisionCache();
    const agreements = book();
    const counter = counting({ allowed: true, validUntil: 1000 });
    cache.get(subject("GBR"), "T.f", agreements, 0, counter.decide);
    cache.get(subject("GBR"), "T.f", agreements, 999, counter.decide);
    expect(counter.calls).toBe(1);
    cache.get(subject("GBR"), "T.f", agreements, 1000, counter.decide);
    expect(counter.calls).toBe(2);
  });

  it("forgets everything when the agreements document changes, and keeps it while the same one is in force", () => {
    const cache = new DecisionCache();
    const first = book();
    const counter = counting();
    cache.get(subject("GBR"), "T.f", first, 0, counter.decide);
    cache.get(subject("GBR"), "T.f", first, 0, counter.decide);
    expect(counter.calls).toBe(1);
    cache.get(subject("GBR"), "T.f", book(), 0, counter.decide);
    expect(counter.calls).toBe(2);
    expect(cache.size).toBe(1);
  });

  it("starts again when full, so that memory stays bounded", () => {
    const cache = new DecisionCache(2);
    const agreements = book();
    const counter = counting();
    cache.get(subject("GBR"), "T.a", agreements, 0, counter.decide);
    cache.get(subject("GBR"), "T.b", agreements, 0, counter.decide);
    expect(cache.size).toBe(2);
    cache.get(subject("GBR"), "T.c", agreements, 0, counter.decide);
    expect(cache.size).toBe(1);
    cache.get(subject("GBR"), "T.a", agreements, 0, counter.decide);
    expect(counter.calls).toBe(4);
  });
});
