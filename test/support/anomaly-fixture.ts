import type { AnomalyConfig, AnomalyThresholds, WebhookOptions } from "../../gateway/oversight/anomaly/config.js";
import type { Limit } from "../../gateway/oversight/anomaly/detector.js";
import { type Observation, subjectKey } from "../../gateway/oversight/anomaly/observation.js";

export const ISSUER = "https://idp.gbr.test.tearline";

/** One operation as the detectors see it: by default an allowed UNCLASSIFIED read of GBR's data by analyst@gbr at t = 0. */
export function observation(overrides: Partial<Observation> & { sub?: string } = {}): Observation {
  const { sub = "analyst@gbr", ...rest } = overrides;
  return {
    at: 0,
    requestId: "request-1",
    subject: { nation: "GBR", sub, issuer: ISSUER },
    key: subjectKey(ISSUER, sub),
    purpose: "CT",
    owners: ["GBR"],
    denied: 0,
    deniedOwners: [],
    classified: 0,
    classifiedOwners: [],
    ...rest,
  };
}

export const limit = (threshold: number, windowSeconds = 60, throttleSeconds?: number): Limit =>
  throttleSeconds === undefined ? { threshold, windowSeconds } : { threshold, windowSeconds, throttleSeconds };

const QUIET = { windowSeconds: 60, threshold: 100_000 };

/** Settings with every threshold out of reach but those given, and no webhooks unless given. */
export function anomalyConfig(
  thresholds: Partial<AnomalyThresholds> = {},
  webhooks: Record<string, string> = {},
  webhook: Partial<WebhookOptions> = {},
): AnomalyConfig {
  return {
    subjects: 100,
    purposesPerSubject: 8,
    thresholds: { REQUEST_RATE: QUIET, DENIED_FIELDS: QUIET, CLASSIFIED_OPERATIONS: QUIET, NEW_PURPOSE: QUIET, ...thresholds },
    webhook: { attempts: 3, backoffMs: 10, timeoutMs: 1000, queue: 100, concurrency: 2, ...webhook },
    webhooks,
  };
}
