// `npm run bench:profile`: a CPU profile of one gateway under the typical
// query at full load, summarised over the measured seconds only (not start-up
// nor warm-up): top frames by self time, and time per module of ours.
// PROFILE_VARIANT: T-full (default; every feature on), T-allow (the gateway's
// own enforcement, as in bench/variants.ts), T-tokens (T-allow, every token
// new), T-attrs (T-allow, 1,000 attribute sets through a 100-plan per-caller
// cache), T-redact (T-allow's gateway, a caller denied about a third of the
// fields) or B (the plain @apollo/gateway baseline, for comparison).
// PROFILE_TOP: how many frames and modules to list (20).
// PROFILE_INTERVAL_US: V8's sampling interval (default 1000).
// PROFILE_RATE=n: the measured seconds at n requests a second (as the headline CPU figures are measured), each frame
// and module then in µs of the main thread's sampled time per answered request rather than in shares of the samples.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { print } from "graphql";
import { ThreatPictureDocument } from "../examples/analyst/__generated__/operations.js";
import { spawnService } from "../scripts/stack/service-process.js";
import { startBenchStack } from "./bench-stack.js";
import { measureFixedRate } from "./fixed-rate.js";
import { measureLoad } from "./load.js";
import { cpuSeconds } from "./proc.js";
import { bundleSourceMaps, type CpuProfile, mapBundledFrames, summariseProfile } from "./profile-summary.js";
import { guardAgainstStrangers } from "./stranger-watch.js";
import { ENFORCEMENT_VARIANTS, tearlineEnv, VARIANT_ENTRIES, writeOpenSupergraph } from "./variants.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const rate = process.env.PROFILE_RATE === undefined ? undefined : Number(process.env.PROFILE_RATE);
if (rate !== undefined && !(Number.isFinite(rate) && rate > 0))
  throw new Error("PROFILE_RATE must be a number of requests a second above 0");
const variant = process.env.PROFILE_VARIANT ?? (process.env.PROFILE_TOKENS === "many" ? "T-tokens" : "T-full");
if (!["T-full", "T-allow", "T-tokens", "T-attrs", "T-redact", "B"].includes(variant))
  throw new Error("PROFILE_VARIANT must be T-full, T-allow, T-tokens, T-attrs, T-redact or B");
/** T-allow, T-tokens, T-attrs and T-redact: set up as the benchmark sets them up. */
const enforcement = variant in ENFORCEMENT_VARIANTS ? ENFORCEMENT_VARIANTS[variant as keyof typeof ENFORCEMENT_VARIANTS] : undefined;
// Another process on the cores would be charged to the profiled gateway's frames (bench/strangers.ts).
const strangers = await guardAgainstStrangers((message) => console.error(`[profile] ${message}`));
const keysDir = mkdtempSync(join(tmpdir(), "tearline-profile-keys-"));
const profileDir = mkdtempSync(join(tmpdir(), "tearline-profile-"));
// The run's keys and the profile itself are summarised here, not kept: gone with the process, however it ends.
process.on("exit", () => {
  for (const folder of [keysDir, profileDir]) rmSync(folder, { recursive: true, force: true });
});
// PROFILE_INTERVAL_US: the sampling interval (V8's default, 1000 µs, gives a few samples per request at a fixed rate).
const interval = Number(process.env.PROFILE_INTERVAL_US ?? 1000);
if (!(Number.isInteger(interval) && interval > 0)) throw new Error("PROFILE_INTERVAL_US must be a whole number of microseconds above 0");
const profiler = ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-interval=${interval}`];
// Under tsx by default, not from bundles as bench/run.ts runs them. PROFILE_BUILT=1: from the bundles, as measured; each
// bundled frame is then named by its source module and line through the bundle's source map (mapBundledFrames).
const built = process.env.PROFILE_BUILT === "1";
const stack = await startBenchStack(
  keysDir,
  variant === "T-full" ? { gatewayNodeArgs: profiler, built } : { open: true, built, alsoBuild: VARIANT_ENTRIES },
);
/** The profiled gateway, when it is not the stack's own (T-full). */
const spawnProfiled = (entry: string, env: NodeJS.ProcessEnv) =>
  spawnService({
    name: variant,
    entry,
    env: {
      ...process.env,
      ...env,
      PORT: "0",
      SUPERGRAPH_PATH: writeOpenSupergraph(stack, keysDir, join(ROOT, "schema/supergraph.graphql")),
    },
    nodeArgs: profiler,
    readyTimeoutMs: 60_000,
    log: () => undefined,
    cpus: "0",
    buildDir: stack.buildDir,
  }).ready;
const profiled =
  variant === "B"
    ? await spawnProfiled("bench/gateways/baseline.ts", { TUNED: "true" })
    : enforcement
      ? await spawnProfiled("gateway/main.ts", tearlineEnv(stack, "open", enforcement.env))
      : undefined;
// T-full's callers are T-allow's (B sends no token).
const headers = await (enforcement ?? ENFORCEMENT_VARIANTS["T-allow"]).callers(keysDir);
const load = {
  url: (profiled ?? stack.gateway).url,
  body: JSON.stringify({ query: print(ThreatPictureDocument), variables: { first: 3 } }),
  headers: () => (variant === "B" ? {} : headers.next()),
  connections: 16,
};
// T-attrs: long enough that every attribute set's token is verified and cached before the measured seconds (3 s of a
// cold gateway reached about 700 of the 1,000), as the benchmark's warm-up does.
await measureLoad({ ...load, durationSeconds: variant === "T-attrs" ? 8 : 3 });
// From here the checks cover the measured seconds alone.
strangers.watch("start-up and warm-up");
// What the profiled process used over the measured seconds, from /proc: the samples are of wall time.
const pid = (profiled ?? stack.gateway).child.pid!;
const cpuBefore = { main: cpuSeconds(pid, pid), all: cpuSeconds(pid) };
// The profiled process's samples are stamped with the machine's monotonic clock, as is hrtime here.
const fromUs = Number(process.hrtime.bigint() / 1000n);
const result = rate
  ? await measureFixedRate({ ...load, rate, durationSeconds: 10 }).then((r) => ({
      rps: r.answered / 10,
      requests: r.answered,
      failures: r.failures,
    }))
  : await measureLoad({ ...load, durationSeconds: 10 });
const toUs = Number(process.hrtime.bigint() / 1000n);
const cpuAfter = { main: cpuSeconds(pid, pid), all: cpuSeconds(pid) };
if (strangers.watch("measured seconds").length > 0) console.error("[profile] the profile shared the cores with the processes above");
// The bundles' source maps, kept before the stack removes its build: they name the module of each bundled frame.
const maps = stack.buildDir ? bundleSourceMaps(stack.buildDir) : undefined;
await profiled?.stop();
await stack.stop();

// The main thread's profile is the first one the process writes (a worker's, if any, comes after).
const file = readdirSync(profileDir)
  .filter((f) => f.endsWith(".cpuprofile"))
  .sort()[0];
if (!file) throw new Error("the gateway wrote no profile");
const profile = JSON.parse(readFileSync(join(profileDir, file), "utf8")) as CpuProfile;
if (maps) mapBundledFrames(profile, maps);
const summary = summariseProfile(profile, ROOT, fromUs, toUs, Number(process.env.PROFILE_TOP ?? 20));
// At a fixed rate most samples are idle: a share of them says little. Main-thread time per answered request says what
// costs (the sampled wall time of the main thread, not the CPU of every thread; "(idle)" is time it waited).
const perRequestUs = (toUs - fromUs) / result.requests;
const percent = (share: number) =>
  rate ? `${(share * perRequestUs).toFixed(0).padStart(5)} µs` : `${(share * 100).toFixed(1).padStart(5)}%`;
console.log(
  `${variant}, typical: ${result.rps.toFixed(1)} rps under the profiler${rate ? ` (fixed rate ${rate}; main-thread µs per answered request)` : ""}, ` +
    `${result.failures} failed, ${summary.samples} samples over the measured 10 s`,
);
// The samples are of the main thread's wall time, not its CPU: the profiler costs CPU itself, and work done while
// Node waits for events can be sampled as idle. The two differ, and by a different amount for each variant
// (README), so both are shown: a reader sees how far the frames below can be taken literally.
const perRequest = (seconds: number) => `${((seconds * 1e6) / result.requests).toFixed(0)} µs`;
console.log(
  `the main thread's sampled time not idle: ${perRequest((summary.sampledUs - summary.idleUs) / 1e6)} per request; from /proc over the same ` +
    `seconds, its CPU: ${perRequest(cpuAfter.main - cpuBefore.main)}, the whole process's: ${perRequest(cpuAfter.all - cpuBefore.all)}`,
);
console.log("top frames by self time:");
for (const [frame, share] of summary.selfTop) console.log(`${percent(share)}  ${frame}`);
console.log("time under each module of ours (library calls charged to the module that made them):");
for (const [module, share] of summary.ownModules) console.log(`${percent(share)}  ${module}`);
process.exit(0);
