import type { FlagEvent } from "../../../lib/audit/event.js";
import { type Logger, logger } from "../../../lib/logger.js";
import type { ChainWriter } from "../../audit/chain-writer.js";
import type { Recorder } from "../../audit/record.js";
import type { AnomalyConfig } from "./config.js";
import { specifiedDetectors } from "./detectors/index.js";
import { AnomalyMonitor } from "./monitor.js";
import { observationOf, subjectKey } from "./observation.js";
import { Throttle } from "./throttle.js";
import { WebhookNotifier } from "./webhook.js";

export interface AnomalyFlags {
  /** The recorder that observes each request once `recorder` has recorded it (durably, with an audit trail). */
  observe(recorder: Recorder): Recorder;
  /** Seconds until a throttled caller may ask again; undefined when it is not throttled. */
  retryAfter(caller: { issuer: string; sub: string }, now: number): number | undefined;
  readonly monitor: AnomalyMonitor;
  readonly notifier: WebhookNotifier;
  /** Stops the webhook deliveries; flags already handed to the chain are written by its own close. */
  close(): Promise<void>;
}

export interface AnomalyDependencies {
  /** The audit chain flags are recorded in; undefined with AUDIT_STORE=none (flags are then logged and notified only). */
  writer: ChainWriter | undefined;
  now?: () => number;
  log?: Logger;
}

/**
 * Records, logs and notifies each flag; none of it holds up the request that
 * raised it. A flag that cannot be made durable is logged: the chain that
 * refused it refuses the next operation too, and that one is withheld.
 */
function raiseFlag(writer: ChainWriter | undefined, notifier: WebhookNotifier, log: Logger): (flag: FlagEvent) => void {
  return (flag) => {
    // The subject's `sub` stays out of the log (logs travel further than the audit trail); the chain and the owners have it.
    const { subject, ...rest } = flag;
    log.warn({ ...rest, nation: subject.nation, issuer: subject.issuer }, "anomaly flag");
    writer
      ?.append(flag)
      .catch((error: unknown) => log.error({ err: error, flag: flag.flag, requestId: flag.requestId }, "anomaly flag not recorded"));
    notifier.notify(flag);
  };
}

/** The anomaly flags of one gateway process: detectors, throttle and webhooks, from the configuration. */
export function openAnomalyFlags(config: AnomalyConfig, dependencies: AnomalyDependencies): AnomalyFlags {
  const now = dependencies.now ?? Date.now;
  const log = dependencies.log ?? logger("anomaly");
  const throttle = new Throttle(config.subjects);
  const notifier = new WebhookNotifier(config.webhooks, config.webhook);
  const detectors = specifiedDetectors(config.thresholds, { subjects: config.subjects, purposesPerSubject: config.purposesPerSubject });
  const monitor = new AnomalyMonitor(detectors, throttle, raiseFlag(dependencies.writer, notifier, log));
  return {
    observe: (recorder) => ({
      async record(record) {
        await recorder.record(record);
        // Only what was recorded is observed: a request whose event could not be written is withheld, not counted.
        const observation = observationOf(record, now());
        if (observation === undefined) return;
        try {
          monitor.observe(observation);
        } catch (error) {
          // The answer is recorded already: a fault in the oversight must not turn it into a 500, only be seen.
          log.error({ err: error, requestId: record.requestId }, "anomaly detection failed");
        }
      },
    }),
    retryAfter: (caller, at) => throttle.retryAfter(subjectKey(caller.issuer, caller.sub), at),
    monitor,
    notifier,
    close: () => notifier.close(),
  };
}
