import { type AgreementBook, type Decision, type Subject, subjectKey } from "@tearline/policy";

/** Most remembered (subject attributes, field) decisions; past it the cache starts again, so memory stays bounded. */
const CAPACITY = 50_000;

// One subject object per request: its key is computed once, not once per field.
const keys = new WeakMap<Subject, string>();
const keyOf = (subject: Subject): string => {
  let key = keys.get(subject);
  // Stryker disable next-line ConditionalExpression: computing the key again gives the same key; this only saves the work.
  if (key === undefined) {
    key = subjectKey(subject);
    keys.set(subject, key);
  }
  return key;
};

/**
 * Decisions remembered per subject attribute set and field, for the
 * agreements in force: a changed agreements document empties it, and an entry is
 * used only before its `validUntil`, so a time-bound answer is never served
 * stale. Subjects with equal attributes get equal decisions (subjectKey).
 */
export class DecisionCache {
  private decisions = new Map<string, Decision>();
  private book: AgreementBook | undefined;

  constructor(private readonly capacity = CAPACITY) {}

  get(subject: Subject, coordinate: string, book: AgreementBook, now: number, decide: () => Decision): Decision {
    // The book object changes only when the nation's document does (see own-agreements.ts): decide afresh then.
    if (book !== this.book) {
      this.decisions = new Map();
      this.book = book;
    }
    const key = `${keyOf(subject)}\u0000${coordinate}`;
    const known = this.decisions.get(key);
    if (known !== undefined && now < known.validUntil) return known;
    const decision = decide();
    if (this.decisions.size >= this.capacity) this.decisions = new Map();
    this.decisions.set(key, decision);
    return decision;
  }

  get size(): number {
    return this.decisions.size;
  }
}
