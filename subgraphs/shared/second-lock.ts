import { type AgreementBook, coordinate, type Decision, decideField, type LabelIndex, type Reason, type Subject } from "@tearline/policy";
import { type DocumentNode, GraphQLError, type GraphQLResolveInfo, Kind } from "graphql";
import type { IMiddlewareGenerator } from "graphql-middleware";
import { deny, type IRule, type IRules, rule, shield } from "graphql-shield";
import { ErrorCode } from "../../lib/error-codes.js";
import type { NationContext } from "./context.js";
import { DecisionCache } from "./decision-cache.js";

/** What the nation's second lock decides with: its own labels, its own agreements in force, and the time. */
export interface SecondLockSource {
  /** The nation's own labels (buildSubgraphIndex over its own schema.graphql). */
  index: LabelIndex;
  /** Key fields of each entity type the nation resolves, from its own @key directives. */
  keyFields: ReadonlyMap<string, readonly string[]>;
  /** The nation's own verified agreements in force, read synchronously (own-agreements.ts keeps them current). */
  agreements(): AgreementBook;
  now(): number;
}

function withheld(reasons: readonly Reason[]): GraphQLError {
  return new GraphQLError("This field is withheld: the caller is not authorised to see it", {
    extensions: { code: ErrorCode.ForbiddenField, reason: reasons[0], reasons: [...reasons] },
  });
}

// Anything the lock cannot place (an unlabelled field, a resolver error hidden by allowExternalErrors: false).
const refused = () => withheld(["UNLABELLED"]);

/** Top-level field names of a `@key(fields: "…")` selection; nested selections belong to their own type. */
function topLevelFields(selection: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (const token of selection.match(/[{}]|[_A-Za-z][_0-9A-Za-z]*/g) ?? []) {
    if (token === "{") depth++;
    else if (token === "}") depth--;
    else if (depth === 0) names.push(token);
  }
  return names;
}

/** Each entity type's key fields, from the nation's own SDL: what a caller must be allowed to load the entity by. */
export function entityKeyFields(sdl: DocumentNode): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const definition of sdl.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== "key") continue;
      const fields = directive.arguments?.find((argument) => argument.name.value === "fields")?.value;
      if (fields?.kind !== Kind.STRING) continue;
      const known = keys.get(definition.name.value) ?? [];
      keys.set(definition.name.value, [...new Set([...known, ...topLevelFields(fields.value)])]);
    }
  }
  return keys;
}

/**
 * The second lock inside a nation's subgraph: graphql-shield rules generated
 * from the nation's own @labels, deciding every field again with the same
 * `decide` as the gateway, for the subject of the gateway's verified envelope
 * and the nation's own agreements. An entity load (`_entities`, hence
 * `__resolveReference`) needs the entity's key fields to be allowed. Every
 * other field, `_service` included, falls to deny; a resolver's own error is
 * not passed through (it could carry what the lock withholds).
 */
export function secondLock(source: SecondLockSource): IMiddlewareGenerator<unknown, NationContext, unknown> {
  const cache = new DecisionCache();
  const decision = (subject: Subject, type: string, field: string): Decision => {
    const now = source.now();
    const agreements = source.agreements();
    return cache.get(subject, coordinate(type, field), agreements, now, () =>
      decideField(source.index, [type], field, subject, { now, agreements }),
    );
  };
  const answer = (verdict: Decision) => (verdict.allowed ? true : withheld(verdict.reasons));

  // One rule per labelled coordinate: the tree reads as the nation's labels do.
  const rules: Record<string, Record<string, IRule>> = {};
  for (const at of source.index.keys()) {
    const [type, field] = at.split(".") as [string, string];
    rules[type] ??= {};
    // Stryker disable next-line ObjectLiteral: a per-request cache of a rule named after its coordinate would give the same answer (one subject per request).
    rules[type][field] = rule(at, { cache: "no_cache" })((_parent, _args, ctx: NationContext) =>
      answer(decision(ctx.subject, type, field)),
    );
  }
  rules.Query ??= {};
  // Not cached per request: two aliased `_entities` fields of one operation carry different representations.
  // Stryker disable next-line StringLiteral: the name only keys shield's caches, and this rule is never cached.
  rules.Query._entities = rule("_entities", { cache: "no_cache" })(
    (_parent, args: { representations?: unknown }, ctx: NationContext, _info: GraphQLResolveInfo) => {
      const types = new Set<string>();
      // Stryker disable next-line ArrayDeclaration: representations is a required list argument; execution never passes another value.
      for (const representation of Array.isArray(args.representations) ? args.representations : []) {
        // Stryker disable next-line OptionalChaining: without it a null representation throws, and shield refuses on a throw too.
        const typename = (representation as { __typename?: unknown } | null)?.__typename;
        const keys = typeof typename === "string" ? source.keyFields.get(typename) : undefined;
        // A type the nation does not resolve as an entity, or one without key fields to decide on: nothing to load.
        if (!keys || keys.length === 0) return refused();
        types.add(typename as string);
      }
      for (const type of types) {
        for (const key of source.keyFields.get(type)!) {
          const verdict = decision(ctx.subject, type, key);
          if (!verdict.allowed) return withheld(verdict.reasons);
        }
      }
      return true;
    },
  );
  return shield(rules as IRules, { fallbackRule: deny, fallbackError: refused, allowExternalErrors: false, debug: false });
}
