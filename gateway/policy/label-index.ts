import {
  Kind,
  parse,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type SelectionNode,
} from "graphql";
import { markOfRules, type Mark } from "./banner.js";
import type { Coalitions } from "./coalitions.js";
import { combineRules, ruleFromLabel, type Rule } from "./rule.js";

/** What the gateway knows about one `Type.field`: each resolving nation's rule, and the marking of its value. */
export interface FieldPolicy {
  rules: readonly Rule[];
  mark: Mark;
}

export type LabelIndex = ReadonlyMap<string, FieldPolicy>;

export class LabelIndexError extends Error {}

const argsOf = (directive: DirectiveNode): Record<string, unknown> =>
  Object.fromEntries((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));

const directivesNamed = (node: { directives?: readonly DirectiveNode[] }, name: string) =>
  (node.directives ?? []).filter((d) => d.name.value === name);

interface TypeInfo {
  node: ObjectTypeDefinitionNode;
  graphs: string[];
  labels: Rule[];
}

/**
 * Builds the label index from a supergraph: for every field of every object
 * type, one rule per subgraph that resolves it, made of that nation's type
 * label, its field label, the label it put on the field's return type, and
 * the rules of fields the field @requires. A field without a label from every
 * nation that resolves it fails the whole build: fail closed.
 */
export function buildLabelIndex(supergraphSdl: string | DocumentNode, coalitions: Coalitions): LabelIndex {
  const document = typeof supergraphSdl === "string" ? parse(supergraphSdl) : supergraphSdl;
  const graphNames = graphNamesOf(document);
  const types = new Map<string, TypeInfo>();
  const problems: string[] = [];
  const rulesOf = (node: { directives?: readonly DirectiveNode[] }, where: string) =>
    directivesNamed(node, "label").flatMap((d) => {
      try {
        return [ruleFromLabel(argsOf(d), coalitions)];
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
        return [];
      }
    });

  const possible = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      // The check decides on the object types an interface field can return; a label here would be ignored.
      for (const field of definition.fields ?? []) {
        if (directivesNamed(field, "label").length > 0) problems.push(`${definition.name.value}.${field.name.value}: put @label on the implementing object types, not on an interface`);
      }
    }
    if (definition.kind === Kind.UNION_TYPE_DEFINITION) possible.set(definition.name.value, (definition.types ?? []).map((t) => t.name.value));
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || isInternal(definition.name.value)) continue;
    const graphs = directivesNamed(definition, "join__type").map((d) => graphNames.get(String(argsOf(d).graph)) ?? "?");
    types.set(definition.name.value, { node: definition, graphs, labels: rulesOf(definition, definition.name.value) });
    possible.set(definition.name.value, [definition.name.value]);
    for (const implemented of definition.interfaces ?? []) possible.set(implemented.name.value, [...(possible.get(implemented.name.value) ?? []), definition.name.value]);
  }

  const index = new Map<string, FieldPolicy>();
  const requiresOf = new Map<string, string[]>();
  for (const [typeName, type] of types) {
    for (const field of type.node.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      const { graphs, requires } = resolvingGraphs(field, type.graphs, graphNames);
      const fieldLabels = rulesOf(field, coordinate);
      // A field returning an interface or union needs the labels of every type it can return.
      const returnLabels = (possible.get(namedType(field)) ?? []).flatMap((name) => types.get(name)?.labels ?? []);
      const rules: Rule[] = [];
      for (const graph of graphs) {
        const own = [...type.labels, ...fieldLabels].filter((rule) => rule.owner === graph || rule.owner === null);
        if (own.length === 0) {
          problems.push(`${coordinate} has no @label from ${graph}, which resolves it`);
          continue;
        }
        const fromReturnType = returnLabels.filter((rule) => rule.owner === graph);
        rules.push([...own, ...fromReturnType].reduce(combineRules));
      }
      index.set(coordinate, { rules, mark: markOfRules(rules) });
      if (requires.length > 0) requiresOf.set(coordinate, requires.flatMap((fieldSet) => requiredCoordinates(fieldSet, typeName, types)));
    }
  }
  // A field computed from other fields (@requires) reveals them, and what they require in turn: it needs all their rules.
  const closed = new Map<string, readonly Rule[]>();
  const withRequired = (coordinate: string, visiting: Set<string>): readonly Rule[] => {
    const done = closed.get(coordinate);
    if (done) return done;
    const own = index.get(coordinate)?.rules ?? [];
    if (visiting.has(coordinate)) return own;
    visiting.add(coordinate);
    const rules = [...own, ...(requiresOf.get(coordinate) ?? []).flatMap((c) => withRequired(c, visiting))];
    visiting.delete(coordinate);
    closed.set(coordinate, rules);
    return rules;
  };
  for (const coordinate of requiresOf.keys()) {
    const rules = withRequired(coordinate, new Set());
    index.set(coordinate, { rules, mark: markOfRules(rules) });
  }
  if (problems.length > 0) throw new LabelIndexError(`Refusing a supergraph with unlabelled or malformed fields:\n  - ${problems.join("\n  - ")}`);
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
function requiredCoordinates(fieldSet: string, typeName: string, types: Map<string, TypeInfo>): string[] {
  const operation = parse(`{ ${fieldSet} }`).definitions[0];
  if (operation?.kind !== Kind.OPERATION_DEFINITION) return [];
  const out: string[] = [];
  const walk = (selections: readonly SelectionNode[], parent: string) => {
    for (const selection of selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet.selections, selection.typeCondition?.name.value ?? parent);
      if (selection.kind !== Kind.FIELD) continue;
      out.push(`${parent}.${selection.name.value}`);
      const definition = types.get(parent)?.node.fields?.find((f) => f.name.value === selection.name.value);
      if (selection.selectionSet && definition) walk(selection.selectionSet.selections, namedType(definition));
    }
  };
  walk(operation.selectionSet.selections, typeName);
  return out;
}

function namedType(field: FieldDefinitionNode): string {
  let type = field.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  return type.name.value;
}

const isInternal = (name: string) => name.startsWith("join__") || name.startsWith("link__") || name.startsWith("_");
