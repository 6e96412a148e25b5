import { describe, expect, it } from "vitest";
import { composeNations } from "../../schema/composition.js";
import { loadSubgraphSdl, type NationCode } from "../../subgraphs/nations.js";

describe("composition", () => {
  it("names the subgraph and the problem when two nations disagree on a field's type", () => {
    const broken = (nation: NationCode) =>
      nation === "FRA"
        ? loadSubgraphSdl(nation).replace("id: ID!\n  \"FRA's current", "id: Int!\n  \"FRA's current")
        : loadSubgraphSdl(nation);
    const outcome = composeNations(["GBR", "FRA"], broken);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors.length).toBeGreaterThan(0);
    expect(outcome.errors.map((e) => e.message).join("\n")).toMatch(/ThreatActor\.id/);
    expect(outcome.errors.some((e) => e.message.includes('"FRA"') || e.subgraph === "FRA")).toBe(true);
  });

  it("keeps every nation's @label application on a shared entity type, stamped with its owner", () => {
    const outcome = composeNations();
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const actor = outcome.supergraphSdl.slice(outcome.supergraphSdl.indexOf("type ThreatActor"));
    const header = actor.slice(0, actor.indexOf("{"));
    for (const nation of ["GBR", "FRA", "DEU", "EST"]) expect(header).toContain(`owner: "${nation}"`);
  });

  it("fails on a field that no label covers", () => {
    const unlabelled = (nation: NationCode) =>
      nation === "EST"
        ? loadSubgraphSdl(nation).replace(
            "enum IndicatorKind {",
            "type Loose { naked: String }\nextend type Query { loose: Loose }\nenum IndicatorKind {",
          )
        : loadSubgraphSdl(nation);
    const outcome = composeNations(["GBR", "EST"], unlabelled);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors[0]!.message).toMatch(/Loose\.naked has no @label from EST/);
  });

  it("publishes an API schema without federation internals", () => {
    const outcome = composeNations();
    if (!outcome.ok) throw new Error("composition failed");
    expect(outcome.apiSdl).toContain("type ThreatActor");
    expect(outcome.apiSdl).not.toMatch(/join__|link__|_entities|_service/);
  });
});
