import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, stop } from "esbuild";
import { BUILDS, buildFolder, bundleOptions } from "./bundle-options.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export { BUILDS } from "./bundle-options.mjs";

/** The built module of an entry given relative to the repository root (`gateway/main.ts` → `<build>/gateway/main.mjs`). */
export const builtEntry = (buildDir: string, entry: string): string => join(buildDir, entry.replace(/\.ts$/, ".mjs"));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Removes the builds of processes that have ended (a start killed with SIGKILL leaves its build behind). */
function removeStaleBuilds(): void {
  let names: string[];
  try {
    names = readdirSync(BUILDS);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(BUILDS, name), { recursive: true, force: true });
  }
}

/**
 * Bundles each entry (a path relative to the repository root) into one ES
 * module, in a folder of this process's own (two starts at once never read
 * each other's half-written files), and returns that folder. Six processes
 * that each load a few hundred TypeScript files through tsx's loader spend
 * seconds of CPU on it on two cores; a bundle per process, made in well
 * under a second on every start (so never stale), is loaded by Node directly
 * (ADR 0016).
 */
export async function buildEntries(entries: readonly string[]): Promise<string> {
  removeStaleBuilds();
  const buildDir = buildFolder(process.pid);
  rmSync(buildDir, { recursive: true, force: true });
  await build({
    entryPoints: entries.map((entry) => join(ROOT, entry)),
    outbase: ROOT,
    outdir: buildDir,
    ...bundleOptions,
  });
  // esbuild's service process would otherwise stay alive beside the stack, idle, for as long as it runs.
  await stop();
  return buildDir;
}
