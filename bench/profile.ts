// `npm run bench:profile`: a CPU profile of the Tearline gateway under the
// typical query at full load, and its top frames by self time. For finding
// what to fix when a target is missed (see bench/results/latest.json).
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { print } from "graphql";
import { ThreatPictureDocument } from "../examples/analyst/__generated__/operations.js";
import { startBenchStack } from "./bench-stack.js";
import { ALLOWED, headerSource } from "./callers.js";
import { measureLoad } from "./load.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const variant = process.env.PROFILE_TOKENS === "many" ? "T-tokens" : "T-allow";
const keysDir = mkdtempSync(join(tmpdir(), "tearline-profile-keys-"));
const profileDir = mkdtempSync(join(tmpdir(), "tearline-profile-"));
const stack = await startBenchStack(keysDir, { gatewayNodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] });
const headers = await headerSource(keysDir, [ALLOWED], variant === "T-tokens" ? 4000 : 1);
const load = {
  url: stack.gateway.url,
  body: JSON.stringify({ query: print(ThreatPictureDocument), variables: { first: 3 } }),
  headers: () => headers.next(),
  connections: 16,
};
await measureLoad({ ...load, durationSeconds: 3 });
const result = await measureLoad({ ...load, durationSeconds: 10 });
await stack.stop();

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const file = readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile"));
if (!file) throw new Error("the gateway wrote no profile");
const profile = JSON.parse(readFileSync(join(profileDir, file), "utf8")) as { nodes: ProfileNode[] };
const self = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  total += hits;
  const where = node.callFrame.url.replace(/^.*node_modules\//, "").replace(`file://${ROOT}`, "");
  const key = `${node.callFrame.functionName || "(anonymous)"} ${where}:${node.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + hits);
}
console.log(`${variant}, typical: ${result.rps.toFixed(1)} rps under the profiler; top frames by self time:`);
for (const [frame, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${frame}`);
}
process.exit(0);
