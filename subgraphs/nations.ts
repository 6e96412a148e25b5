import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The partner nations that run a subgraph, in start order. */
export const NATIONS = ["GBR", "FRA", "DEU", "EST"] as const;
export type NationCode = (typeof NATIONS)[number];

export function isNationCode(value: string): value is NationCode {
  return (NATIONS as readonly string[]).includes(value);
}

/** Default loopback port of a nation's subgraph: 4001 for the first, and so on. */
export function defaultSubgraphPort(nation: NationCode): number {
  return 4001 + NATIONS.indexOf(nation);
}

/** The routing URL written into the committed supergraph; the gateway may override it. */
export function defaultSubgraphUrl(nation: NationCode): string {
  return `http://127.0.0.1:${defaultSubgraphPort(nation)}/graphql`;
}

const fromRoot = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export const nationFile = (nation: NationCode, name: string) => fromRoot(`subgraphs/${nation}/${name}`);

/** SDL files that make up one nation's subgraph schema, shared vocabulary first. */
export function subgraphSdlFiles(nation: NationCode): string[] {
  return [
    fromRoot("schema/labels.graphql"),
    fromRoot("schema/page-size.graphql"),
    fromRoot("schema/common.graphql"),
    nationFile(nation, "schema.graphql"),
  ];
}

/** The complete SDL of one nation's subgraph, as served and as composed. */
export function loadSubgraphSdl(nation: NationCode): string {
  return subgraphSdlFiles(nation)
    .map((file) => readFileSync(file, "utf8"))
    .join("\n");
}
