import { type DocumentNode, parse } from "graphql";
import { markOfRequirements } from "../banner.js";
import type { Coalitions } from "../coalitions.js";
import { coordinate } from "../coordinate.js";
import { combineRequirements } from "../requirement.js";
import { directivesNamed, readSchemaLabels, refuseProblems, returnTypeLabels } from "./schema-reader.js";
import type { FieldPolicy, LabelIndex } from "./types.js";

/**
 * Builds the label index of one nation's own subgraph schema, from that
 * nation's own @labels only: the second lock a nation applies inside its
 * subgraph, trusting nothing the supergraph says. Every field the subgraph
 * resolves (not @external) needs a label of the nation's; fields of other
 * nations are not this nation's to decide.
 */
export function buildSubgraphIndex(subgraphSdl: string | DocumentNode, nation: string, coalitions: Coalitions): LabelIndex {
  const document = typeof subgraphSdl === "string" ? parse(subgraphSdl) : subgraphSdl;
  const schema = readSchemaLabels(document, coalitions, (args) => ({ ...args, owner: args.owner ?? nation }));
  const { problems } = schema;
  const index = new Map<string, FieldPolicy>();
  for (const [typeName, type] of schema.types) {
    for (const field of type.fields) {
      if (directivesNamed(field, "external").length > 0) continue;
      const at = coordinate(typeName, field.name.value);
      const labels = [...type.labels, ...schema.labelsOf(field, at)];
      if (labels.some((r) => r.owner !== nation)) {
        problems.push(`${at}: a label may not name another nation as its owner`);
        continue;
      }
      if (labels.length === 0) {
        problems.push(`${at} has no @label from ${nation}`);
        continue;
      }
      const requirements = [[...labels, ...returnTypeLabels(schema, field, nation)].reduce(combineRequirements)];
      index.set(at, { requirements, mark: markOfRequirements(requirements) });
    }
  }
  refuseProblems(problems, `${nation}'s subgraph schema`);
  return index;
}
