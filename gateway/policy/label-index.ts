import { Kind, parse, valueFromASTUntyped, type DirectiveNode, type DocumentNode, type FieldDefinitionNode, type ObjectTypeDefinitionNode } from "graphql";
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

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || isInternal(definition.name.value)) continue;
    const graphs = directivesNamed(definition, "join__type").map((d) => graphNames.get(String(argsOf(d).graph)) ?? "?");
    types.set(definition.name.value, { node: definition, graphs, labels: rulesOf(definition, definition.name.value) });
  }

  const index = new Map<string, FieldPolicy>();
  const requiresOf = new Map<string, string[]>();
  for (const [typeName, type] of types) {
    for (const field of type.node.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      const { graphs, requires } = resolvingGraphs(field, type.graphs, graphNames);
      const fieldLabels = rulesOf(field, coordinate);
      const returnLabels = types.get(namedType(field))?.labels ?? [];
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
      if (requires.length > 0) requiresOf.set(coordinate, requires.map((name) => `${typeName}.${name}`));
    }
  }
  // A field computed from other fields (@requires) reveals them: it needs their rules too.
  for (const [coordinate, required] of requiresOf) {
    const rules = [...index.get(coordinate)!.rules, ...required.flatMap((c) => index.get(c)?.rules ?? [])];
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
  const requires = resolving.flatMap((args) => (typeof args.requires === "string" ? topLevelFields(args.requires) : []));
  return { graphs: [...new Set(resolving.map((args) => graphNames.get(String(args.graph)) ?? "?"))], requires };
}

function topLevelFields(fieldSet: string): string[] {
  const operation = parse(`{ ${fieldSet} }`).definitions[0];
  if (operation?.kind !== Kind.OPERATION_DEFINITION) return [];
  return operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}

function namedType(field: FieldDefinitionNode): string {
  let type = field.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  return type.name.value;
}

const isInternal = (name: string) => name.startsWith("join__") || name.startsWith("link__") || name.startsWith("_");
