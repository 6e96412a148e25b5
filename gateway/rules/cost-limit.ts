import { coordinate } from "@tearline/policy";
import { type ArgumentNode, Kind, type ValueNode } from "graphql";
import { PAGE_SIZE_ARGUMENT, type PageSize } from "../../lib/page-sizes.js";
import type { QueryRule } from "./context.js";
import {
  type CostNode,
  dependsOnVariables,
  ENTITY_HOP_COST,
  evaluateCost,
  type FieldCost,
  type PageAsk,
  pageRefused,
  tooCostly,
} from "./cost-model.js";
import { isMetaField } from "./selection-scope.js";

const intOf = (value: ValueNode | undefined): number | null | undefined =>
  value?.kind === Kind.INT ? Number(value.value) : value?.kind === Kind.NULL ? null : undefined;

/** The largest page any of the field's types allows: over-counting is the safe side. */
function widest(costs: ReadonlyArray<FieldCost | undefined>): PageSize | undefined {
  const pages = costs.flatMap((cost) => (cost?.page ? [cost.page] : []));
  if (pages.length === 0) return undefined;
  return { max: Math.max(...pages.map((p) => p.max)), default: Math.max(...pages.map((p) => p.default)) };
}

/**
 * The cost model, on the operation as it will be planned (a field the label
 * check denied is not asked for, so it costs nothing): one unit for every
 * value the response can hold, list fields multiplied by their page size
 * (`first`, or the schema's default for it), and an entity hop (a field
 * another subgraph resolves than its parent's) costing ENTITY_HOP_COST more
 * per parent. A page size written in the operation past its field's @pageSize
 * maximum is refused here; one in a variable, and any cost that depends on
 * variables, are weighed per request (OperationPlanner.admit). Must run
 * after the label check in the rule list.
 */
export const costLimitRule: QueryRule = (context) => {
  const roots: CostNode[] = [];
  const open: Array<{ node: CostNode; graph: string | undefined }> = [];
  const variableDefaults = new Map<string, number | null | undefined>();

  const askOf = (argument: ArgumentNode | undefined, page: PageSize, at: string): PageAsk | undefined => {
    if (argument?.value.kind === Kind.VARIABLE) {
      const name = argument.value.name.value;
      return { kind: "variable", name, variableDefault: variableDefaults.get(name), page, at };
    }
    const size = intOf(argument?.value) ?? page.default;
    if (size < 0 || size > page.max) {
      context.reportError(pageRefused({ at, max: page.max }));
      return undefined;
    }
    return { kind: "literal", size };
  };

  return {
    OperationDefinition: {
      enter(operation) {
        for (const definition of operation.variableDefinitions ?? [])
          variableDefaults.set(definition.variable.name.value, intOf(definition.defaultValue));
      },
      leave() {
        context.reportCost(roots);
        if (dependsOnVariables(roots)) return;
        const result = evaluateCost(roots, undefined);
        if ("cost" in result && result.cost > context.limits.maxCost) context.reportError(tooCostly(result.cost, context.limits.maxCost));
      },
    },
    Field: {
      enter(node) {
        if (context.isDenied(node)) return false;
        const parent = open[open.length - 1];
        const siblings = parent ? parent.node.children : roots;
        if (isMetaField(node)) {
          siblings.push({ weight: 1, page: undefined, children: [] });
          return false;
        }
        const place = context.scope.field;
        const costs = place.parentTypes.map((type) => context.costs.get(coordinate(type, node.name.value)));
        // Stay in the parent's subgraph when it resolves the field; otherwise the query planner fetches it from another one.
        let graph = parent?.graph;
        let hop = false;
        for (const cost of costs) {
          if (!cost || cost.graphs.length === 0 || (graph !== undefined && cost.graphs.includes(graph))) continue;
          hop ||= parent !== undefined;
          graph = cost.graphs[0];
        }
        const page = widest(costs);
        const at = responsePath(place);
        const ask = page
          ? askOf(
              node.arguments?.find((a) => a.name.value === PAGE_SIZE_ARGUMENT),
              page,
              at,
            )
          : undefined;
        const costNode: CostNode = { weight: 1 + (hop ? ENTITY_HOP_COST : 0), page: ask, children: [] };
        siblings.push(costNode);
        open.push({ node: costNode, graph });
        return undefined;
      },
      leave() {
        open.pop();
      },
    },
  };
};

function responsePath(place: { responseKey: string; parent: { responseKey: string; parent: unknown } | undefined }): string {
  const keys: string[] = [];
  for (let at: typeof place | undefined = place; at; at = at.parent as typeof place | undefined) keys.unshift(at.responseKey);
  return keys.join(".");
}
