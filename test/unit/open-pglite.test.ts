import { beforeEach, describe, expect, it, vi } from "vitest";

const v8Flags = vi.hoisted(() => [] as string[]);
const opened = vi.hoisted(() => [] as (string | undefined)[]);

vi.mock("node:v8", () => ({ setFlagsFromString: (flags: string) => v8Flags.push(flags) }));
vi.mock("@electric-sql/pglite", () => ({
  PGlite: class {
    constructor(readonly dataDir?: string) {
      // The flag must be set before PGlite compiles its module, that is before the first PGlite exists.
      opened.push(`${dataDir} after ${v8Flags.length} flag(s)`);
    }
  },
}));

const { openPglite, WASM_TIERING_BUDGET } = await import("../../lib/open-pglite.js");

// ADR 0017: a process that opens PGlite recompiles with TurboFan only the WebAssembly that stays hot.
describe("opening PGlite", () => {
  beforeEach(() => {
    opened.length = 0;
  });

  it("raises V8's WebAssembly tiering budget once, before the first database of the process is opened", () => {
    openPglite("/tmp/first");
    openPglite();
    expect(v8Flags).toEqual([`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`]);
    expect(opened).toEqual(["/tmp/first after 1 flag(s)", "undefined after 1 flag(s)"]);
  });

  it("is a budget far above V8's default (1,800,000), so start-up code is not recompiled", () => {
    expect(WASM_TIERING_BUDGET).toBeGreaterThanOrEqual(500 * 1_800_000);
  });
});
