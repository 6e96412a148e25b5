import { buildSubgraphIndex, decide, LabelIndexError, markOfRequirements } from "@tearline/policy";
import { Kind, parse, visit } from "graphql";
import { describe, expect, it } from "vitest";
import { loadSubgraphSdl, NATIONS } from "../../../subgraphs/nations.js";
import { openAgreements } from "../../support/agreements-fixture.js";
import { coalitions, expectRefusal, principal, type RequirementSpec, requirementOf } from "./fixtures.js";

// Every nation shares everything: these tests are about the other checks (the agreement check has its own).
const OPEN = openAgreements();

const LABELS = `
  enum Classification { UNCLASSIFIED RESTRICTED CONFIDENTIAL SECRET TOP_SECRET }
  enum DenyMode { REDACT REJECT }
  directive @label(level: Classification!, releasableTo: [String!], compartments: [String!], purposes: [String!], scopes: [String!], onDeny: DenyMode = REDACT, owner: String) repeatable on OBJECT | FIELD_DEFINITION
  directive @external on FIELD_DEFINITION
`;
const index = (body: string, nation = "FRA") => buildSubgraphIndex(`${LABELS}\n${body}`, nation, coalitions());
/** The one requirement FRA's index holds for a coordinate, and the mark it gives, written out. */
const entry = (spec: RequirementSpec) => {
  const requirement = requirementOf({ owner: "FRA", ...spec, releasableTo: ["FRA", ...(spec.releasableTo ?? [])] });
  return { requirements: [requirement], mark: markOfRequirements([requirement]) };
};
const members = (name: string) => [...coalitions().get(name)!];
const refusal = (nation: string, ...problems: string[]) =>
  `Refusing ${nation}'s subgraph schema with unlabelled or malformed fields:\n  - ${problems.join("\n  - ")}`;

/** Every `Type.field` an SDL's object types define and do not mark @external, read without the policy code. */
function resolvedCoordinates(sdl: string): string[] {
  const out: string[] = [];
  visit(parse(sdl), {
    enter(node) {
      if (node.kind !== Kind.OBJECT_TYPE_DEFINITION && node.kind !== Kind.OBJECT_TYPE_EXTENSION) return;
      for (const field of node.fields ?? [])
        if (!field.directives?.some((d) => d.name.value === "external")) out.push(`${node.name.value}.${field.name.value}`);
    },
  });
  return out;
}

describe("buildSubgraphIndex: one nation's own labels, read by the nation", () => {
  it.each(NATIONS)("builds from %s's real subgraph schema: every field it resolves, each with one requirement of its own", (nation) => {
    const sdl = loadSubgraphSdl(nation);
    const own = buildSubgraphIndex(sdl, nation, coalitions());
    expect([...own.keys()].sort()).toEqual(resolvedCoordinates(sdl).sort());
    expect(new Set([...own.values()].map((policy) => policy.requirements.map((r) => r.owner).join()))).toEqual(new Set([nation]));
  });

  it("leaves out fields the nation does not resolve (@external), and keeps the ones it does", () => {
    const deu = buildSubgraphIndex(loadSubgraphSdl("DEU"), "DEU", coalitions());
    expect(deu.has("ThreatActor.name")).toBe(false);
    const euInNato = members("NATO").filter((nation) => coalitions().get("EU")!.has(nation));
    expect(deu.get("ThreatActor.watchlistEntry")!.requirements).toEqual([
      requirementOf({ owner: "DEU", level: "CONFIDENTIAL", releasableTo: euInNato, scopeGroups: [["watchlist:read"]] }),
    ]);
  });

  it("reads a parsed document as it reads the text", () => {
    const sdl = loadSubgraphSdl("DEU");
    expect(buildSubgraphIndex(parse(sdl), "DEU", coalitions())).toEqual(buildSubgraphIndex(sdl, "DEU", coalitions()));
  });

  it("combines the type label, the field label and the labels of the types the field returns", () => {
    const own = index(`
      type Query @label(level: UNCLASSIFIED, releasableTo: ["NATO"]) { thing: Thing things: [Thing!]! }
      type Thing @label(level: SECRET, releasableTo: ["FRA", "DEU"], compartments: ["X"], scopes: ["t"]) {
        id: ID!
        note: String @label(level: TOP_SECRET, purposes: ["CT"], onDeny: REJECT)
      }`);
    const thing = entry({ level: "SECRET", releasableTo: ["DEU"], compartments: ["X"], scopeGroups: [["t"]] });
    expect(own.get("Query.thing")).toEqual(thing);
    expect(own.get("Query.things")).toEqual(thing);
    expect(own.get("Thing.id")).toEqual(thing);
    expect(own.get("Thing.note")).toEqual(
      entry({ level: "TOP_SECRET", compartments: ["X"], purposes: ["CT"], scopeGroups: [["t"]], onDeny: "REJECT" }),
    );
    expect(decide(own.get("Thing.id")!.requirements, principal({ nation: "GBR", scopes: ["t"] }), { now: 0, agreements: OPEN })).toEqual({
      allowed: false,
      reasons: ["RELEASABILITY", "COMPARTMENT"],
      onDeny: "REDACT",
      validUntil: Number.POSITIVE_INFINITY,
    });
  });

  it("folds in every implementation's label for a field returning an interface, and every member's for a union", () => {
    const own = index(`
      type Query @label(level: UNCLASSIFIED) { items: [Item] found: Found }
      interface Item { id: ID! }
      type Low implements Item @label(level: RESTRICTED, compartments: ["L"]) { id: ID! }
      type High implements Item @label(level: SECRET) { id: ID! }
      type Other @label(level: CONFIDENTIAL, compartments: ["O"]) { id: ID! }
      union Found = Low | Other`);
    expect(own.get("Query.items")).toEqual(entry({ level: "SECRET", compartments: ["L"] }));
    expect(own.get("Query.found")).toEqual(entry({ level: "CONFIDENTIAL", compartments: ["L", "O"] }));
  });

  it("reads extensions of a type as the same type, and its interfaces from either", () => {
    const own = index(`
      type Query @label(level: UNCLASSIFIED) { x: String item: Item box: Box }
      extend type Query @label(level: SECRET) { y: String }
      interface Item { id: ID! }
      type Box @label(level: RESTRICTED, scopes: ["box"]) { id: ID! }
      extend type Box implements Item @label(level: CONFIDENTIAL) { size: Int }`);
    expect(own.get("Query.x")).toEqual(entry({ level: "SECRET" }));
    expect(own.get("Query.y")).toEqual(entry({ level: "SECRET" }));
    expect(own.get("Box.size")).toEqual(entry({ level: "CONFIDENTIAL", scopeGroups: [["box"]] }));
    // Box's labels, once: the type and its extension are one possible type.
    expect(own.get("Query.item")).toEqual(entry({ level: "SECRET", scopeGroups: [["box"]] }));
    expect(own.get("Query.box")).toEqual(entry({ level: "SECRET", scopeGroups: [["box"]] }));
  });

  it("leaves out Federation's and Tearline's own machinery", () => {
    const own = index(`
      type Query @label(level: UNCLASSIFIED) { x: String }
      type _Service { sdl: String }
      type join__Thing { a: String }
      type link__Thing { b: String }`);
    expect([...own.keys()]).toEqual(["Query.x"]);
  });

  it("takes a label that names its own nation as the owner", () => {
    expect(index(`type Query @label(level: RESTRICTED, owner: "FRA") { x: String }`).get("Query.x")).toEqual(
      entry({ level: "RESTRICTED" }),
    );
  });

  it.each([
    ["an unlabelled field", `type Query { open: String }`, ["Query.open has no @label from FRA"]],
    [
      "a field left unlabelled beside a labelled one",
      `type Query @label(level: UNCLASSIFIED) { x: String } type Thing { a: String @label(level: SECRET) b: String }`,
      ["Thing.b has no @label from FRA"],
    ],
    [
      "a label on an interface field",
      `type Query @label(level: UNCLASSIFIED) { x: String } interface I { f: String @label(level: SECRET) g: String }`,
      ["I.f: put @label on the implementing object types, not on an interface"],
    ],
    [
      "a label naming another owner",
      `type Query @label(level: UNCLASSIFIED, owner: "GBR") { x: String }`,
      ["Query.x: a label may not name another nation as its owner"],
    ],
    [
      "a field label naming another owner under the nation's own type label",
      `type Query @label(level: UNCLASSIFIED) { x: String @label(level: SECRET, owner: "GBR") y: String }`,
      ["Query.x: a label may not name another nation as its owner"],
    ],
    [
      "a malformed type label",
      `type Query @label(level: SECRET, releasableTo: ["ATLANTIS"]) { x: String }`,
      ['Query: unknown nation or coalition "ATLANTIS" in releasableTo', "Query.x has no @label from FRA"],
    ],
    [
      "a malformed field label",
      `type Query @label(level: SECRET) { x: String @label(level: SECRETISH) }`,
      ["Query.x: @label level must be a classification, got SECRETISH"],
    ],
    [
      "every problem at once",
      `type Query { a: String b: String @label(level: SECRET, owner: "DEU") } interface I { f: String @label(level: SECRET) }`,
      [
        "I.f: put @label on the implementing object types, not on an interface",
        "Query.a has no @label from FRA",
        "Query.b: a label may not name another nation as its owner",
      ],
    ],
  ])("refuses %s, naming it", (_name, body, problems) => {
    expectRefusal(() => index(body), LabelIndexError, refusal("FRA", ...problems));
  });
});
