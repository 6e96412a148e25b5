import { type DocumentNode, type FieldDefinitionNode, Kind, type OperationDefinitionNode, parse, type SelectionNode } from "graphql";
import { markOfRequirements } from "../banner.js";
import type { Coalitions } from "../coalitions.js";
import { coordinate } from "../coordinate.js";
import { combineRequirements, type Requirement } from "../requirement.js";
import {
  argsOf,
  directivesNamed,
  namedType,
  type ObjectTypeEntry,
  readSchemaLabels,
  refuseProblems,
  returnTypeLabels,
} from "./schema-reader.js";
import type { FieldPolicy, LabelIndex } from "./types.js";

/**
 * Builds the label index from a supergraph: for every field of every object
 * type, one requirement per subgraph that resolves it, made of that nation's
 * type label, its field label, the labels it put on the field's return types,
 * and the requirements of the fields it @requires (transitively). A field
 * without a label from every nation that resolves it fails the whole build:
 * fail closed. Used by the gateway and by composition.
 */
export function buildSupergraphIndex(supergraphSdl: string | DocumentNode, coalitions: Coalitions): LabelIndex {
  const document = typeof supergraphSdl === "string" ? parse(supergraphSdl) : supergraphSdl;
  const graphNames = graphNamesOf(document);
  const schema = readSchemaLabels(document, coalitions);
  const { problems } = schema;

  const index = new Map<string, FieldPolicy>();
  const requiresOf = new Map<string, string[]>();
  for (const [typeName, type] of schema.types) {
    const typeGraphs = type.nodes.flatMap((node) =>
      directivesNamed(node, "join__type").map((d) => graphNames.get(String(argsOf(d).graph)) ?? "?"),
    );
    for (const field of type.fields) {
      const at = coordinate(typeName, field.name.value);
      const { graphs, requires } = resolvingGraphs(field, typeGraphs, graphNames);
      const fieldLabels = schema.labelsOf(field, at);
      const requirements: Requirement[] = [];
      for (const graph of graphs) {
        const own = [...type.labels, ...fieldLabels].filter((r) => r.owner === graph || r.owner === null);
        if (own.length === 0) {
          problems.push(`${at} has no @label from ${graph}, which resolves it`);
          continue;
        }
        requirements.push([...own, ...returnTypeLabels(schema, field, graph)].reduce(combineRequirements));
      }
      index.set(at, { requirements, mark: markOfRequirements(requirements) });
      requiresOf.set(
        at,
        requires.flatMap((fieldSet) => requiredCoordinates(fieldSet, typeName, schema.types)),
      );
    }
  }
  // A field computed from other fields (@requires) reveals them, and what they require in turn: it needs all their requirements.
  // Every field is closed over; one without @requires is its own closure.
  const closed = new Map<string, readonly Requirement[]>();
  const withRequired = (at: string, visiting: Set<string>): readonly Requirement[] => {
    const done = closed.get(at);
    if (done) return done;
    const own = index.get(at)?.requirements ?? [];
    if (visiting.has(at)) return own;
    visiting.add(at);
    const requirements = [...own, ...(requiresOf.get(at) ?? []).flatMap((c) => withRequired(c, visiting))];
    visiting.delete(at);
    closed.set(at, requirements);
    return requirements;
  };
  for (const at of requiresOf.keys()) {
    const requirements = withRequired(at, new Set());
    index.set(at, { requirements, mark: markOfRequirements(requirements) });
  }
  refuseProblems(problems, "a supergraph");
  return index;
}

function graphNamesOf(document: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== "join__Graph") continue;
    for (const value of definition.values ?? []) {
      const graph = directivesNamed(value, "join__graph")[0];
      names.set(value.name.value, graph ? String(argsOf(graph).name) : value.name.value);
    }
  }
  return names;
}

function resolvingGraphs(field: FieldDefinitionNode, typeGraphs: string[], graphNames: Map<string, string>) {
  const joins = directivesNamed(field, "join__field").map(argsOf);
  if (joins.length === 0) return { graphs: typeGraphs, requires: [] as string[] };
  const resolving = joins.filter((args) => args.external !== true);
  const requires = resolving.flatMap((args) => (typeof args.requires === "string" ? [args.requires] : []));
  return { graphs: [...new Set(resolving.map((args) => graphNames.get(String(args.graph)) ?? "?"))], requires };
}

/** Every `Type.field` a @requires field set reaches, nested selections included. */
function requiredCoordinates(fieldSet: string, typeName: string, types: ReadonlyMap<string, ObjectTypeEntry>): string[] {
  // A document that opens with `{` is one anonymous query first, whatever follows, or parse throws.
  const operation = parse(`{ ${fieldSet} }`).definitions[0] as OperationDefinitionNode;
  const out: string[] = [];
  const walk = (selections: readonly SelectionNode[], parent: string) => {
    for (const selection of selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet.selections, selection.typeCondition?.name.value ?? parent);
      if (selection.kind !== Kind.FIELD) continue;
      out.push(coordinate(parent, selection.name.value));
      const definition = types.get(parent)?.fields.find((f) => f.name.value === selection.name.value);
      if (selection.selectionSet && definition) walk(selection.selectionSet.selections, namedType(definition));
    }
  };
  walk(operation.selectionSet.selections, typeName);
  return out;
}
