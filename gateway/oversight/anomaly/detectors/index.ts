import type { AnomalyThresholds } from "../config.js";
import type { Detector } from "../detector.js";
import { classifiedOperations } from "./classified-operations.js";
import { deniedFields } from "./denied-fields.js";
import { newPurpose } from "./new-purpose.js";
import { requestRate } from "./request-rate.js";

/** How many subjects (and purposes per subject) the detectors remember. */
export interface DetectorMemory {
  subjects: number;
  purposesPerSubject: number;
}

/** Every detector the gateway runs, in the order their flags are raised for one operation. */
export function specifiedDetectors(thresholds: AnomalyThresholds, memory: DetectorMemory): Detector[] {
  return [
    requestRate(thresholds.REQUEST_RATE, memory.subjects),
    deniedFields(thresholds.DENIED_FIELDS, memory.subjects),
    classifiedOperations(thresholds.CLASSIFIED_OPERATIONS, memory.subjects),
    newPurpose(thresholds.NEW_PURPOSE, memory),
  ];
}
