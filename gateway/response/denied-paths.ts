import type { Denial } from "../rules/context.js";
import type { FieldPlace } from "../rules/selection-scope.js";

const pathOf = (place: FieldPlace): string[] => (place.parent ? [...pathOf(place.parent), place.responseKey] : [place.responseKey]);

/** The denied paths of a refused operation, as response keys and reason categories only. */
export function renderDeniedPaths(denials: readonly Denial[]): Array<{ path: string[]; reasons: string[] }> {
  return denials.map((denial) => ({ path: pathOf(denial.place), reasons: [...denial.reasons] }));
}
