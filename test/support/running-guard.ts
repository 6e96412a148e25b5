import { admitWhole, envelopeGuard } from "../../subgraphs/shared/envelope-guard.js";

/**
 * A subgraph's envelope guard taking the body at once, started long ago (startedAt 0) unless the options say
 * otherwise: an envelope issued in a guard's first second is refused, which only the start-time tests are about.
 */
export const runningGuard = (options: Parameters<typeof envelopeGuard>[0]) => admitWhole(envelopeGuard({ startedAt: 0, ...options }));
