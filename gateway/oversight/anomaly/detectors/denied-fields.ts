import { type Detector, type Limit, windowedDetector } from "../detector.js";

/** Fields asked for and denied (REDACTED or REJECTED): a caller probing for what they may not see. */
export const deniedFields = (limit: Limit, subjects: number): Detector =>
  windowedDetector("DENIED_FIELDS", limit, subjects, (observation) =>
    observation.denied === 0 ? undefined : { weight: observation.denied, owners: observation.deniedOwners },
  );
