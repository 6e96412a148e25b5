import { type Detector, type Limit, windowedDetector } from "../detector.js";

/**
 * Classified operations: operations that returned rows marked above
 * UNCLASSIFIED, one each however many rows (see Observation.classified for
 * why operations and not records: the kind was CLASSIFIED_RECORDS until its
 * name was made to say what it counts).
 */
export const classifiedOperations = (limit: Limit, subjects: number): Detector =>
  windowedDetector("CLASSIFIED_OPERATIONS", limit, subjects, (observation) =>
    observation.classified === 0 ? undefined : { weight: observation.classified, owners: observation.classifiedOwners },
  );
