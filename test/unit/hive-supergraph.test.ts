import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createGatewayRuntime, type GatewayPlugin, type JWTAuthContextExtension, useCustomFetch } from "@graphql-hive/gateway";
import { buildSupergraphIndex, coordinate, type Requirement } from "@tearline/policy";
import {
  type ConstDirectiveNode,
  type DirectiveNode,
  type GraphQLField,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  print,
  valueFromASTUntyped,
  visit,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AUTHENTICATED_SPEC,
  HIVE_GENERIC_AUTH,
  REQUIRES_SCOPES_SPEC,
  scopeAlternatives,
  withHiveAuthDirectives,
} from "../../bench/gateways/hive-supergraph.js";
import { loadCoalitionsFile } from "../../lib/policy-files.js";

const SUPERGRAPH = readFileSync(fileURLToPath(new URL("../../schema/supergraph.graphql", import.meta.url)), "utf8");
const coalitions = loadCoalitionsFile();
const transformed = withHiveAuthDirectives(SUPERGRAPH, coalitions);

const directivesOf = (schema: GraphQLSchema, typeName: string, fieldName: string): readonly ConstDirectiveNode[] => {
  const type = schema.getType(typeName);
  if (!isObjectType(type) && !isInterfaceType(type)) throw new Error(`${typeName} has no fields`);
  const field: GraphQLField<unknown, unknown> | undefined = type.getFields()[fieldName];
  if (!field) throw new Error(`${typeName}.${fieldName} does not exist`);
  return field.astNode?.directives ?? [];
};
const names = (directives: readonly ConstDirectiveNode[]) =>
  directives.map((d) => d.name.value).filter((n) => n !== "label" && !n.startsWith("join__"));
const scopesArg = (directives: readonly ConstDirectiveNode[]) => {
  const directive = directives.find((d) => d.name.value === "requiresScopes");
  return directive ? valueFromASTUntyped(directive.arguments![0]!.value) : undefined;
};

/** A requirement with only scope groups, for scopeAlternatives. */
const needing = (...groups: string[][]): Requirement => ({
  owner: "DEU",
  level: "UNCLASSIFIED",
  releasableTo: new Set(),
  compartments: new Set(),
  purposes: null,
  scopeGroups: groups.map((group) => new Set(group)),
  onDeny: "REDACT",
});

describe("scopeAlternatives: Tearline's AND of scope groups as @requiresScopes' OR of AND-lists", () => {
  it("is empty when no requirement names scopes", () => {
    expect(scopeAlternatives([])).toEqual([]);
    expect(scopeAlternatives([needing(), needing()])).toEqual([]);
  });

  it("gives one alternative per scope of a single group (any one of them will do)", () => {
    expect(scopeAlternatives([needing(["watchlist:read"])])).toEqual([["watchlist:read"]]);
    expect(scopeAlternatives([needing(["a", "b"])])).toEqual([["a"], ["b"]]);
  });

  it("takes the product of the groups of every requirement: one scope from each", () => {
    expect(scopeAlternatives([needing(["a", "b"]), needing(["c"])])).toEqual([
      ["a", "c"],
      ["b", "c"],
    ]);
    expect(scopeAlternatives([needing(["a", "b"], ["c", "d"])])).toEqual([
      ["a", "c"],
      ["a", "d"],
      ["b", "c"],
      ["b", "d"],
    ]);
  });

  it("drops repeated scopes and alternatives that contain another one", () => {
    expect(scopeAlternatives([needing(["a"]), needing(["a"])])).toEqual([["a"]]);
    expect(scopeAlternatives([needing(["a"]), needing(["a", "b"])])).toEqual([["a"]]);
  });
});

describe("withHiveAuthDirectives on schema/supergraph.graphql", () => {
  const document = parse(transformed);
  const index = buildSupergraphIndex(SUPERGRAPH, coalitions);
  const labelled = [...index].filter(([, policy]) => policy.requirements.length > 0).map(([at]) => at);

  it("puts @authenticated on every field that has a requirement in the label index, on the copy only", () => {
    expect(labelled.length).toBeGreaterThan(50);
    const fields = new Map<string, string[]>();
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      for (const field of definition.fields ?? [])
        fields.set(coordinate(definition.name.value, field.name.value), names(field.directives ?? []));
    }
    for (const at of labelled) expect(fields.get(at), at).toContain("authenticated");
    expect(SUPERGRAPH).not.toContain("@authenticated");
  });

  it("adds @requiresScopes with the label's groups where a label names scopes, and nowhere else", () => {
    const withScopes = document.definitions.flatMap((definition) =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION
        ? (definition.fields ?? [])
            .filter((field) => field.directives?.some((d) => d.name.value === "requiresScopes"))
            .map((field) => [coordinate(definition.name.value, field.name.value), scopesArg(field.directives ?? [])])
        : [],
    );
    expect(withScopes).toEqual([["ThreatActor.watchlistEntry", [["watchlist:read"]]]]);
  });

  it("gives an interface field what its implementations' fields need together", () => {
    const withInterface = `${SUPERGRAPH}\ninterface Unimplemented { x: String }\n`;
    const schemaDocument = parse(withHiveAuthDirectives(withInterface, coalitions));
    const fieldsOf = (typeName: string) =>
      new Map(
        schemaDocument.definitions.flatMap((d) =>
          d.kind === Kind.INTERFACE_TYPE_DEFINITION && d.name.value === typeName
            ? (d.fields ?? []).map((f) => [f.name.value, names(f.directives ?? [])] as const)
            : [],
        ),
      );
    const report = fieldsOf("Report");
    expect(report.size).toBeGreaterThan(5);
    for (const [field, directives] of report) expect(directives, `Report.${field}`).toEqual(["authenticated"]);
    // A field with no label of its own nor any labelled implementation gets nothing.
    expect(fieldsOf("Unimplemented").get("x")).toEqual([]);
  });

  it("leaves everything that is not a field alone, and declares and links the directives as composition does", () => {
    const ours = new Set(["authenticated", "requiresScopes"]);
    const isOurLink = (d: DirectiveNode) =>
      d.name.value === "link" && [AUTHENTICATED_SPEC, REQUIRES_SCOPES_SPEC].includes(String(valueFromASTUntyped(d.arguments![0]!.value)));
    const declared = document.definitions.filter(
      (d) =>
        (d.kind === Kind.DIRECTIVE_DEFINITION && ours.has(d.name.value)) ||
        (d.kind === Kind.SCALAR_TYPE_DEFINITION && d.name.value === "requiresScopes__Scope"),
    );
    expect(declared.map(print)).toEqual([
      "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
      "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
      "scalar requiresScopes__Scope",
    ]);
    const schemaDefinition = document.definitions.find((d) => d.kind === Kind.SCHEMA_DEFINITION);
    expect(schemaDefinition?.directives?.filter(isOurLink).map(print)).toEqual([
      `@link(url: "${AUTHENTICATED_SPEC}", for: SECURITY)`,
      `@link(url: "${REQUIRES_SCOPES_SPEC}", for: SECURITY)`,
    ]);
    const stripped = visit(document, {
      Directive: (d) => (ours.has(d.name.value) || isOurLink(d) ? null : undefined),
      DirectiveDefinition: (d) => (ours.has(d.name.value) ? null : undefined),
      ScalarTypeDefinition: (d) => (d.name.value === "requiresScopes__Scope" ? null : undefined),
    });
    expect(print(stripped)).toBe(print(parse(SUPERGRAPH)));
  });

  it("refuses a supergraph that declares the directives already", () => {
    expect(() => withHiveAuthDirectives(transformed, coalitions)).toThrow(/already declares @authenticated/);
  });
});

describe("Hive Gateway's runtime on the copy", () => {
  // Subgraph requests are answered here; no network.
  const subgraphRequests: Array<{ url: string; query: string }> = [];
  const fakeSubgraphs = useCustomFetch(async (url, init) => {
    const { query } = JSON.parse(String(init?.body)) as { query: string };
    subgraphRequests.push({ url: String(url), query });
    const data = query.includes("_entities")
      ? { _entities: [{ __typename: "ThreatActor", watchlistEntry: "WL-1" }] }
      : { threatActor: { __typename: "ThreatActor", id: "ta-1", name: "Fancy Bear" } };
    return new Response(JSON.stringify({ data }), { headers: { "content-type": "application/json" } });
  });
  // Stands in for the JWT plugin: the verified payload on the context as `jwt.payload`, here from a test header.
  const fakeJwt: GatewayPlugin<JWTAuthContextExtension> = {
    onRequestParse({ request, serverContext }) {
      const payload = request.headers.get("x-test-payload");
      if (payload) Object.assign(serverContext, { jwt: { payload: JSON.parse(payload), token: { value: "test" } } });
    },
  };
  const runtime = createGatewayRuntime<JWTAuthContextExtension>({
    supergraph: transformed,
    logging: false,
    genericAuth: HIVE_GENERIC_AUTH,
    plugins: () => [fakeJwt, fakeSubgraphs],
  });
  beforeAll(() => runtime.getSchema());
  afterAll(() => runtime.dispose());

  const ask = async (query: string, payload?: object) => {
    subgraphRequests.length = 0;
    const response = await runtime.fetch("http://hive.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...(payload ? { "x-test-payload": JSON.stringify(payload) } : {}) },
      body: JSON.stringify({ query }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: unknown; errors?: Array<{ path?: unknown[]; extensions?: { code?: string } }> },
    };
  };
  const QUERY = '{ threatActor(id: "ta-1") { id name watchlistEntry } }';

  it("reads the directives from the supergraph into its schema", async () => {
    const schema = await runtime.getSchema();
    expect(names(directivesOf(schema, "ThreatActor", "watchlistEntry"))).toEqual(["authenticated", "requiresScopes"]);
    expect(scopesArg(directivesOf(schema, "ThreatActor", "watchlistEntry"))).toEqual([["watchlist:read"]]);
    expect(names(directivesOf(schema, "Query", "threatActor"))).toEqual(["authenticated"]);
    expect(names(directivesOf(schema, "Report", "body"))).toEqual(["authenticated"]);
  });

  it("answers a caller with the scope in full", async () => {
    const { status, body } = await ask(QUERY, { sub: "a", scope: "reports:read watchlist:read" });
    expect(body).toEqual({ data: { threatActor: { id: "ta-1", name: "Fancy Bear", watchlistEntry: "WL-1" } } });
    expect(status).toBe(200);
  });

  it("withholds the field whose scope the caller lacks, and runs the rest", async () => {
    const { status, body } = await ask(QUERY, { sub: "a", scope: "reports:read" });
    expect(status).toBe(200); // partial data, as Tearline's REDACT; generic-auth's default would say 401
    expect(body.data).toEqual({ threatActor: { id: "ta-1", name: "Fancy Bear", watchlistEntry: null } });
    expect(body.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
      ["UNAUTHORIZED_FIELD_OR_TYPE", ["threatActor", "watchlistEntry"]],
    ]);
    expect(subgraphRequests.some((r) => r.query.includes("watchlistEntry"))).toBe(false);
  });

  it("refuses every labelled field to a caller with no verified token, without asking any subgraph", async () => {
    const { body } = await ask(QUERY);
    expect(body.errors?.map((e) => e.extensions?.code)).toContain("UNAUTHORIZED_FIELD_OR_TYPE");
    expect(JSON.stringify(body.data ?? null)).not.toContain("ta-1");
    expect(subgraphRequests).toEqual([]);
  });
});
