import { GraphQLError } from "graphql";
import { ErrorCode } from "../../lib/error-codes.js";
import { PAGE_SIZE_ARGUMENT, type PageSize } from "../../lib/page-sizes.js";

/** What the cost model knows of one `Type.field` of the supergraph. */
export interface FieldCost {
  /** The subgraphs that resolve it: selecting it from a field of another one is an entity hop. */
  graphs: readonly string[];
  /** Its page, when it returns a list of objects. */
  page: PageSize | undefined;
}

/** By coordinate (`Type.field`); a coordinate missing from it costs as a plain value resolved where its parent was. */
export type CostIndex = ReadonlyMap<string, FieldCost>;

/** One unit per value the response can hold; an entity hop adds this much per parent it is resolved for. */
export const ENTITY_HOP_COST = 2;

/**
 * The default of MAX_COST: forty times the costliest operation of the README, the example client and the
 * benchmark (FullDossiers with `first: 4`, 505), with room for a full page of 100 dossiers (12,601); the 50 aliases
 * of a seven-deep selection with `first: 100` that once returned 32 MB cost 3·10^10.
 */
export const DEFAULT_MAX_COST = 20_000;

/** How many items a list field is asked for: known in the operation, or read from a variable per request. */
export type PageAsk =
  | { kind: "literal"; size: number }
  | {
      kind: "variable";
      name: string;
      /** The variable's own default in the operation, if it declares one. */
      variableDefault: number | null | undefined;
      page: PageSize;
      /** The field's response path, for the refusal's message. */
      at: string;
    };

/** One field of the operation as planned: its cost per instance, its page if a list, and its fields. */
export interface CostNode {
  weight: number;
  page: PageAsk | undefined;
  children: CostNode[];
}

/** A page size past its field's maximum (or below zero), found in a variable. */
export interface PageRefusal {
  at: string;
  max: number;
}

/**
 * The worst-case cost of an operation: every field costs its weight once per
 * instance the response can hold, and a list's fields are held once per item
 * of every page above them. The tree is at most the expanded-field cap in
 * size, so it is always evaluated whole: the cost reported is exact.
 */
export function evaluateCost(
  nodes: readonly CostNode[],
  variables: Readonly<Record<string, unknown>> | undefined,
): { cost: number } | { refused: PageRefusal } {
  let cost = 0;
  const add = (list: readonly CostNode[], instances: number): PageRefusal | undefined => {
    for (const node of list) {
      cost += instances * node.weight;
      const size = node.page ? pageSizeOf(node.page, variables) : 1;
      if (typeof size !== "number") return size;
      // Children of an empty page cost nothing, but their page sizes are still checked.
      const refused = add(node.children, instances * size);
      if (refused) return refused;
    }
    return undefined;
  };
  const refused = add(nodes, 1);
  return refused ? { refused } : { cost };
}

/** Whether the cost can change with the variables: only then is it evaluated again for each request. */
export const dependsOnVariables = (nodes: readonly CostNode[]): boolean =>
  nodes.some((node) => node.page?.kind === "variable" || dependsOnVariables(node.children));

function pageSizeOf(ask: PageAsk, variables: Readonly<Record<string, unknown>> | undefined): number | PageRefusal {
  if (ask.kind === "literal") return ask.size;
  const given = variables && Object.hasOwn(variables, ask.name) ? variables[ask.name] : ask.variableDefault;
  // Null or absent: the argument takes the field's default, as the subgraph will.
  if (given === undefined || given === null) return ask.page.default;
  // Not an Int: execution refuses the variable before any fetch; until then it counts as the most it could be.
  if (typeof given !== "number" || !Number.isInteger(given)) return ask.page.max;
  if (given < 0 || given > ask.page.max) return { at: ask.at, max: ask.page.max };
  return given;
}

/** The refusal of an operation that costs more than the cap; the cost is part of it, so a client can see how far over it is. */
export function tooCostly(cost: number, maxCost: number): GraphQLError {
  const shown = Number.isFinite(cost) ? Math.round(cost) : Number.MAX_VALUE;
  return new GraphQLError(`The operation could cost ${shown}, more than the ${maxCost} allowed: ask for fewer or smaller pages`, {
    extensions: { code: ErrorCode.OperationTooCostly, cost: shown, maxCost },
  });
}

/** The refusal of a page size past its field's maximum, at the field's response path. */
export const pageRefused = ({ at, max }: PageRefusal): GraphQLError =>
  new GraphQLError(`${PAGE_SIZE_ARGUMENT} must be from 0 to ${max} at ${at}`, { extensions: { code: ErrorCode.BadUserInput } });
