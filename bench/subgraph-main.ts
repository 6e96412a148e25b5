// A nation's subgraph in the benchmark's memory mode: `tsx bench/subgraph-main.ts <NATION>`.
import { isNationCode } from "../subgraphs/nations.js";
import { runNation } from "../subgraphs/shared/server.js";
import { benchMemoExtensions } from "./subgraph-memo.js";

const nation = process.argv[2] ?? "";
if (!isNationCode(nation)) {
  console.error(`usage: tsx bench/subgraph-main.ts <NATION>; got "${nation}"`);
  process.exit(2);
}
const { resolvers } = (await import(`../subgraphs/${nation}/resolvers.js`)) as { resolvers: object };
await runNation(nation, resolvers, benchMemoExtensions());
