import { REASONS, type Reason } from "@tearline/policy";
import type { AuditEvent, FlagKind } from "./event.js";
import { eventForNation } from "./nation-view.js";
import { inPeriod, isoEnd, type Period } from "./period.js";

/** How often one of the nation's coordinates was decided each way, for one partner and purpose. */
export interface FieldCounts {
  coordinate: string;
  allowed: number;
  redacted: number;
  rejected: number;
}

/** What one partner's callers did with the nation's data under one purpose. */
export interface AccessGroup {
  /** The calling nation; the nation itself for its own analysts. */
  partner: string;
  /** The declared purpose; `-` when none was known. */
  purpose: string;
  /** Operations that touched the nation's data. */
  operations: number;
  /** The nation's coordinates, by name. */
  fields: FieldCounts[];
  /** Denied fields (redacted or rejected) by reason, in the policy's order of reasons; a field denied for two reasons counts under both. */
  denials: Array<{ reason: Reason; count: number }>;
}

export interface FlagCount {
  partner: string;
  flag: FlagKind;
  /** NEW_PURPOSE: the purpose that was new (flags recorded before it was have none). */
  purpose?: string;
  count: number;
}

/** A nation's access report over a period: its own view of the trail, counted. */
export interface AccessReport {
  nation: string;
  from: string | null;
  to: string | null;
  /** Events in the period that touched the nation's data (flags included). */
  events: number;
  groups: AccessGroup[];
  flags: FlagCount[];
}

interface GroupTally {
  operations: number;
  fields: Map<string, FieldCounts>;
  denials: Map<Reason, number>;
}

const UNKNOWN = "-";
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Counts a nation's access report from the events fed to it, one at a time
 * (the trail may be larger than memory; the tallies are not). Each event is
 * first narrowed to the nation's own view, so that the report and the
 * oversight endpoint can never disagree about what touched the nation.
 */
export class AccessReportBuilder {
  private events = 0;
  private readonly groups = new Map<string, GroupTally & { partner: string; purpose: string }>();
  private readonly flags = new Map<string, FlagCount>();

  constructor(
    private readonly nation: string,
    private readonly period: Period,
  ) {}

  add(event: AuditEvent): void {
    const view = eventForNation(event, this.nation);
    if (view === undefined || !inPeriod(view.at, this.period)) return;
    this.events += 1;
    if (view.kind === "flag") {
      const key = `${view.subject.nation}\n${view.flag}\n${view.purpose ?? ""}`;
      const tally = this.flags.get(key) ?? {
        partner: view.subject.nation,
        flag: view.flag,
        ...(view.purpose === undefined ? {} : { purpose: view.purpose }),
        count: 0,
      };
      tally.count += 1;
      this.flags.set(key, tally);
      return;
    }
    const group = this.group(view.caller?.nation ?? UNKNOWN, view.purpose ?? UNKNOWN);
    group.operations += 1;
    for (const field of view.fields) {
      const counts = group.fields.get(field.coordinate) ?? { coordinate: field.coordinate, allowed: 0, redacted: 0, rejected: 0 };
      counts[field.decision === "ALLOWED" ? "allowed" : field.decision === "REDACTED" ? "redacted" : "rejected"] += 1;
      group.fields.set(field.coordinate, counts);
      if (field.decision === "ALLOWED") continue;
      for (const reason of new Set(field.reasons)) group.denials.set(reason, (group.denials.get(reason) ?? 0) + 1);
    }
  }

  private group(partner: string, purpose: string) {
    const key = `${partner}\n${purpose}`;
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { partner, purpose, operations: 0, fields: new Map(), denials: new Map() };
      this.groups.set(key, group);
    }
    return group;
  }

  report(): AccessReport {
    const groups = [...this.groups.values()]
      .sort((a, b) => byText(a.partner, b.partner) || byText(a.purpose, b.purpose))
      .map((group) => ({
        partner: group.partner,
        purpose: group.purpose,
        operations: group.operations,
        fields: [...group.fields.values()].sort((a, b) => byText(a.coordinate, b.coordinate)).map((counts) => ({ ...counts })),
        denials: REASONS.filter((reason) => group.denials.has(reason)).map((reason) => ({ reason, count: group.denials.get(reason)! })),
      }));
    const flags = [...this.flags.values()]
      .sort((a, b) => byText(a.partner, b.partner) || byText(a.flag, b.flag) || byText(a.purpose ?? "", b.purpose ?? ""))
      .map((flag) => ({ ...flag }));
    return { nation: this.nation, from: isoEnd(this.period.from), to: isoEnd(this.period.to), events: this.events, groups, flags };
  }
}
