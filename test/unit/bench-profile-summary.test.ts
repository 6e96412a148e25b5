import { describe, expect, it } from "vitest";
import { type CpuProfile, summariseProfile } from "../../bench/profile-summary.js";

const ROOT = "/repo/";
const frame = (functionName: string, url = "") => ({ functionName, url, lineNumber: 0 });

/** A root with three children: our module's function, a library's, and the idle marker. */
const nodes: CpuProfile["nodes"] = [
  { id: 1, callFrame: frame("(root)"), children: [2, 3, 4] },
  { id: 2, callFrame: frame("plan", `file://${ROOT}gateway/enforcement/plan.ts`) },
  { id: 3, callFrame: frame("parse", `file://${ROOT}node_modules/graphql/language/parser.js`) },
  { id: 4, callFrame: frame("(idle)") },
];

describe("summarising a CPU profile", () => {
  it("counts each sample for the time until the next one, not as one sample among equals", () => {
    // Ten samples 100 µs apart in plan, then one in parse that stands for 1,000 µs (the sampler ran late), then idle.
    const samples = [...Array(10).fill(2), 3, 4, 4];
    const timeDeltas = [0, ...Array(10).fill(100), 1000, 500];
    const profile: CpuProfile = { nodes, samples, timeDeltas, startTime: 0 };
    const summary = summariseProfile(profile, ROOT, 0, 10_000);
    expect(summary.samples).toBe(13);
    // plan: 10 × 100 µs; parse: 1,000 µs; idle: 500 µs (the last sample stands for nothing more).
    expect(summary.sampledUs).toBe(2500);
    expect(summary.idleUs).toBe(500);
    expect(Object.fromEntries(summary.selfTop)).toEqual({
      "plan gateway/enforcement/plan.ts:1": 0.4,
      "parse graphql/language/parser.js:1": 0.4,
      "(idle) :1": 0.2,
    });
    expect(Object.fromEntries(summary.ownModules)).toMatchObject({ "gateway/enforcement/plan.ts": 0.4 });
  });

  it("counts only the samples in the window, each up to the window's end", () => {
    const profile: CpuProfile = { nodes, samples: [2, 2, 3, 4], timeDeltas: [0, 100, 100, 100], startTime: 1000 };
    // Samples at 1,000, 1,100, 1,200 and 1,300 µs; the window from 1,050 to 1,250 holds the second and the third.
    const summary = summariseProfile(profile, ROOT, 1050, 1250);
    expect(summary.samples).toBe(2);
    expect(summary.sampledUs).toBe(150);
    expect(Object.fromEntries(summary.selfTop)).toEqual({
      "plan gateway/enforcement/plan.ts:1": 100 / 150,
      "parse graphql/language/parser.js:1": 50 / 150,
    });
  });
});
