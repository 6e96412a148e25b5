import { setFlagsFromString } from "node:v8";
import { PGlite } from "@electric-sql/pglite";

/**
 * How much code (V8 counts roughly in bytes executed) a WebAssembly function
 * runs before V8 recompiles it with its optimising compiler, TurboFan. V8's
 * default is 1,800,000.
 */
export const WASM_TIERING_BUDGET = 1_000_000_000;

let tuned = false;

/**
 * Opens a PGlite database (a folder, or in memory without one) in a process
 * whose WebAssembly tiering is tuned for it, once per process (ADR 0017).
 *
 * PGlite is PostgreSQL compiled to one large WebAssembly module. Opening a
 * database runs much of it once (recovery, catalogue reads), and with V8's
 * default budget that makes hundreds of functions "hot": V8 recompiles them
 * with TurboFan on its background threads, about 0.9 s of CPU per opening
 * here, for code that mostly never runs again. Four nations opening at once
 * on two cores made that the largest part of a warm `npm start`. With a
 * budget 555 times larger, what stays hot under load is still recompiled
 * (steady-state CPU per request measured the same within noise, after about
 * 30 s of load), and start-up code is not.
 */
export function openPglite(dataDir?: string): PGlite {
  if (!tuned) {
    setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
    tuned = true;
  }
  return new PGlite(dataDir);
}
