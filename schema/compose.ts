// `npm run compose`: writes schema/supergraph.graphql and schema/api.graphql.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { composeNations } from "./composition.js";

export const SUPERGRAPH_PATH = fileURLToPath(new URL("./supergraph.graphql", import.meta.url));
export const API_SCHEMA_PATH = fileURLToPath(new URL("./api.graphql", import.meta.url));

const outcome = composeNations();
if (!outcome.ok) {
  for (const error of outcome.errors) {
    console.error(`composition error [${error.subgraph ?? "supergraph"}] ${error.code ?? ""}: ${error.message}`);
  }
  process.exit(1);
}
writeFileSync(SUPERGRAPH_PATH, outcome.supergraphSdl);
writeFileSync(API_SCHEMA_PATH, outcome.apiSdl);
console.log(`composed ${SUPERGRAPH_PATH}`);
