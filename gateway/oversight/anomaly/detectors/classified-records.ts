import { type Detector, type Limit, windowedDetector } from "../detector.js";

/**
 * Classified reads: operations that returned rows marked above UNCLASSIFIED
 * (see Observation.classified for why operations and not records).
 */
export const classifiedRecords = (limit: Limit, subjects: number): Detector =>
  windowedDetector("CLASSIFIED_RECORDS", limit, subjects, (observation) =>
    observation.classified === 0 ? undefined : { weight: observation.classified, owners: observation.classifiedOwners },
  );
