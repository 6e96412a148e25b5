// Summaries of a V8 CPU profile (.cpuprofile) over one time window: the top
// frames by self time, and the time under each of Tearline's own modules
// (a sample's time counts for the innermost frame of ours on its stack, so a
// call into a library is charged to the module of ours that made it).

import { readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

export interface ProfileSummary {
  samples: number;
  /** The time the counted samples stand for, µs, and the part of it the thread was idle (waiting for work). */
  sampledUs: number;
  idleUs: number;
  selfTop: Array<[string, number]>;
  ownModules: Array<[string, number]>;
}

/**
 * Shares of the time sampled between `fromUs` and `toUs` (the profiled process's monotonic clock, µs). Each sample
 * stands for the time until the next one, as DevTools counts it: V8's sampling thread takes a sample late when it
 * cannot run at once (it shares core 0 with the gateway's main thread), so samples are not evenly spaced, and counting them alike
 * would weigh each stretch by how often it was sampled rather than by how long it lasted.
 */
export function summariseProfile(profile: CpuProfile, root: string, fromUs: number, toUs: number, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const where = (url: string) => url.replace(/^.*node_modules\//, "").replace(`file://${root}`, "");
  const ours = (url: string) => url.startsWith(`file://${root}`) && !url.includes("node_modules") && !url.includes(`${root}bench/`);
  const self = new Map<string, number>();
  const modules = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let at = profile.startTime;
  let counted = 0;
  let sampledUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) return;
    // Until the next sample, or the end of the window; the last sample of the profile stands for nothing more.
    const us = Math.max(0, Math.min(at + (profile.timeDeltas[i + 1] ?? 0), toUs) - at);
    counted++;
    sampledUs += us;
    const leaf = byId.get(id)!.callFrame;
    if (leaf.functionName === "(idle)") idleUs += us;
    add(self, `${leaf.functionName || "(anonymous)"} ${where(leaf.url)}:${leaf.lineNumber + 1}`, us);
    let node: number | undefined = id;
    while (node !== undefined && !ours(byId.get(node)!.callFrame.url)) node = parent.get(node);
    add(
      modules,
      node === undefined
        ? `(libraries and runtime) ${where(leaf.url).split("/")[0] || leaf.functionName}`
        : where(byId.get(node)!.callFrame.url),
      us,
    );
  });
  const share = (map: Map<string, number>): Array<[string, number]> =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => [key, sampledUs ? us / sampledUs : 0]);
  return { samples: counted, sampledUs, idleUs, selfTop: share(self), ownModules: share(modules) };
}

/** The source map of every bundle in a build folder (scripts/stack/build.ts writes one beside each), by bundle URL. */
export function bundleSourceMaps(buildDir: string): Map<string, SourceMap> {
  const maps = new Map<string, SourceMap>();
  for (const entry of readdirSync(buildDir, { recursive: true, encoding: "utf8" })) {
    if (!entry.endsWith(".mjs.map")) continue;
    const bundle = join(buildDir, entry.slice(0, -".map".length));
    const payload = JSON.parse(readFileSync(`${bundle}.map`, "utf8")) as { sources: string[] };
    // The sources are relative to the map's folder: made absolute here, as files of the repository.
    payload.sources = payload.sources.map((source) => pathToFileURL(resolve(dirname(bundle), source)).href);
    maps.set(pathToFileURL(bundle).href, new SourceMap(payload as never));
  }
  return maps;
}

/**
 * Gives each frame of a bundle the URL and line of the source it was bundled from, so that a profile of the gateway
 * as it runs (a bundle, as npm start runs it) is summarised per module like one of its sources under tsx.
 */
export function mapBundledFrames(profile: CpuProfile, maps: ReadonlyMap<string, SourceMap>): void {
  for (const node of profile.nodes) {
    const map = maps.get(node.callFrame.url);
    if (!map) continue;
    const entry = map.findEntry(node.callFrame.lineNumber, node.callFrame.columnNumber ?? 0) as {
      originalSource?: string;
      originalLine?: number;
    };
    if (entry.originalSource === undefined) continue;
    node.callFrame = { ...node.callFrame, url: entry.originalSource, lineNumber: entry.originalLine ?? 0 };
  }
}
