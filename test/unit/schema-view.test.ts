import {
  buildSchema,
  type GraphQLSchema,
  getIntrospectionQuery,
  graphqlSync,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  validateSchema,
} from "graphql";
import { describe, expect, it } from "vitest";
import { schemaView } from "../../gateway/enforcement/schema-view.js";
import { SchemaViews } from "../../gateway/enforcement/schema-views.js";
import { documentOf, openAgreements } from "../support/agreements-fixture.js";
import { testState } from "../support/plan-harness.js";
import { type PrincipalSpec, policyStateOf, principal } from "../support/policy-harness.js";
import { TEST_SUPERGRAPH } from "../support/test-schema.js";

const NOW = Date.UTC(2026, 0, 1);
const viewOf = (spec: PrincipalSpec, state = testState, now = NOW) => new SchemaViews().viewFor(state, principal(spec), now);

/** Each object and interface type of a view with its fields, each union with its members, each enum and input type; not scalars. */
function shape(schema: GraphQLSchema): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (isObjectType(type) || isInterfaceType(type)) out[type.name] = Object.keys(type.getFields()).sort();
    else if (isUnionType(type)) out[type.name] = type.getTypes().map((member) => `|${member.name}`);
    else if (!isScalarType(type)) out[type.name] = [];
  }
  return out;
}

const SECRET_GBR: PrincipalSpec = { nation: "GBR", clearance: "SECRET", purposes: ["CT"] };

describe("a caller's view of the schema", () => {
  it("shows the fields a SECRET British analyst could be allowed, and nothing else: no mutation, no label vocabulary", () => {
    const view = viewOf(SECRET_GBR);
    expect(validateSchema(view)).toEqual([]);
    const types = shape(view);
    expect(types.Query).toEqual(["actor", "actors", "items", "search", "strictActors"]);
    // Not codeword (ORCHID), realName (TOP_SECRET, FRA only), hot (France's only), initials (needs realName), scoped (scopes),
    // euOnly (EU): exactly what the planner would deny for every purpose.
    expect(types.Actor).toEqual(["assessment", "id", "name", "nickname", "purposeBound", "secretName"]);
    // Cable.title is TOP_SECRET: gone from Cable, and from the interface, which a selection on it decides for every implementation.
    expect(types.Cable).toEqual(["id"]);
    expect(types.Memo).toEqual(["id", "title"]);
    expect(types.Item).toEqual(["id"]);
    expect(types.SearchResult).toEqual(["|Memo", "|Cable"]);
    expect(Object.keys(types).sort()).toEqual(["Actor", "Cable", "Item", "Memo", "Query", "SearchResult"]);
    expect(view.getMutationType()).toBeUndefined();
    expect(view.getDirectives().map((directive) => directive.name)).not.toContain("label");
  });

  it("hides a field denied for every purpose the caller holds, and shows one allowed for any of them, whichever is declared", () => {
    expect(shape(viewOf({ ...SECRET_GBR, purposes: ["CYBER"] })).Actor).not.toContain("purposeBound");
    expect(shape(viewOf({ ...SECRET_GBR, purposes: ["CYBER", "CT"], purpose: "CYBER" })).Actor).toContain("purposeBound");
    expect(shape(viewOf({ ...SECRET_GBR, scopes: ["a:read", "b:read"] })).Actor).toContain("scoped");
  });

  it("hides the root fields the planner would deny, and every type only they reached", () => {
    const view = viewOf({ ...SECRET_GBR, clearance: "CONFIDENTIAL" });
    expect(validateSchema(view)).toEqual([]);
    const types = shape(view);
    // Every Cable field is SECRET, so items and search (decided on Cable too) are denied, and Memo, Item, the union go with them.
    expect(types.Query).toEqual(["actor", "actors", "strictActors"]);
    expect(Object.keys(types).sort()).toEqual(["Actor", "Query"]);
  });

  it("gives a caller who may see nothing an empty query type, still introspectable", () => {
    const view = viewOf({ nation: "CHN", clearance: "TOP_SECRET" });
    const result = graphqlSync({ schema: view, source: "{ __schema { queryType { name fields { name } } types { name } } }" });
    expect(result.errors).toBeUndefined();
    const schema = (result.data as { __schema: { queryType: { fields: unknown[] }; types: Array<{ name: string }> } }).__schema;
    expect(schema.queryType.fields).toEqual([]);
    expect(
      schema.types
        .map((type) => type.name)
        .filter((name) => !name.startsWith("__"))
        .sort(),
    ).toEqual(["Boolean", "Query", "String"]);
  });

  it("answers the standard introspection query from the view", () => {
    const result = graphqlSync({ schema: viewOf(SECRET_GBR), source: getIntrospectionQuery() });
    expect(result.errors).toBeUndefined();
    expect(JSON.stringify(result.data)).not.toMatch(/codeword|realName|Mutation|DenyMode|"label"/);
  });
});

describe("the views kept", () => {
  it("keeps one view per attribute set and policy version, whatever purpose the request declared", () => {
    const views = new SchemaViews();
    const ct = views.viewFor(testState, principal({ ...SECRET_GBR, purposes: ["CT", "CYBER"], purpose: "CT" }), NOW);
    expect(views.viewFor(testState, principal({ ...SECRET_GBR, purposes: ["CYBER", "CT"], purpose: "CYBER" }), NOW)).toBe(ct);
    expect(views.viewFor(testState, principal({ ...SECRET_GBR, purposes: ["CT"] }), NOW)).not.toBe(ct);
    expect(views.viewFor({ ...testState, version: "next" }, principal({ ...SECRET_GBR, purposes: ["CT", "CYBER"] }), NOW)).not.toBe(ct);
  });

  it("decides a view again once one of its decisions may have changed: an agreement that expires", () => {
    const expires = NOW + 60_000;
    const agreements = new Map([...openAgreements(), ["FRA", documentOf("FRA", { GBR: { expires } })]]);
    const state = policyStateOf(TEST_SUPERGRAPH, "expiring", agreements);
    const views = new SchemaViews();
    expect(shape(views.viewFor(state, principal(SECRET_GBR), NOW)).Actor).toContain("assessment");
    expect(shape(views.viewFor(state, principal(SECRET_GBR), expires - 1)).Actor).toContain("assessment");
    expect(shape(views.viewFor(state, principal(SECRET_GBR), expires)).Actor).not.toContain("assessment");
  });
});

describe("the schema filter alone", () => {
  const schema = buildSchema(`
    type Query { things(filter: Filter): [Thing] found: Found pets: [Pet] secret: Secret }
    input Filter { kind: Kind }
    enum Kind { A B }
    enum Unused { X }
    interface Pet { name: String owner: Owner }
    type Owner { name: String }
    type Dog implements Pet { name: String owner: Owner bark: String }
    type Cat implements Pet { name: String owner: Owner }
    type Thing { id: ID }
    type Hidden { id: ID }
    union Found = Thing | Hidden
    type Secret { id: ID }
  `);
  const hiddenFields = (...coordinates: string[]) =>
    schemaView(schema, (parentTypes, field) => parentTypes.every((type) => !coordinates.includes(`${type}.${field}`)));

  it("takes a hidden member out of a union, and keeps the input and enum types of the arguments it still shows", () => {
    const types = shape(hiddenFields("Hidden.id", "Secret.id"));
    expect(types.Found).toEqual(["|Thing"]);
    expect(types.Hidden).toBeUndefined();
    // Secret lost its only field: it goes, and so does Query.secret.
    expect(types.Query).toEqual(["found", "pets", "things"]);
    expect(types.Filter).toEqual([]);
    expect(types.Kind).toEqual([]);
    expect(types.Unused).toBeUndefined();
  });

  it("takes from an interface a field one of its object types lost (its return type was hidden), keeping the schema valid", () => {
    const view = hiddenFields("Owner.name");
    expect(validateSchema(view)).toEqual([]);
    const types = shape(view);
    expect(types.Owner).toBeUndefined();
    expect(types.Pet).toEqual(["name"]);
    expect(types.Dog).toEqual(["bark", "name"]);
  });

  it("drops the arguments' types with the field that had them", () => {
    const types = shape(hiddenFields("Thing.id"));
    expect(types.Query).toEqual(["found", "pets", "secret"]);
    expect(types.Filter).toBeUndefined();
    expect(types.Kind).toBeUndefined();
  });
});
