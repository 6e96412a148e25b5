// A nation's subgraph in the benchmark's memory mode: `tsx bench/subgraph-main.ts <NATION> [--open]`.
// --open: no envelope lock, for the baseline gateways that sign none (see open-admit.ts); never used outside the benchmark.
import { resolvers as DEU } from "../subgraphs/DEU/resolvers.js";
import { resolvers as EST } from "../subgraphs/EST/resolvers.js";
import { resolvers as FRA } from "../subgraphs/FRA/resolvers.js";
import { resolvers as GBR } from "../subgraphs/GBR/resolvers.js";
import { isNationCode } from "../subgraphs/nations.js";
import { runNation } from "../subgraphs/shared/server.js";
import { openAdmit } from "./open-admit.js";
import { benchMemoExtensions } from "./subgraph-memo.js";

const [nation = "", mode] = process.argv.slice(2);
if (!isNationCode(nation) || (mode !== undefined && mode !== "--open")) {
  console.error(`usage: tsx bench/subgraph-main.ts <NATION> [--open]; got "${process.argv.slice(2).join(" ")}"`);
  process.exit(2);
}
// Imported statically, so that a bundle of this file (the benchmark runs bundles, as npm start does) holds them.
const resolvers = { DEU, EST, FRA, GBR }[nation];
await runNation(nation, resolvers, { ...benchMemoExtensions(), ...(mode === "--open" ? { admit: openAdmit } : {}) });
