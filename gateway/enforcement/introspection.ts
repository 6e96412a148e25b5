import { FOREVER } from "@tearline/policy";
import {
  type FieldNode,
  type GraphQLFormattedError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
  visit,
} from "graphql";
import type { FieldAccess } from "../../lib/audit/event.js";
import { ErrorCode } from "../../lib/error-codes.js";
import type { Denial } from "../rules/context.js";

/**
 * An operation that asks only about the schema (`__schema`, `__type`,
 * `__typename`): it is answered from the caller's own view of the schema
 * (see schema-view.ts), never planned or sent to a subgraph. Nothing is
 * denied in it and no coordinate is decided: the view already left out what
 * the caller could never see.
 */
export interface IntrospectionPlan {
  kind: "introspection";
  /** The operation with its fragments inlined, to run against the caller's view. */
  operation: OperationDefinitionNode;
  variableDefinitions: readonly VariableDefinitionNode[];
  operationName: string | null;
  denials: readonly Denial[];
  fields: readonly FieldAccess[];
  validUntil: number;
}

interface Refusal {
  kind: "invalid";
  status: 400;
  errors: GraphQLFormattedError[];
  validUntil: number;
}

const INTROSPECTION_ROOTS = new Set(["__schema", "__type"]);

export const INTROSPECTION_DISABLED_MESSAGE = "Introspection is not enabled on this gateway";

const refusal = (code: ErrorCode, message: string): Refusal => ({
  kind: "invalid",
  status: 400,
  errors: [{ message, extensions: { code } }],
  validUntil: FOREVER,
});

/** The operation's root fields, through its inline fragments (fragments are inlined already). */
function rootFields(selectionSet: SelectionSetNode): FieldNode[] {
  return selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD ? [selection] : selection.kind === Kind.INLINE_FRAGMENT ? rootFields(selection.selectionSet) : [],
  );
}

function hasAlias(operation: OperationDefinitionNode): boolean {
  let found = false;
  visit(operation, {
    Field(node) {
      if (node.alias) found = true;
    },
  });
  return found;
}

/**
 * What the planner does with an operation that asks about the schema:
 * undefined when it asks for none (it is planned as usual); a refusal when
 * introspection is not enabled, when it is mixed with data (one answer is
 * either the schema view or data, never both), or when it uses aliases;
 * otherwise an introspection plan. Without aliases, graphql-js's own
 * MaxIntrospectionDepthRule (part of validation) bounds the answer by the size
 * of the view: aliases would multiply it as often as the caller likes.
 */
export function introspectionPlan(operation: OperationDefinitionNode, enabled: boolean): IntrospectionPlan | Refusal | undefined {
  const roots = rootFields(operation.selectionSet);
  if (!roots.some((field) => INTROSPECTION_ROOTS.has(field.name.value))) return undefined;
  if (!enabled) return refusal(ErrorCode.IntrospectionDisabled, INTROSPECTION_DISABLED_MESSAGE);
  if (roots.some((field) => !field.name.value.startsWith("__")))
    return refusal(
      ErrorCode.IntrospectionNotAlone,
      "Ask for the schema (__schema, __type) in an operation of its own, without data fields",
    );
  if (hasAlias(operation)) return refusal(ErrorCode.OperationTooComplex, "An introspection operation may not use aliases");
  return {
    kind: "introspection",
    operation,
    variableDefinitions: operation.variableDefinitions ?? [],
    operationName: operation.name?.value ?? null,
    denials: [],
    fields: [],
    validUntil: FOREVER,
  };
}
