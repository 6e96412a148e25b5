// `npm start`: bundles scripts/start.ts (in about 0.1 s) and runs the bundle in this process, so that no process of
// `npm start` runs a TypeScript loader (tsx's hooks cost this one about 0.4 s of its start; ADR 0016). Plain
// JavaScript, as nothing can run TypeScript before it.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { buildFolder, bundleOptions } from "./stack/bundle-options.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
// In the folder scripts/stack/build.ts gives this process too: made anew there once loaded, removed at stop.
const outdir = buildFolder(process.pid);
// However start.ts ends (stopped, or refused a setting and exited at once), its bundles go with it.
process.once("exit", () => rmSync(outdir, { recursive: true, force: true }));
await build({ ...bundleOptions, entryPoints: [join(root, "scripts/start.ts")], outbase: root, outdir });
await import(pathToFileURL(join(outdir, "scripts/start.mjs")).href);
