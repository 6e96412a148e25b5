import { z } from "zod";
import { LOG_LEVELS } from "./logger.js";

export class ConfigError extends Error {}

/** Parses `input` with `schema`, or throws one ConfigError naming every bad setting. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new ConfigError(`Invalid ${what} configuration:\n${lines.join("\n")}`);
}

/** LOG_LEVEL: how much a process logs (pino levels). */
export const logLevelSetting = () => z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info");

/** A TCP port from the environment; 0 asks the OS for a free one. */
export const portSetting = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Exits with the message of a ConfigError instead of a stack trace. */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
