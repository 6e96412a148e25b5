/** A stretch of the audit trail's time, in epoch ms: from (inclusive) to (exclusive); an absent end is open. */
export interface Period {
  from?: number;
  to?: number;
}

/** A date or a period that cannot be read; its message names the option and says what is expected. */
export class PeriodError extends Error {}

const DAY_MS = 86_400_000;
// A date, or a date-time with its zone (Z or an offset): a time without a zone would be read in the server's zone, which nobody sees.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/;

/**
 * An instant written as a date (UTC) or an ISO 8601 date-time with its zone.
 * A date alone is its first instant, or with `endOfDay` the next day's, so
 * that `--to 2026-12-03` takes in the whole of that day.
 */
export function parseInstant(name: string, value: string, endOfDay: boolean): number {
  const parts = INSTANT.exec(value);
  if (parts === null) throw new PeriodError(`${name} ${value} is not a date (2026-12-01) or a date-time with its zone (2026-12-01T09:00Z)`);
  const [, year, month, day, hour, minute, second = "0", , offsetHours = "0", offsetMinutes = "0"] = parts;
  const midnight = Date.UTC(Number(year), Number(month) - 1, Number(day));
  // Date.UTC rolls 30 February over into March; a date that does not exist is refused instead.
  if (new Date(midnight).toISOString().slice(0, 10) !== value.slice(0, 10))
    throw new PeriodError(`${name} ${value} is not a calendar date`);
  if (hour === undefined) return endOfDay ? midnight + DAY_MS : midnight;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59 || Number(offsetHours) > 23 || Number(offsetMinutes) > 59)
    throw new PeriodError(`${name} ${value} is not a time of day with a valid zone`);
  // The pattern requires a zone with every time, so the platform's parser reads it the same everywhere.
  return Date.parse(value);
}

/** The period between two optional ends; `to` must come after `from`. */
export function parsePeriod(names: { from: string; to: string }, from: string | undefined, to: string | undefined): Period {
  const period: Period = {};
  if (from !== undefined) period.from = parseInstant(names.from, from, false);
  if (to !== undefined) period.to = parseInstant(names.to, to, true);
  if (period.from !== undefined && period.to !== undefined && period.to <= period.from)
    throw new PeriodError(`${names.to} ${to} is not after ${names.from} ${from}`);
  return period;
}

/** Whether an event's ISO time lies in the period; a time that cannot be read lies in no bounded period. */
export function inPeriod(at: string, period: Period): boolean {
  if (period.from === undefined && period.to === undefined) return true;
  const time = Date.parse(at);
  if (Number.isNaN(time)) return false;
  return (period.from === undefined || time >= period.from) && (period.to === undefined || time < period.to);
}

/** An end of a period as ISO 8601 (UTC, whole seconds when it has no fraction), or null when open. */
export const isoEnd = (end: number | undefined): string | null =>
  end === undefined ? null : new Date(end).toISOString().replace(/\.000Z$/, "Z");
