import type { FieldDecision } from "./event.js";
import type { NationEvent } from "./nation-view.js";
import { inPeriod, type Period } from "./period.js";

export const FIELD_DECISIONS: readonly FieldDecision[] = ["ALLOWED", "REDACTED", "REJECTED"];

export const isFieldDecision = (value: string): value is FieldDecision => (FIELD_DECISIONS as readonly string[]).includes(value);

/** What an oversight reader narrows a nation's view to; every part given must hold. */
export interface EventFilter {
  /** The calling nation (a flag's subject's nation). */
  partner?: string;
  /** The declared purpose of use; a flag has none, so it never matches one. */
  purpose?: string;
  /** At least one of the nation's fields in the event was decided so; a flag decides no field. */
  decision?: FieldDecision;
  period: Period;
}

/** Whether a nation's view of an event passes the filter (apply it to the view, so that the decision is read on the nation's own fields only). */
export function matchesFilter(event: NationEvent, filter: EventFilter): boolean {
  if (!inPeriod(event.at, filter.period)) return false;
  if (event.kind === "flag") {
    return (
      filter.purpose === undefined && filter.decision === undefined && (filter.partner ?? event.subject.nation) === event.subject.nation
    );
  }
  if (filter.partner !== undefined && event.caller?.nation !== filter.partner) return false;
  if (filter.purpose !== undefined && event.purpose !== filter.purpose) return false;
  return filter.decision === undefined || event.fields.some((field) => field.decision === filter.decision);
}
