import { describe, expect, it } from "vitest";
import { withTimeout } from "../../lib/timeout.js";

const never = (signal: AbortSignal) =>
  new Promise<string>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));

describe("withTimeout", () => {
  it("aborts the work's signal with a TimeoutError once the time is up", async () => {
    const started = performance.now();
    await expect(withTimeout(100, never)).rejects.toMatchObject({ name: "TimeoutError" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it("aborts it when the other signal aborts, already or later, with that signal's reason", async () => {
    const stopping = new AbortController();
    const pending = withTimeout(10_000, never, stopping.signal);
    stopping.abort(new Error("stopping"));
    await expect(pending).rejects.toThrow("stopping");
    await expect(withTimeout(10_000, never, stopping.signal)).rejects.toThrow("stopping");
  });

  it("returns the work's result, and leaves its signal unaborted afterwards", async () => {
    let seen: AbortSignal | undefined;
    const stopping = new AbortController();
    expect(
      await withTimeout(
        50,
        async (signal) => {
          seen = signal;
          return "done";
        },
        stopping.signal,
      ),
    ).toBe("done");
    stopping.abort();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen?.aborted).toBe(false);
  });
});
