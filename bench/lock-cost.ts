// `tsx bench/lock-cost.ts`: the second lock's own costs, as CPU µs per subgraph request, printed as JSON: the envelope
// (the gateway signs, the subgraph verifies) and, inside the subgraph, the shield and row-level security. `npm run
// bench` runs it on core 0 after the gateways have stopped and puts the figures in its report.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureEnvelopeCost } from "./envelope-cost.js";
import { measureSubgraphLockCost } from "./subgraph-lock-cost.js";

const folder = mkdtempSync(join(tmpdir(), "tearline-lock-cost-"));
try {
  const envelope = await measureEnvelopeCost();
  const subgraph = await measureSubgraphLockCost(join(folder, "FRA"));
  console.log(JSON.stringify({ node: process.version, envelope, subgraph }, null, 2));
} finally {
  rmSync(folder, { recursive: true, force: true });
}
