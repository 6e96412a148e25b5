// Summaries of a V8 CPU profile (.cpuprofile) over one time window: the top
// frames by self time, and the time under each of Tearline's own modules
// (a sample counts for the innermost frame of ours on its stack, so a call
// into a library is charged to the module of ours that made it).

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

export interface ProfileSummary {
  samples: number;
  selfTop: Array<[string, number]>;
  ownModules: Array<[string, number]>;
}

/** Shares of the samples taken between `fromUs` and `toUs` (the profiled process's monotonic clock, µs). */
export function summariseProfile(profile: CpuProfile, root: string, fromUs: number, toUs: number, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const where = (url: string) => url.replace(/^.*node_modules\//, "").replace(`file://${root}`, "");
  const ours = (url: string) => url.startsWith(`file://${root}`) && !url.includes("node_modules") && !url.includes(`${root}bench/`);
  const self = new Map<string, number>();
  const modules = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let at = profile.startTime;
  let counted = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) return;
    counted++;
    const leaf = byId.get(id)!.callFrame;
    add(self, `${leaf.functionName || "(anonymous)"} ${where(leaf.url)}:${leaf.lineNumber + 1}`);
    let node: number | undefined = id;
    while (node !== undefined && !ours(byId.get(node)!.callFrame.url)) node = parent.get(node);
    add(
      modules,
      node === undefined
        ? `(libraries and runtime) ${where(leaf.url).split("/")[0] || leaf.functionName}`
        : where(byId.get(node)!.callFrame.url),
    );
  });
  const share = (map: Map<string, number>): Array<[string, number]> =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, hits]) => [key, counted ? hits / counted : 0]);
  return { samples: counted, selfTop: share(self), ownModules: share(modules) };
}
