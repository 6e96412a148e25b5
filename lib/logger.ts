import { type Logger, pino } from "pino";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The process's one structured logger: JSON lines on stderr (stdout carries
 * only the ready line a launcher reads). Whatever looks like a credential is
 * redacted wherever it appears in a log object.
 */
const root: Logger = pino(
  {
    level: "info",
    base: { pid: process.pid },
    redact: {
      paths: [
        "authorization",
        "token",
        "envelope",
        "*.authorization",
        "*.token",
        "*.envelope",
        "headers.authorization",
        "*.headers.authorization",
      ],
      censor: "[redacted]",
    },
  },
  pino.destination({ dest: 2, sync: true }),
);

/** A child logger for one component (`auth`, `fetch`, `supergraph`…). */
export function logger(component: string): Logger {
  return root.child({ component });
}

/** Applies the configured level (LOG_LEVEL, validated with the rest of the configuration). */
export function setLogLevel(level: LogLevel): void {
  root.level = level;
}
