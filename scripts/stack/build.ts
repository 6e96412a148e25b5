import { readdirSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Where `npm start` puts the services it runs: one folder per starting process, one ES module per entry. */
export const BUILDS = fileURLToPath(new URL("../../node_modules/.cache/tearline/builds/", import.meta.url));

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
 * Each source file keeps its own `import.meta.url`, so that the paths it
 * resolves from it (the supergraph, the seed SQL, the configuration files,
 * the default data folder) are the same in the bundle as under tsx.
 */
const ownModuleUrl: Plugin = {
  name: "own-module-url",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
      contents: (await readFile(path, "utf8")).replaceAll("import.meta.url", JSON.stringify(pathToFileURL(path).href)),
      loader: "ts",
    }));
  },
};

/** Installed packages stay where they are, loaded by Node as usual; only our own code (with @tearline/*) is bundled. */
const installedPackagesExternal: Plugin = {
  name: "installed-packages-external",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path }) => (path.startsWith("@tearline/") ? undefined : { path, external: true }));
  },
};

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
  const buildDir = join(BUILDS, String(process.pid));
  rmSync(buildDir, { recursive: true, force: true });
  await build({
    entryPoints: entries.map((entry) => join(ROOT, entry)),
    outbase: ROOT,
    outdir: buildDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    plugins: [installedPackagesExternal, ownModuleUrl],
    // Beside each bundle, never named in it (Node reads none): for the benchmark's profile to name our modules.
    sourcemap: "external",
    logLevel: "silent",
  });
  return buildDir;
}
