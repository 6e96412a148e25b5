import {
  buildSubgraphIndex,
  buildSupergraphIndex,
  type LabelIndex,
  LabelIndexError,
  markOfRequirements,
  type Requirement,
} from "@tearline/policy";
import { type DocumentNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { loadSubgraphSdl } from "../../../subgraphs/nations.js";
import { coalitions, expectRefusal, type RequirementSpec, requirementOf } from "./fixtures.js";

// Supergraphs written by hand: only what the index reads (join__Graph, @join__type, @join__field, stamped @labels),
// so that each row can reach one edge of the reader that composition would never produce on purpose.
const GRAPHS = `
  enum join__Graph {
    G1 @join__graph(name: "GBR", url: "http://gbr.invalid")
    FRA @join__graph(name: "FRA", url: "http://fra.invalid")
    DEU
  }
  enum Colour @join__type(graph: G1) { RED @join__graph(name: "SPOOF", url: "") }
`;
const build = (body: string): LabelIndex => buildSupergraphIndex(`${GRAPHS}\n${body}`, coalitions());
const rules = (index: LabelIndex, coordinate: string): readonly Requirement[] => index.get(coordinate)!.requirements;
/** A stamped label's requirement: its owner always among those it is releasable to. */
const own = (owner: string, spec: RequirementSpec = {}) =>
  requirementOf({ owner, level: "RESTRICTED", ...spec, releasableTo: [owner, ...(spec.releasableTo ?? [])] });
const refusal = (...problems: string[]) => `Refusing a supergraph with unlabelled or malformed fields:\n  - ${problems.join("\n  - ")}`;

describe("buildSupergraphIndex: which nations resolve a field", () => {
  // Built in each test that reads it: a mutation run then tries each mutant against the tests that read it.
  const index = () =>
    build(`
    type Query @join__type(graph: G1) @label(level: RESTRICTED, owner: "GBR") {
      a: String
    }
    type Thing @join__type(graph: G1) @join__type(graph: FRA) @join__type(graph: DEU)
      @label(level: RESTRICTED, owner: "GBR") @label(level: CONFIDENTIAL, owner: "FRA") @label(level: SECRET, owner: "DEU") {
      id: ID!
      gbrOnly: String @join__field(graph: G1) @join__field(graph: FRA, external: true) @join__field(graph: DEU, external: false)
      twice: String @join__field(graph: FRA) @join__field(graph: FRA)
      nobody: String @join__field(graph: FRA, external: true)
    }`);

  it("reads each graph's name from @join__graph, or from its enum value when it has none", () => {
    expect(rules(index(), "Query.a")).toEqual([own("GBR")]);
    expect(rules(index(), "Thing.id")).toEqual([own("GBR"), own("FRA", { level: "CONFIDENTIAL" }), own("DEU", { level: "SECRET" })]);
  });

  it("takes the graphs of @join__field, leaving out those where the field is external, each graph once", () => {
    expect(rules(index(), "Thing.gbrOnly")).toEqual([own("GBR"), own("DEU", { level: "SECRET" })]);
    expect(rules(index(), "Thing.twice")).toEqual([own("FRA", { level: "CONFIDENTIAL" })]);
  });

  it("gives a field no graph resolves no requirement, so that it is denied as unlabelled", () => {
    expect(index().get("Thing.nobody")).toEqual({
      requirements: [],
      mark: { level: "UNCLASSIFIED", releasableTo: null, compartments: new Set() },
    });
  });

  it("applies a label no composition stamped to every graph", () => {
    const unstamped = build(`
      type Query @join__type(graph: G1) @join__type(graph: FRA) @label(level: SECRET, releasableTo: ["FRA", "GBR"]) {
        a: String @label(level: CONFIDENTIAL, owner: "FRA")
      }`);
    const shared = requirementOf({ level: "SECRET", releasableTo: ["FRA", "GBR"] });
    // GBR's requirement is the unstamped label alone, owned by nobody; FRA's adds FRA's own field label.
    expect(rules(unstamped, "Query.a")).toEqual([shared, { ...shared, owner: "FRA", releasableTo: new Set(["FRA"]) }]);
  });

  it.each([
    [
      "a graph that resolves a field without labelling it",
      `type Query @join__type(graph: G1) @join__type(graph: FRA) @label(level: SECRET, owner: "GBR") { a: String }`,
      ["Query.a has no @label from FRA, which resolves it"],
    ],
    [
      "a graph @join__type does not know",
      `type Query @join__type(graph: NOPE) @label(level: SECRET, owner: "GBR") { a: String }`,
      ["Query.a has no @label from ?, which resolves it"],
    ],
    [
      "a graph @join__field does not know",
      `type Query @join__type(graph: G1) @label(level: SECRET, owner: "GBR") { a: String @join__field(graph: NOPE) }`,
      ["Query.a has no @label from ?, which resolves it"],
    ],
    [
      "every problem at once, a malformed label among them",
      `type Query @join__type(graph: G1) @label(level: SECRET, owner: "GBR") { a: String @label(level: HIGH, owner: "GBR") b: String @join__field(graph: DEU) }`,
      ["Query.a: @label level must be a classification, got HIGH", "Query.b has no @label from DEU, which resolves it"],
    ],
  ])("refuses %s", (_name, body, problems) => {
    expectRefusal(() => build(body), LabelIndexError, refusal(...problems));
  });
});

describe("buildSupergraphIndex: a field computed through @requires needs the requirements of what it requires", () => {
  const index = () =>
    build(`
    type Actor @join__type(graph: G1, key: "id") @join__type(graph: FRA, key: "id")
      @label(level: RESTRICTED, owner: "GBR") @label(level: RESTRICTED, owner: "FRA") {
      id: ID!
      name: String @join__field(graph: G1) @join__field(graph: FRA, external: true) @label(level: SECRET, owner: "GBR")
      item: Item @join__field(graph: G1)
      nick: String @join__field(graph: FRA, requires: "name")
      chained: String @join__field(graph: FRA, requires: "nick")
      nested: String @join__field(graph: FRA, requires: "item { ... on Memo { title } } ... { name }")
      plain: String @join__field(graph: FRA, requires: 5)
      loopA: String @join__field(graph: FRA, requires: "loopB") @label(level: CONFIDENTIAL, owner: "FRA")
      loopB: String @join__field(graph: FRA, requires: "loopA") @label(level: SECRET, owner: "FRA")
    }
    interface Item { id: ID! }
    type Memo implements Item @join__type(graph: G1) @label(level: CONFIDENTIAL, owner: "GBR", compartments: ["M"]) {
      id: ID!
      title: String @label(level: TOP_SECRET, owner: "GBR")
    }`);
  const gbrName = own("GBR", { level: "SECRET" });
  const fra = own("FRA");

  it.each<[string, string, Requirement[]]>([
    ["the required field's requirements", "Actor.nick", [fra, gbrName]],
    ["through a chain of @requires", "Actor.chained", [fra, fra, gbrName]],
    [
      "nested selections, inline fragments with and without a type condition",
      "Actor.nested",
      [fra, own("GBR", { level: "CONFIDENTIAL", compartments: ["M"] }), own("GBR", { level: "TOP_SECRET", compartments: ["M"] }), gbrName],
    ],
    ["nothing when @requires is not a field set", "Actor.plain", [fra]],
  ])("%s", (_name, coordinate, expected) => {
    expect(index().get(coordinate)).toEqual({ requirements: expected, mark: markOfRequirements(expected) });
  });

  it("ends a cycle of @requires, each field needing the other's requirements", () => {
    const built = index();
    const levels = (coordinate: string) => [...new Set(rules(built, coordinate).map((r) => r.level))].sort();
    expect(levels("Actor.loopA")).toEqual(["CONFIDENTIAL", "SECRET"]);
    expect(levels("Actor.loopB")).toEqual(["CONFIDENTIAL", "SECRET"]);
    expect(built.get("Actor.loopA")!.mark.level).toBe("SECRET");
  });
});

/** The same document without any empty list, as a hand-built AST may leave them out. */
const withoutEmptyLists = (document: DocumentNode): DocumentNode =>
  JSON.parse(JSON.stringify(document, (_key, value) => (Array.isArray(value) && value.length === 0 ? undefined : value)));

describe("reading a hand-built document that leaves out empty lists", () => {
  it("builds the same supergraph index", () => {
    const document = parse(
      `${GRAPHS}
      enum Empty
      union Nothing
      interface Marker
      type Query @join__type(graph: G1) @label(level: RESTRICTED, owner: "GBR") { a: String b: Thing c(x: Int): String }
      extend type Query @label(level: SECRET, owner: "GBR")
      type Thing implements Marker @join__type(graph: G1) @label(level: RESTRICTED, owner: "GBR") { id: ID! }`,
      { noLocation: true },
    );
    const stripped = buildSupergraphIndex(withoutEmptyLists(document), coalitions());
    expect(stripped).toEqual(buildSupergraphIndex(document, coalitions()));
    expect([...stripped.keys()]).toEqual(["Query.a", "Query.b", "Query.c", "Thing.id"]);
  });

  it("builds the same subgraph index from a real nation's schema", () => {
    const document = parse(loadSubgraphSdl("GBR"), { noLocation: true });
    expect(buildSubgraphIndex(withoutEmptyLists(document), "GBR", coalitions())).toEqual(buildSubgraphIndex(document, "GBR", coalitions()));
  });

  it("reads a label without arguments as a label without a level", () => {
    const document = parse(`type Query @label(level: SECRET) { a: String @label }`, { noLocation: true });
    expectRefusal(
      () => buildSubgraphIndex(withoutEmptyLists(document), "FRA", coalitions()),
      LabelIndexError,
      "Refusing FRA's subgraph schema with unlabelled or malformed fields:\n  - Query.a: @label level must be a classification, got undefined",
    );
  });

  it("reads a supergraph whose graph enum has no values", () => {
    const document = parse(`enum join__Graph type Query @join__type(graph: G1) @label(level: SECRET, owner: "GBR") { a: String }`, {
      noLocation: true,
    });
    expectRefusal(
      () => buildSupergraphIndex(withoutEmptyLists(document), coalitions()),
      LabelIndexError,
      refusal("Query.a has no @label from ?, which resolves it"),
    );
  });
});
