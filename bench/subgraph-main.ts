// A nation's subgraph in the benchmark's memory mode: `tsx bench/subgraph-main.ts <NATION> [--open]`.
// --open: no envelope lock, for the baseline gateways that sign none (see open-admit.ts); never used outside the benchmark.
import { isNationCode } from "../subgraphs/nations.js";
import { runNation } from "../subgraphs/shared/server.js";
import { openAdmit } from "./open-admit.js";
import { benchMemoExtensions } from "./subgraph-memo.js";

const [nation = "", mode] = process.argv.slice(2);
if (!isNationCode(nation) || (mode !== undefined && mode !== "--open")) {
  console.error(`usage: tsx bench/subgraph-main.ts <NATION> [--open]; got "${process.argv.slice(2).join(" ")}"`);
  process.exit(2);
}
const { resolvers } = (await import(`../subgraphs/${nation}/resolvers.js`)) as { resolvers: object };
await runNation(nation, resolvers, { ...benchMemoExtensions(), ...(mode === "--open" ? { admit: openAdmit } : {}) });
