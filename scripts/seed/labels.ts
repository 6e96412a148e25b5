import { CLASSIFICATIONS, type Classification, rank } from "@tearline/policy";
import type { NationCode } from "../../subgraphs/nations.js";
import { SeededRandom } from "./random.js";

/** A record's own labels, as its table holds them. */
export interface RecordLabel {
  classification: Classification;
  releasableTo: string[];
}

/** How a table's records are labelled: the label of the type that serves them, and how often they go above or narrower. */
export interface LabelMix {
  /** The type's own @label in the nation's schema.graphql: most records carry exactly this. */
  base: { level: Classification; releasableTo: readonly string[] };
  /** A group narrower than the base's, for records shared with fewer partners. */
  narrower: readonly string[];
  /** Shares of records one level above the base, two levels above, releasable to the narrower group, and to the owner alone. */
  above: number;
  twoAbove: number;
  narrowed: number;
  ownerOnly: number;
}

/** Records as real holdings are: a quarter or so above the field's label, and some shared with fewer partners. */
export const RECORDS = { above: 0.25, twoAbove: 0.03, narrowed: 0.14, ownerOnly: 0.08 } as const;
/** The threat-actor registry is reference data that every partner needs: rarely above its label, never the owner's alone. */
export const REGISTRY = { above: 0.08, twoAbove: 0.02, narrowed: 0.05, ownerOnly: 0 } as const;

const levelAbove = (level: Classification, steps: number): Classification =>
  CLASSIFICATIONS[Math.min(CLASSIFICATIONS.length - 1, rank(level) + steps)]!;

/**
 * Labels for the records of one table, in order, from a random stream of
 * their own: the records' other columns come out exactly as before labels
 * existed. The owner is always among the nations a record is releasable to.
 */
export function recordLabels(owner: NationCode, mix: LabelMix, seed: number): () => RecordLabel {
  const rng = new SeededRandom(seed);
  return () => {
    const level = rng.next();
    const steps = level < mix.twoAbove ? 2 : level < mix.twoAbove + mix.above ? 1 : 0;
    const group = rng.next();
    const partners = group < mix.ownerOnly ? [] : group < mix.ownerOnly + mix.narrowed ? mix.narrower : mix.base.releasableTo;
    return {
      classification: levelAbove(mix.base.level, steps),
      releasableTo: [owner, ...partners.filter((partner) => partner !== owner)],
    };
  };
}
