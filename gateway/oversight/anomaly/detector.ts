import type { FlagKind } from "../../../lib/audit/event.js";
import { LruCache } from "../../enforcement/lru.js";
import type { Observation } from "./observation.js";
import { SlidingCount } from "./sliding-count.js";

/** One threshold from the configuration: more than `threshold` in any `windowSeconds` is a crossing. */
export interface Limit {
  windowSeconds: number;
  threshold: number;
  /** How long a subject that crosses it is refused (429 THROTTLED); absent: flagged only. */
  throttleSeconds?: number;
}

/** A subject's window just went over its threshold. */
export interface Crossing {
  /** What the window counted when it crossed. */
  count: number;
  /** The nations whose data the counted operations reached for, sorted. */
  owners: string[];
  /** NEW_PURPOSE: the new purpose of the observation that crossed (what the owners will ask about first). */
  purpose?: string;
}

/**
 * One anomaly the gateway watches for, per subject, like a check in the
 * policy: it reads each observation, remembers what it needs for a bounded
 * number of subjects, and says when a subject crosses its threshold.
 */
export interface Detector {
  readonly flag: FlagKind;
  readonly limit: Limit;
  observe(observation: Observation): Crossing | undefined;
  /** Subjects remembered now (bounded by the configuration). */
  readonly subjects: number;
}

/** What one observation adds to a detector's window, and on whose data; undefined adds nothing. */
export type Measure = (observation: Observation) => { weight: number; owners: readonly string[] } | undefined;

/**
 * A detector that counts `measure` over a sliding window per subject. The
 * subjects are an LRU: past `subjects` the least recently seen is forgotten,
 * which can only delay a flag, never raise a false one.
 */
export function windowedDetector(flag: FlagKind, limit: Limit, subjects: number, measure: Measure): Detector {
  const windows = new LruCache<string, SlidingCount>(subjects);
  const windowMs = limit.windowSeconds * 1000;
  return {
    flag,
    limit,
    observe(observation) {
      const counted = measure(observation);
      let window = windows.get(observation.key);
      if (window === undefined) {
        // A subject with nothing counted yet costs no memory.
        if (counted === undefined) return undefined;
        window = new SlidingCount(windowMs, limit.threshold);
        windows.set(observation.key, window);
      }
      const count = window.add(observation.at, counted?.weight ?? 0, counted?.owners ?? []);
      return count === undefined ? undefined : { count, owners: window.owners(observation.at) };
    },
    get subjects() {
      return windows.size;
    },
  };
}
