import {
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  valueFromASTUntyped,
} from "graphql";
import type { Coalitions } from "../coalitions.js";
import { coordinate } from "../coordinate.js";
import { type Requirement, requirementFromLabel } from "../requirement.js";
import { LabelIndexError } from "./types.js";

export const LABEL = "label";

export const argsOf = (directive: DirectiveNode): Record<string, unknown> =>
  Object.fromEntries((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));

export const directivesNamed = (node: { readonly directives?: readonly DirectiveNode[] }, name: string): DirectiveNode[] =>
  (node.directives ?? []).filter((d) => d.name.value === name);

export function namedType(field: FieldDefinitionNode): string {
  let type = field.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  return type.name.value;
}

/** Federation's and Tearline's own machinery, never labelled by a nation. */
export const isInternal = (name: string): boolean => name.startsWith("join__") || name.startsWith("link__") || name.startsWith("_");

export interface ObjectTypeEntry {
  name: string;
  /** The definition and any `extend type` of it, in document order. */
  nodes: Array<ObjectTypeDefinitionNode | ObjectTypeExtensionNode>;
  fields: FieldDefinitionNode[];
  labels: Requirement[];
}

export interface SchemaLabels {
  types: Map<string, ObjectTypeEntry>;
  /** The object types a named type can be: itself, an interface's implementations, a union's members. */
  possible: Map<string, string[]>;
  /** Requirements from labels on this node; a malformed label is recorded as a problem and yields none. */
  labelsOf(node: { readonly directives?: readonly DirectiveNode[] }, where: string): Requirement[];
  problems: string[];
}

/**
 * Reads the object types, the possible types of every abstract type and the
 * type labels of an SDL document (a supergraph or one nation's subgraph).
 * `stamp` fills in label arguments the document does not carry itself (a
 * subgraph's owner). Problems are collected, never thrown one at a time.
 */
export function readSchemaLabels(
  document: DocumentNode,
  coalitions: Coalitions,
  stamp: (args: Record<string, unknown>) => Record<string, unknown> = (a) => a,
): SchemaLabels {
  const problems: string[] = [];
  const labelsOf = (node: { readonly directives?: readonly DirectiveNode[] }, where: string) =>
    directivesNamed(node, LABEL).flatMap((d) => {
      try {
        return [requirementFromLabel(stamp(argsOf(d)), coalitions)];
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
        return [];
      }
    });

  const types = new Map<string, ObjectTypeEntry>();
  const possible = new Map<string, string[]>();
  const addPossible = (abstract: string, concrete: string) => {
    const list = possible.get(abstract) ?? [];
    if (!list.includes(concrete)) possible.set(abstract, [...list, concrete]);
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      // Decisions are on the object types an interface field can return; a label here would be ignored.
      for (const field of definition.fields ?? []) {
        if (directivesNamed(field, LABEL).length > 0)
          problems.push(
            `${coordinate(definition.name.value, field.name.value)}: put @label on the implementing object types, not on an interface`,
          );
      }
    }
    if (definition.kind === Kind.UNION_TYPE_DEFINITION)
      for (const member of definition.types ?? []) addPossible(definition.name.value, member.name.value);
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const name = definition.name.value;
    if (isInternal(name)) continue;
    let entry = types.get(name);
    if (!entry) {
      entry = { name, nodes: [], fields: [], labels: [] };
      types.set(name, entry);
    }
    entry.nodes.push(definition);
    entry.fields.push(...(definition.fields ?? []));
    entry.labels.push(...labelsOf(definition, name));
    addPossible(name, name);
    for (const implemented of definition.interfaces ?? []) addPossible(implemented.name.value, name);
  }
  return { types, possible, labelsOf, problems };
}

/** The labels `owner` put on every type a field can return (all implementations of an interface, all members of a union). */
export function returnTypeLabels(schema: SchemaLabels, field: FieldDefinitionNode, owner: string): Requirement[] {
  return (schema.possible.get(namedType(field)) ?? [])
    .flatMap((name) => schema.types.get(name)?.labels ?? [])
    .filter((r) => r.owner === owner);
}

export function refuseProblems(problems: readonly string[], what: string): void {
  if (problems.length > 0)
    throw new LabelIndexError(`Refusing ${what} with unlabelled or malformed fields:\n  - ${problems.join("\n  - ")}`);
}
