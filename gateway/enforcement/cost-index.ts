import { coordinate } from "@tearline/policy";
import { type ConstDirectiveNode, type DocumentNode, Kind, parse } from "graphql";
import { readPageSizes } from "../../lib/page-sizes.js";
import type { CostIndex, FieldCost } from "../rules/cost-model.js";

const graphArgument = (directive: ConstDirectiveNode): string | undefined => {
  const value = directive.arguments?.find((a) => a.name.value === "graph")?.value;
  return value?.kind === Kind.ENUM ? value.value : undefined;
};
const isExternal = (directive: ConstDirectiveNode): boolean =>
  directive.arguments?.some((a) => a.name.value === "external" && a.value.kind === Kind.BOOLEAN && a.value.value) ?? false;

/**
 * What the cost model reads from a supergraph: for every field of every
 * object type, the subgraphs that resolve it (its @join__field graphs that
 * are not external, or else its type's @join__type graphs) and its page size
 * (lib/page-sizes.ts, which refuses a list of objects without a bounded page:
 * a supergraph with one is refused before it goes live).
 */
export function buildCostIndex(supergraph: string | DocumentNode): CostIndex {
  const document = typeof supergraph === "string" ? parse(supergraph) : supergraph;
  const pages = readPageSizes(document);
  const index = new Map<string, FieldCost>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const typeGraphs = (definition.directives ?? []).filter((d) => d.name.value === "join__type").flatMap((d) => graphArgument(d) ?? []);
    for (const field of definition.fields ?? []) {
      const joins = (field.directives ?? []).filter((d) => d.name.value === "join__field");
      const graphs = joins.length === 0 ? typeGraphs : joins.filter((d) => !isExternal(d)).flatMap((d) => graphArgument(d) ?? []);
      const at = coordinate(definition.name.value, field.name.value);
      index.set(at, { graphs: [...new Set(graphs)].sort(), page: pages.get(at) });
    }
  }
  return index;
}
