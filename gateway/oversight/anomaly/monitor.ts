import type { FlagEvent } from "../../../lib/audit/event.js";
import type { Detector } from "./detector.js";
import type { Observation } from "./observation.js";
import type { Throttle } from "./throttle.js";

/**
 * Runs every detector on each observation and turns each crossing into a
 * flag: throttling the subject first when its threshold says so, so that the
 * subject's next request is already refused. Pure but for the throttle it
 * holds; what is done with a flag (record, log, notify) is `raise`'s.
 */
export class AnomalyMonitor {
  constructor(
    private readonly detectors: readonly Detector[],
    private readonly throttle: Throttle,
    private readonly raise: (flag: FlagEvent) => void,
  ) {}

  observe(observation: Observation): FlagEvent[] {
    const flags: FlagEvent[] = [];
    for (const detector of this.detectors) {
      const crossing = detector.observe(observation);
      if (crossing === undefined) continue;
      const { throttleSeconds, threshold, windowSeconds } = detector.limit;
      const throttledUntil =
        throttleSeconds === undefined ? null : new Date(this.throttle.hold(observation.key, observation.at + throttleSeconds * 1000));
      const flag: FlagEvent = {
        kind: "flag",
        at: new Date(observation.at).toISOString(),
        flag: detector.flag,
        subject: { ...observation.subject },
        owners: crossing.owners,
        count: crossing.count,
        threshold,
        windowSeconds,
        throttledUntil: throttledUntil?.toISOString() ?? null,
        requestId: observation.requestId,
        ...(crossing.purpose === undefined ? {} : { purpose: crossing.purpose }),
      };
      flags.push(flag);
      this.raise(flag);
    }
    return flags;
  }
}
