import { buildSubgraphIndex, decide, LabelIndexError } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { loadSubgraphSdl, NATIONS } from "../../../subgraphs/nations.js";
import { coalitions, principal } from "../../support/policy-harness.js";

const LABELS = `
  enum Classification { UNCLASSIFIED RESTRICTED CONFIDENTIAL SECRET TOP_SECRET }
  enum DenyMode { REDACT REJECT }
  directive @label(level: Classification!, releasableTo: [String!], compartments: [String!], purposes: [String!], scopes: [String!], onDeny: DenyMode = REDACT, owner: String) repeatable on OBJECT | FIELD_DEFINITION
  directive @external on FIELD_DEFINITION
`;
const index = (body: string, nation = "FRA") => buildSubgraphIndex(`${LABELS}\n${body}`, nation, coalitions);

describe("buildSubgraphIndex: one nation's own labels, read by the nation", () => {
  it.each(NATIONS)("builds from %s's real subgraph schema", (nation) => {
    const own = buildSubgraphIndex(loadSubgraphSdl(nation), nation, coalitions);
    expect(own.size).toBeGreaterThan(5);
    for (const policy of own.values()) expect(policy.requirements.map((r) => r.owner)).toEqual([nation]);
  });

  it("leaves out fields the nation does not resolve (@external), and keeps the ones it does", () => {
    const deu = buildSubgraphIndex(loadSubgraphSdl("DEU"), "DEU", coalitions);
    expect(deu.has("ThreatActor.name")).toBe(false);
    expect(deu.get("ThreatActor.watchlistEntry")!.requirements[0]).toMatchObject({ owner: "DEU", level: "CONFIDENTIAL" });
  });

  it("combines the type label, the field label and the labels of the types the field returns", () => {
    const own = index(`
      type Query @label(level: UNCLASSIFIED, releasableTo: ["NATO"]) { thing: Thing }
      type Thing @label(level: SECRET, releasableTo: ["FRA", "DEU"], compartments: ["X"]) {
        id: ID!
        note: String @label(level: TOP_SECRET, purposes: ["CT"])
      }`);
    const [thing] = own.get("Query.thing")!.requirements;
    expect(thing).toMatchObject({ owner: "FRA", level: "SECRET" });
    expect([...thing!.releasableTo].sort()).toEqual(["DEU", "FRA"]);
    expect([...thing!.compartments]).toEqual(["X"]);
    const [note] = own.get("Thing.note")!.requirements;
    expect(note).toMatchObject({ level: "TOP_SECRET" });
    expect([...note!.purposes!]).toEqual(["CT"]);
    expect(own.get("Thing.note")!.mark.level).toBe("TOP_SECRET");
    expect(decide(own.get("Thing.id")!.requirements, principal({ nation: "GBR" }), { now: 0 })).toMatchObject({
      allowed: false,
      reasons: ["RELEASABILITY", "COMPARTMENT"],
    });
  });

  it("folds in every implementation's label for a field returning an interface", () => {
    const own = index(`
      type Query @label(level: UNCLASSIFIED) { items: [Item] }
      interface Item { id: ID! }
      type Low implements Item @label(level: RESTRICTED) { id: ID! }
      type High implements Item @label(level: SECRET) { id: ID! }`);
    expect(own.get("Query.items")!.requirements[0]!.level).toBe("SECRET");
  });

  it.each([
    ["an unlabelled field", `type Query { open: String }`, /Query.open has no @label from FRA/],
    [
      "a label on an interface field",
      `type Query @label(level: UNCLASSIFIED) { x: String } interface I { f: String @label(level: SECRET) }`,
      /I.f: put @label on the implementing object types/,
    ],
    [
      "a label naming another owner",
      `type Query @label(level: UNCLASSIFIED, owner: "GBR") { x: String }`,
      /Query.x: a label may not name another nation as its owner/,
    ],
    [
      "a malformed label",
      `type Query @label(level: SECRET, releasableTo: ["ATLANTIS"]) { x: String }`,
      /Query: unknown nation or coalition "ATLANTIS"/,
    ],
  ])("refuses %s, naming it", (_name, body, message) => {
    expect(() => index(body)).toThrow(LabelIndexError);
    expect(() => index(body)).toThrow(message);
  });

  it("reads extensions of a type as the same type", () => {
    const own = index(`
      type Query @label(level: UNCLASSIFIED) { x: String }
      extend type Query @label(level: SECRET) { y: String }`);
    expect(own.get("Query.x")!.requirements[0]!.level).toBe("SECRET");
    expect(own.get("Query.y")!.requirements[0]!.level).toBe("SECRET");
  });
});
