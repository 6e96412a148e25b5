import { type Detector, type Limit, windowedDetector } from "../detector.js";

/** Operations per subject, refused ones too: a caller hammering the gateway is flagged whatever the answers were. */
export const requestRate = (limit: Limit, subjects: number): Detector =>
  windowedDetector("REQUEST_RATE", limit, subjects, (observation) => ({ weight: 1, owners: observation.owners }));
