// esbuild's settings for every bundle `npm start` runs, shared by scripts/start.mjs (which bundles scripts/start.ts
// before any TypeScript can run) and scripts/stack/build.ts (which bundles the services). Plain JavaScript for that
// reason; its types are in bundle-options.d.mts.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

/**
 * Each source file keeps its own `import.meta.url`, so that the paths it
 * resolves from it (the supergraph, the seed SQL, the configuration files,
 * the default data folder) are the same in the bundle as under tsx.
 */
const ownModuleUrl = {
  name: "own-module-url",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
      contents: (await readFile(path, "utf8")).replaceAll("import.meta.url", JSON.stringify(pathToFileURL(path).href)),
      loader: "ts",
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
