import { LruCache } from "../../../enforcement/lru.js";
import { type Detector, type Limit, windowedDetector } from "../detector.js";

export interface PurposeMemory {
  subjects: number;
  /** Purposes remembered per subject; past it the least recently used is forgotten (and would count as new again). */
  purposesPerSubject: number;
}

/**
 * Purposes a subject has not declared before. The first purpose a subject is
 * seen with is its baseline and does not count: the gateway only knows what
 * it has seen since it started, so every subject is new to it once.
 */
export function newPurpose(limit: Limit, memory: PurposeMemory): Detector {
  const seen = new LruCache<string, Set<string>>(memory.subjects);
  const counted = windowedDetector("NEW_PURPOSE", limit, memory.subjects, (observation) => {
    const purposes = seen.get(observation.key);
    if (purposes === undefined) {
      seen.set(observation.key, new Set([observation.purpose]));
      return undefined;
    }
    const known = purposes.delete(observation.purpose);
    purposes.add(observation.purpose);
    if (purposes.size > memory.purposesPerSubject) purposes.delete(purposes.values().next().value as string);
    return known ? undefined : { weight: 1, owners: observation.owners };
  });
  return {
    flag: counted.flag,
    limit,
    // The crossing's own observation counted (only a new purpose weighs anything): its purpose is the new one.
    observe: (observation) => {
      const crossing = counted.observe(observation);
      return crossing === undefined ? undefined : { ...crossing, purpose: observation.purpose };
    },
    // Every subject seen has its purposes remembered, whether or not any was new.
    get subjects() {
      return seen.size;
    },
  };
}
