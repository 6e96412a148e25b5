// esbuild's settings for every bundle `npm start` runs, shared by scripts/start.mjs (which bundles scripts/start.ts
// before any TypeScript can run) and scripts/stack/build.ts (which bundles the services). Plain JavaScript for that
// reason; its types are in bundle-options.d.mts.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Where `npm start` puts the services it runs: one folder per starting process, one ES module per entry. */
export const BUILDS = fileURLToPath(new URL("../../node_modules/.cache/tearline/builds/", import.meta.url));

/** The folder of the bundles of the process `pid` (removed once that process has ended, by the next build if not before). */
export const buildFolder = (pid) => join(BUILDS, String(pid));

// A pattern, not the text itself: this file is rewritten by this plugin too.
const IMPORT_META_URL = /import\.meta\.url/g;

/**
 * Each source file keeps its own `import.meta.url`, so that the paths it
 * resolves from it (the supergraph, the seed SQL, the configuration files,
 * the default data folder) are the same in the bundle as under tsx.
 */
const ownModuleUrl = {
  name: "own-module-url",
  setup(build) {
    // Our .mjs too (this file is bundled into scripts/start.ts's bundle); installed packages are never loaded here.
    build.onLoad({ filter: /\.(ts|mjs)$/ }, async ({ path }) => ({
      contents: (await readFile(path, "utf8")).replaceAll(IMPORT_META_URL, JSON.stringify(pathToFileURL(path).href)),
      loader: path.endsWith(".ts") ? "ts" : "js",
    }));
  },
};

/** Installed packages stay where they are, loaded by Node as usual; only our own code (with @tearline/*) is bundled. */
const installedPackagesExternal = {
  name: "installed-packages-external",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path }) => (path.startsWith("@tearline/") ? undefined : { path, external: true }));
  },
};

/** Options for `esbuild.build`: one ES module per entry, `.mjs`, with its source map beside it (ADR 0016). */
export const bundleOptions = {
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  plugins: [installedPackagesExternal, ownModuleUrl],
  // Beside each bundle, never named in it (Node reads none): for the benchmark's profile to name our modules.
  sourcemap: "external",
  logLevel: "silent",
};
