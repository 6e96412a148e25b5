import { CLASSIFICATIONS, type Classification, higher } from "./classification.js";
import type { Coalitions } from "./coalitions.js";
import type { Requirement } from "./requirement.js";

/**
 * A classification marking: the banner algebra. Combining marks is a
 * high-water mark: the highest level, the intersection of releasability
 * (null means not restricted by any field yet) and the union of compartments.
 */
export interface Mark {
  level: Classification;
  releasableTo: ReadonlySet<string> | null;
  compartments: ReadonlySet<string>;
}

export const UNMARKED: Mark = { level: CLASSIFICATIONS[0], releasableTo: null, compartments: new Set() };

// Marks come from the label index and are few; remembering each combination
// makes the banner of a response a walk of lookups instead of set operations.
const combinations = new WeakMap<Mark, WeakMap<Mark, Mark>>();

export function combineMarks(a: Mark, b: Mark): Mark {
  if (a === b) return a;
  let withA = combinations.get(a);
  const known = withA?.get(b);
  // Stryker disable next-line ConditionalExpression: a memory of pairs; computed again, the interned result is the same object.
  if (known) return known;
  const combined = computeCombination(a, b);
  if (!withA) {
    withA = new WeakMap();
    combinations.set(a, withA);
  }
  withA.set(b, combined);
  return combined;
}

/**
 * Every combined mark, by value: one object per distinct marking, so that two marks compare equal exactly when they are
 * the same object (a response's banner can then stop walking once it has reached the highest mark its plan allows).
 * Marks are few (the label index's own combinations), so the table stays small; it is bounded all the same.
 */
const interned = new Map<string, Mark>();
const INTERNED_MAX = 10_000;
// JSON of sorted lists: one text per marking and never one for two (a compartment name may hold any character).
const keyOf = (mark: Mark) =>
  JSON.stringify([mark.level, mark.releasableTo && [...mark.releasableTo].sort(), [...mark.compartments].sort()]);
interned.set(keyOf(UNMARKED), UNMARKED);

function computeCombination(a: Mark, b: Mark): Mark {
  const combined = combination(a, b);
  const key = keyOf(combined);
  const known = interned.get(key);
  if (known) return known;
  // Past the bound a mark is simply not shared: equal marks may then be distinct objects, which costs a longer walk, never a wrong banner.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound only limits memory (see above).
  if (interned.size < INTERNED_MAX) interned.set(key, combined);
  return combined;
}

function combination(a: Mark, b: Mark): Mark {
  return {
    level: higher(a.level, b.level),
    releasableTo:
      a.releasableTo === null
        ? b.releasableTo
        : b.releasableTo === null
          ? a.releasableTo
          : new Set([...a.releasableTo].filter((n) => b.releasableTo!.has(n))),
    // The union of both sides; combineMarks remembers the result for each pair of marks.
    compartments: new Set([...a.compartments, ...b.compartments]),
  };
}

/** The marking of one field's value: all of its requirements at once. */
export function markOfRequirements(requirements: readonly Requirement[]): Mark {
  return requirements.reduce<Mark>(
    (mark, requirement) =>
      combineMarks(mark, { level: requirement.level, releasableTo: requirement.releasableTo, compartments: requirement.compartments }),
    UNMARKED,
  );
}

export interface ClassificationMarking {
  banner: string;
  level: Classification;
  /** null when no returned field restricts releasability. */
  releasableTo: string[] | null;
  compartments: string[];
}

/**
 * Renders a mark as `LEVEL[//COMPARTMENT/…][//REL TO A, B]`. Releasability that
 * equals a whole coalition is written as the coalition's name.
 */
const rendered = new WeakMap<Coalitions, WeakMap<Mark, ClassificationMarking>>();

export function renderBanner(mark: Mark, coalitions: Coalitions): ClassificationMarking {
  let forCoalitions = rendered.get(coalitions);
  if (!forCoalitions) {
    forCoalitions = new WeakMap();
    rendered.set(coalitions, forCoalitions);
  }
  let banner = forCoalitions.get(mark);
  if (!banner) {
    banner = render(mark, coalitions);
    forCoalitions.set(mark, banner);
  }
  return banner;
}

function render(mark: Mark, coalitions: Coalitions): ClassificationMarking {
  const compartments = [...mark.compartments].sort();
  const nations = mark.releasableTo && [...mark.releasableTo].sort();
  const parts: string[] = [mark.level];
  if (compartments.length > 0) parts.push(compartments.join("/"));
  if (nations) parts.push(`REL TO ${nations.length > 0 ? collapse(nations, coalitions).join(", ") : "NONE"}`);
  return { banner: parts.join("//"), level: mark.level, releasableTo: nations, compartments };
}

function collapse(nations: string[], coalitions: Coalitions): string[] {
  for (const [name, members] of coalitions) {
    if (members.size === nations.length && nations.every((n) => members.has(n))) return [name];
  }
  return nations;
}
