// Hive Gateway's copy of the supergraph (variant H): Tearline's @label
// applications turned into the Apollo authorization directives that Hive
// Gateway enforces with its generic-auth support (`genericAuth` option).
import type { GatewayConfigBase, JWTAuthContextExtension } from "@graphql-hive/gateway";
import { buildSupergraphIndex, type Coalitions, coordinate, type Requirement } from "@tearline/policy";
import {
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  GraphQLError,
  Kind,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  parse,
  print,
} from "graphql";

/**
 * The specs Apollo composition links for these directives. Hive Gateway keeps a supergraph's directive
 * applications in its schema, and generic-auth finds them by name (@authenticated, @requiresScopes).
 */
export const AUTHENTICATED_SPEC = "https://specs.apollo.dev/authenticated/v0.1";
export const REQUIRES_SCOPES_SPEC = "https://specs.apollo.dev/requiresScopes/v0.1";

// Declared the way @apollo/composition 2.14 writes them into a supergraph (the link without `import`:
// each spec's directive keeps the spec's own name; the scope scalar is namespaced by the spec).
const DECLARATIONS = parse(`
  directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  scalar requiresScopes__Scope
`).definitions;

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const string = (value: string) => ({ kind: Kind.STRING, value }) as const;

const link = (url: string): ConstDirectiveNode => ({
  kind: Kind.DIRECTIVE,
  name: name("link"),
  arguments: [
    { kind: Kind.ARGUMENT, name: name("url"), value: string(url) },
    { kind: Kind.ARGUMENT, name: name("for"), value: { kind: Kind.ENUM, value: "SECURITY" } },
  ],
});

const AUTHENTICATED: ConstDirectiveNode = { kind: Kind.DIRECTIVE, name: name("authenticated"), arguments: [] };

const requiresScopes = (alternatives: readonly (readonly string[])[]): ConstDirectiveNode => ({
  kind: Kind.DIRECTIVE,
  name: name("requiresScopes"),
  arguments: [
    {
      kind: Kind.ARGUMENT,
      name: name("scopes"),
      value: {
        kind: Kind.LIST,
        values: alternatives.map((scopes) => ({ kind: Kind.LIST, values: scopes.map(string) })),
      },
    },
  ],
});

/**
 * The scopes a caller must hold for a field with these requirements, as
 * @requiresScopes takes them: a list of alternatives, each a list of scopes
 * the caller must all hold (OR of ANDs). Tearline's requirements say it the
 * other way round: every scope group of every requirement must be met, each
 * by any one of its scopes (AND of ORs). The alternatives are the product of
 * the groups: one scope picked from each group. Alternatives that hold
 * another one are dropped (absorption), so [[a, b], [a]] becomes [[a]]; the
 * meaning is unchanged. Groups of one scope, as in the benchmark, give one
 * alternative. Empty when no requirement names scopes.
 *
 * Apollo composition writes the same product when it merges the
 * @requiresScopes of an interface's implementations.
 */
export function scopeAlternatives(requirements: readonly Requirement[]): string[][] {
  const groups = requirements.flatMap((requirement) => requirement.scopeGroups);
  if (groups.length === 0) return [];
  let alternatives: string[][] = [[]];
  for (const group of groups) {
    alternatives = minimal(
      alternatives.flatMap((picked) => [...group].map((scope) => (picked.includes(scope) ? picked : [...picked, scope]))),
    );
  }
  return alternatives;
}

/** Without duplicates and without any alternative that contains another. */
function minimal(alternatives: string[][]): string[][] {
  const kept: string[][] = [];
  for (const alternative of [...alternatives].sort((a, b) => a.length - b.length)) {
    if (!kept.some((smaller) => smaller.every((scope) => alternative.includes(scope)))) kept.push(alternative);
  }
  return kept;
}

/** The directives a field with these requirements gets: none without a requirement. */
function directivesFor(requirements: readonly Requirement[]): ConstDirectiveNode[] {
  if (requirements.length === 0) return [];
  const alternatives = scopeAlternatives(requirements);
  return alternatives.length === 0 ? [AUTHENTICATED] : [AUTHENTICATED, requiresScopes(alternatives)];
}

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;
const isObject = (definition: DefinitionNode): definition is ObjectNode =>
  definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION;

const withDirectives = (field: FieldDefinitionNode, added: ConstDirectiveNode[]): FieldDefinitionNode =>
  added.length === 0 ? field : { ...field, directives: [...(field.directives ?? []), ...added] };

/**
 * The supergraph SDL with Hive Gateway's authorization directives, for
 * variant H. Pure: the same text and coalitions give the same SDL.
 *
 * - Every field of an object type that has a requirement in Tearline's label
 *   index (buildSupergraphIndex: the nation's type and field @label, the
 *   labels on its return types, and what its @requires fields need) gets
 *   @authenticated. In a supergraph Tearline accepts, that is every object
 *   field: the index refuses an unlabelled one.
 * - If those requirements name scopes, the field also gets
 *   @requiresScopes(scopes:) with scopeAlternatives(requirements).
 * - An interface field gets what all its implementations' fields need
 *   together (Tearline decides a field selected on an interface on every
 *   possible type; Apollo composition does the same for these directives):
 *   otherwise `... on Report { body }` would bypass the check. An interface
 *   field without any labelled implementation gets nothing.
 * - Everything else is unchanged; @label stays, Hive ignores it.
 *
 * Classification, releasability, compartments and purposes have no
 * counterpart in these directives and are not carried over.
 */
export function withHiveAuthDirectives(supergraphSdl: string, coalitions: Coalitions): string {
  const document = parse(supergraphSdl);
  const index = buildSupergraphIndex(document, coalitions);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.DIRECTIVE_DEFINITION && ["authenticated", "requiresScopes"].includes(definition.name.value)) {
      throw new Error(`the supergraph already declares @${definition.name.value}; it is not Tearline's`);
    }
  }
  const implementations = implementationsOf(document);
  const requirementsOf = (typeName: string, fieldName: string): readonly Requirement[] =>
    index.get(coordinate(typeName, fieldName))?.requirements ?? [];

  const definitions = document.definitions.map((definition): DefinitionNode => {
    if (definition.kind === Kind.SCHEMA_DEFINITION) {
      return { ...definition, directives: [...(definition.directives ?? []), link(AUTHENTICATED_SPEC), link(REQUIRES_SCOPES_SPEC)] };
    }
    if (isObject(definition)) {
      const typeName = definition.name.value;
      return {
        ...definition,
        fields: definition.fields?.map((field) => withDirectives(field, directivesFor(requirementsOf(typeName, field.name.value)))),
      };
    }
    if (definition.kind === Kind.INTERFACE_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_EXTENSION) {
      const types = implementations.get(definition.name.value) ?? [];
      return {
        ...definition,
        fields: definition.fields?.map((field) =>
          withDirectives(field, directivesFor(types.flatMap((typeName) => requirementsOf(typeName, field.name.value)))),
        ),
      };
    }
    return definition;
  });
  if (!definitions.some((definition) => definition.kind === Kind.SCHEMA_DEFINITION)) {
    throw new Error("the supergraph has no schema definition to link the authorization specs on");
  }
  return print({ ...document, definitions: [...definitions, ...DECLARATIONS] } satisfies DocumentNode);
}

/** Object types by the interfaces they implement (GraphQL lists inherited interfaces too). */
function implementationsOf(document: DocumentNode): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (!isObject(definition)) continue;
    for (const implemented of definition.interfaces ?? []) {
      const list = out.get(implemented.name.value) ?? [];
      if (!list.includes(definition.name.value)) out.set(implemented.name.value, [...list, definition.name.value]);
    }
  }
  return out;
}

/** Whether the caller holds every scope of at least one alternative; true when nothing is required. */
const holdsScopes = (alternatives: readonly (readonly string[])[] | undefined, held: readonly string[]): boolean =>
  !alternatives?.length || alternatives.some((scopes) => scopes.every((scope) => held.includes(scope)));

/**
 * How variant H enforces these directives (createGatewayRuntime's
 * `genericAuth`): the user is the payload the JWT plugin verified (it puts it
 * on the context as `jwt.payload`), the scopes are its space-separated
 * `scope` claim, as Tearline reads them. A denied field is removed before
 * execution and answered null with an error at its path, as Tearline's
 * default REDACT does, and the rest of the operation runs (generic-auth
 * cannot reject the whole operation for some fields only, as Tearline's
 * onDeny: REJECT labels do).
 *
 * validateUser is generic-auth's own default for protect-granular
 * (defaultProtectSingleValidateFn, @envelop/generic-auth 11) without the
 * `http.status: 401` it puts on the error: with a field withheld, the answer
 * is a 200 with partial data, as Tearline's, not a 401 that still carries
 * data. @policy is not used.
 */
export const HIVE_GENERIC_AUTH: NonNullable<GatewayConfigBase<JWTAuthContextExtension>["genericAuth"]> = {
  mode: "protect-granular",
  resolveUserFn: (context) => context.jwt?.payload,
  extractScopes: (user) => {
    const scope: unknown = user?.scope;
    return typeof scope === "string" ? scope.split(" ").filter((s) => s !== "") : [];
  },
  validateUser: ({ user, fieldAuthArgs, typeAuthArgs, typeScopes, fieldScopes, userScopes, fieldNode, path }) => {
    const allowed =
      (user != null || (!fieldAuthArgs && !typeAuthArgs)) && holdsScopes(typeScopes, userScopes) && holdsScopes(fieldScopes, userScopes);
    return allowed
      ? undefined
      : new GraphQLError("Unauthorized field or type", { nodes: [fieldNode], path, extensions: { code: "UNAUTHORIZED_FIELD_OR_TYPE" } });
  },
  rejectUnauthenticated: false,
};
