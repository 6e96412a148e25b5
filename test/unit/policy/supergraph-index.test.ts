import { readFileSync } from "node:fs";
import { decide as decideAt, LabelIndexError, type Requirement, type Subject } from "@tearline/policy";
import { assert, describe, expect, it } from "vitest";
import { composeNations } from "../../../schema/composition.js";
import { loadSubgraphSdl } from "../../../subgraphs/nations.js";
import { openAgreements } from "../../support/agreements-fixture.js";
import { composeTestSupergraph, indexOf, principal } from "../../support/policy-harness.js";
import { TEST_SUPERGRAPH } from "../../support/test-schema.js";

// Every nation shares everything: these tests are about the other checks (the agreement check has its own).
const OPEN = openAgreements();

const decide = (requirements: readonly Requirement[], subject: Subject) => decideAt(requirements, subject, { now: 0, agreements: OPEN });
// Built in each test, not once at import: a mutation run then tries each mutant against the tests that read it.
const rulesOf = (coordinate: string) => indexOf(TEST_SUPERGRAPH).get(coordinate)!.requirements;
const owners = (coordinate: string) =>
  rulesOf(coordinate)
    .map((r) => r.owner)
    .sort();

describe("the label index, built from the supergraph", () => {
  it("applies each nation's type label to the fields its own subgraph resolves: both labels on a shared type take effect", () => {
    expect(owners("Actor.name")).toEqual(["GBR"]);
    expect(owners("Actor.assessment")).toEqual(["FRA"]);
    const restricted = principal({ nation: "GBR", clearance: "RESTRICTED" });
    expect(decide(rulesOf("Actor.name"), restricted)).toMatchObject({ allowed: true }); // GBR's RESTRICTED label
    expect(decide(rulesOf("Actor.assessment"), restricted)).toMatchObject({ reasons: ["CLEARANCE"] }); // FRA's CONFIDENTIAL label
  });

  it("gives a field that several nations resolve (an entity key) every one of their rules", () => {
    expect(owners("Actor.id")).toEqual(["FRA", "GBR"]);
    expect(decide(rulesOf("Actor.id"), principal({ clearance: "RESTRICTED" }))).toMatchObject({ reasons: ["CLEARANCE"] });
  });

  it("combines a nation's type label and field label, most restrictive first", () => {
    const [rule] = rulesOf("Actor.secretName");
    expect(rule!.level).toBe("SECRET");
    // The field label names no releasability, so it is GBR's alone, whatever the type label allows.
    expect([...rule!.releasableTo]).toEqual(["GBR"]);
  });

  it("adds the label of the returned type to a field that returns it", () => {
    expect(rulesOf("Query.actor").map((r) => r.level)).toEqual(["RESTRICTED"]);
    expect(decide(rulesOf("Query.actor"), principal({ clearance: "UNCLASSIFIED" }))).toMatchObject({ reasons: ["CLEARANCE"] });
  });

  it("gives a field computed through @requires the rules of the fields it requires", () => {
    expect(owners("Actor.nickname")).toEqual(["FRA", "GBR"]);
  });

  it("keeps the two nations' different labels on ThreatActor in the real supergraph apart", () => {
    const outcome = composeNations();
    assert(outcome.ok, "composition failed");
    const real = indexOf(outcome.supergraphSdl);
    expect(real.get("ThreatActor.attributedState")!.requirements.map((r) => r.owner)).toEqual(["GBR"]);
    expect(
      real
        .get("ThreatActor.watchlistEntry")!
        .requirements.map((r) => r.owner)
        .sort(),
    ).toEqual(["DEU", "GBR"]);
    expect(real.get("ThreatActor.indicators")!.requirements.map((r) => r.owner)).toEqual(["EST"]);
  });

  it("gives a field every rule its @requires reaches: nested selections and chains", () => {
    const sdl = composeTestSupergraph({
      GBR: `type Query @label(level: RESTRICTED) { actor: Actor }
            type Actor @key(fields: "id") @label(level: RESTRICTED) { id: ID! profile: Profile }
            type Profile @label(level: RESTRICTED) { realName: String @label(level: TOP_SECRET) }`,
      FRA: `type Actor @key(fields: "id") @label(level: RESTRICTED, releasableTo: ["GBR"]) {
              id: ID!
              profile: Profile @external
              derived: String @requires(fields: "profile { realName }")
            }
            type Profile @label(level: RESTRICTED, releasableTo: ["GBR"]) { realName: String @external }`,
      DEU: `type Actor @key(fields: "id") @label(level: RESTRICTED, releasableTo: ["GBR"]) {
              id: ID!
              derived: String @external
              chained: String @requires(fields: "derived")
            }`,
    });
    const chained = indexOf(sdl);
    for (const field of ["Actor.derived", "Actor.chained"]) {
      expect(
        chained.get(field)!.requirements.some((r) => r.level === "TOP_SECRET"),
        field,
      ).toBe(true);
      expect(decide(chained.get(field)!.requirements, principal({ nation: "GBR", clearance: "SECRET" }))).toMatchObject({ allowed: false });
    }
  });

  it("refuses a label on an interface field, which the check would not see", () => {
    const sdl = composeTestSupergraph({
      GBR: `type Query @label(level: RESTRICTED) { items: [Item] }
            interface Item { secret: String @label(level: TOP_SECRET) }
            type Memo implements Item @label(level: RESTRICTED) { secret: String }`,
    });
    expect(() => indexOf(sdl)).toThrow(/Item\.secret: put @label on the implementing object types/);
  });

  it("refuses a supergraph with an unlabelled field: fail closed", () => {
    const unlabelled = composeTestSupergraph({
      GBR: `type Query @label(level: RESTRICTED) { thing: Thing } type Thing { id: ID! naked: String }`,
    });
    expect(() => indexOf(unlabelled)).toThrow(LabelIndexError);
    expect(() => indexOf(unlabelled)).toThrow(/Thing\.naked has no @label from GBR/);
  });

  it("refuses a label that releases to an unknown coalition", () => {
    const malformed = composeTestSupergraph({ GBR: `type Query @label(level: RESTRICTED, releasableTo: ["ATLANTIS"]) { x: String }` });
    expect(() => indexOf(malformed)).toThrow(/ATLANTIS/);
  });

  it("refuses a nation that stamps another nation as a label's owner", () => {
    const spoof = loadSubgraphSdl("FRA").replace(
      '@label(level: CONFIDENTIAL, releasableTo: ["NATO"])',
      '@label(level: CONFIDENTIAL, releasableTo: ["NATO"], owner: "GBR")',
    );
    const outcome = composeNations(["GBR", "FRA"], (nation) => (nation === "FRA" ? spoof : loadSubgraphSdl(nation)));
    expect(outcome).toEqual({
      ok: false,
      errors: [
        {
          subgraph: "FRA",
          code: undefined,
          message: "[FRA] @label may not set owner: composition sets it to the nation that applies the label",
        },
      ],
    });
  });

  it("is built for the committed supergraph without errors", () => {
    const sdl = readFileSync(new URL("../../../schema/supergraph.graphql", import.meta.url), "utf8");
    expect(indexOf(sdl).size).toBeGreaterThan(50);
  });
});
