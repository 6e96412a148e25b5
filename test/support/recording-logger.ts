import type * as Logging from "../../lib/logger.js";

/** One line logged in the test file's process, by the component that logged it. */
export interface Logged {
  component: string;
  level: string;
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** Every line logged through the recording logger; a test file empties it when it needs to. */
export const logged: Logged[] = [];

/**
 * lib/logger.js with a logger that records each line into `logged` instead of writing it. For a test file's
 * `vi.mock("../../lib/logger.js", async (importOriginal) => (await import("../support/recording-logger.js")).recordingLogger(importOriginal))`:
 * vi.mock is hoisted above the file's imports, so its factory imports this module itself.
 */
export async function recordingLogger(importOriginal: <T>() => Promise<T>): Promise<typeof Logging> {
  const actual = await importOriginal<typeof Logging>();
  const recorder = (component: string): unknown => {
    const at =
      (level: string) =>
      (first?: unknown, message?: string): void => {
        if (typeof first === "string") logged.push({ component, level, fields: {}, message: first });
        else logged.push({ component, level, fields: (first ?? {}) as Record<string, unknown>, message });
      };
    return {
      fatal: at("fatal"),
      error: at("error"),
      warn: at("warn"),
      info: at("info"),
      debug: at("debug"),
      trace: at("trace"),
      child: (bindings: { component?: string }) => recorder(bindings.component ?? component),
    };
  };
  return { ...actual, logger: recorder as typeof actual.logger };
}
