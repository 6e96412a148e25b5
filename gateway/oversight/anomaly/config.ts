import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { FlagKind } from "../../../lib/audit/event.js";
import { ConfigError, parseConfig } from "../../../lib/config.js";
import { nationCode, parseJsonSetting } from "../../../lib/trust-config.js";

export const DEFAULT_ANOMALY_CONFIG = fileURLToPath(new URL("../../../config/anomaly.json", import.meta.url));

const limit = z.strictObject({
  windowSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400),
  threshold: z.number().int().min(0).max(100_000),
  throttleSeconds: z.number().int().min(1).max(86_400).optional(),
});

// Every kind must be given: a kind left out by mistake would silently go unwatched.
const thresholds = z.strictObject({
  REQUEST_RATE: limit,
  DENIED_FIELDS: limit,
  CLASSIFIED_OPERATIONS: limit,
  NEW_PURPOSE: limit,
} satisfies Record<FlagKind, typeof limit>);

const webhook = z.strictObject({
  /** Tries per notification, the first included. */
  attempts: z.number().int().min(1).max(20).default(5),
  /** The wait before the second try; doubled before each later one. */
  backoffMs: z.number().int().min(1).max(600_000).default(1000),
  /** Deadline of one try, connection to response. */
  timeoutMs: z.number().int().min(1).max(60_000).default(5000),
  /** Notifications waiting or in flight; past it new ones are dropped (the flag stays in the audit trail and the log). */
  queue: z.number().int().min(1).max(100_000).default(1000),
  /** Notifications sent at once. */
  concurrency: z.number().int().min(1).max(64).default(4),
});

const anomalyFile = z.strictObject({
  /** Subjects each detector remembers (an LRU). */
  subjects: z.number().int().min(1).max(1_000_000).default(10_000),
  purposesPerSubject: z.number().int().min(1).max(1000).default(32),
  thresholds,
  webhook: webhook.prefault({}),
});

const webhookUrls = z.record(nationCode, z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }));

export type AnomalyThresholds = z.infer<typeof thresholds>;
export type WebhookOptions = z.infer<typeof webhook>;

/** The anomaly flags' settings: thresholds, memory bounds, and where each nation is notified. */
export type AnomalyConfig = z.infer<typeof anomalyFile> & {
  /** A webhook URL per nation; a nation without one is not notified (its flags are still recorded and logged). */
  webhooks: Record<string, string>;
};

/** ANOMALY_CONFIG (a JSON file, default config/anomaly.json) and ANOMALY_WEBHOOKS (inline JSON, nation → URL). */
export function loadAnomalyConfig(env: NodeJS.ProcessEnv = process.env): AnomalyConfig {
  const file = env.ANOMALY_CONFIG?.trim() || DEFAULT_ANOMALY_CONFIG;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`ANOMALY_CONFIG ${file} cannot be read: ${(error as Error).message}`);
  }
  const raw = parseJsonSetting(text, `ANOMALY_CONFIG ${file}`);
  // The kind's former name said records where it counts operations: a file that still uses it is told what it is now.
  const given = (raw as { thresholds?: Record<string, unknown> } | null)?.thresholds;
  if (typeof given === "object" && given !== null && "CLASSIFIED_RECORDS" in given)
    throw new ConfigError(
      `ANOMALY_CONFIG ${file}: thresholds.CLASSIFIED_RECORDS is now CLASSIFIED_OPERATIONS (it counts operations that read classified rows, not records)`,
    );
  const settings = parseConfig(anomalyFile, raw, `anomaly (${file})`);
  const inline = env.ANOMALY_WEBHOOKS?.trim();
  const webhooks = inline ? parseConfig(webhookUrls, parseJsonSetting(inline, "ANOMALY_WEBHOOKS"), "ANOMALY_WEBHOOKS") : {};
  return { ...settings, webhooks };
}
