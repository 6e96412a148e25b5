import type { AuditEvent, FlagKind, OperationEvent } from "./event.js";
import { inPeriod, isoEnd, type Period } from "./period.js";
import { type CheckedCount, type CountTree, SUPPRESSION_METHOD, suppressSmallCounts } from "./small-cells.js";

/** The kinds every report lists, seen or not: a kind missing from the table would say that it never happened. */
export const FLAG_KINDS: readonly FlagKind[] = ["REQUEST_RATE", "DENIED_FIELDS", "CLASSIFIED_OPERATIONS", "NEW_PURPOSE"];

const MEASURES = ["operations", "fields", "redacted", "refused"] as const;
type Measure = (typeof MEASURES)[number];
type Measures = Record<Measure, number>;

/** One cell of counts: a caller nation asking for an owner nation's data under one purpose. */
export interface PairCounts extends Measures {
  caller: string;
  owner: string;
  purpose: string;
}

/** What the period's events add up to, before anything is suppressed. Not for publication. */
export interface TransparencyCounts {
  period: Period;
  pairs: PairCounts[];
  flags: Map<string, number>;
  /** NEW_PURPOSE flags by the purpose that was new ("-" for flags recorded before it was); they sum to its kind's count. */
  newPurposes: Map<string, number>;
}

const UNKNOWN_PURPOSE = "-";
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Counts, over a period, every operation between partners: per caller nation,
 * owner nation and purpose, the operations that asked for the owner's
 * fields, the owner's fields decided, those withheld from an answer
 * (REDACTED), and the operations refused as a whole over one of them
 * (REJECTED); and the anomaly flags by kind. Only nations, purposes and
 * counts are kept: no subject, issuer, token, request, operation name or hash.
 */
export class TransparencyCounter {
  private readonly cells = new Map<string, PairCounts>();
  private readonly flags = new Map<string, number>(FLAG_KINDS.map((kind) => [kind, 0]));
  private readonly newPurposes = new Map<string, number>();

  constructor(private readonly period: Period) {}

  add(event: AuditEvent): void {
    if (event.kind === "chain-start" || !inPeriod(event.at, this.period)) return;
    if (event.kind === "flag") {
      this.flags.set(event.flag, (this.flags.get(event.flag) ?? 0) + 1);
      if (event.flag === "NEW_PURPOSE") {
        const purpose = event.purpose ?? UNKNOWN_PURPOSE;
        this.newPurposes.set(purpose, (this.newPurposes.get(purpose) ?? 0) + 1);
      }
      return;
    }
    if (event.kind === "operation") this.addOperation(event);
  }

  private addOperation(event: OperationEvent): void {
    const caller = event.caller?.nation;
    if (caller === undefined) return;
    const perOwner = new Map<string, Measures>();
    for (const field of event.fields) {
      for (const owner of new Set(field.owners)) {
        // A nation reading its own data shares nothing: this report is about partners.
        if (owner === caller) continue;
        const counts = perOwner.get(owner) ?? { operations: 1, fields: 0, redacted: 0, refused: 0 };
        counts.fields += 1;
        if (field.decision === "REDACTED") counts.redacted += 1;
        if (field.decision === "REJECTED") counts.refused = 1;
        perOwner.set(owner, counts);
      }
    }
    const purpose = event.purpose ?? UNKNOWN_PURPOSE;
    for (const [owner, counts] of perOwner) {
      const key = `${caller}\n${owner}\n${purpose}`;
      const cell = this.cells.get(key) ?? { caller, owner, purpose, operations: 0, fields: 0, redacted: 0, refused: 0 };
      for (const measure of MEASURES) cell[measure] += counts[measure];
      this.cells.set(key, cell);
    }
  }

  counts(): TransparencyCounts {
    const pairs = [...this.cells.values()]
      .map((cell) => ({ ...cell }))
      .sort((a, b) => byText(a.caller, b.caller) || byText(a.owner, b.owner) || byText(a.purpose, b.purpose));
    return { period: this.period, pairs, flags: new Map(this.flags), newPurposes: new Map(this.newPurposes) };
  }
}

/** A published count: the number; `<k` when it is below k; `x` when it is k or more but hidden so that a small one cannot be recovered. */
export type Cell = number | `<${number}` | "x";

/** One row of the published table; `caller`/`owner` null on the row of all pairs, `purpose` null on a total over purposes. */
export interface TransparencyRow extends Record<Measure, Cell> {
  caller: string | null;
  owner: string | null;
  purpose: string | null;
  /** Share of the owner's fields asked for that were withheld (REDACTED); null when either count is suppressed. */
  redactionRate: number | null;
  /** Share of the operations that were refused as a whole over one of the owner's fields; null when either count is suppressed. */
  denialRate: number | null;
}

/** The public summary: only suppressed-where-small counts and the rates of shown counts. */
export interface TransparencyReport {
  from: string | null;
  to: string | null;
  k: number;
  /** How the report was made, in sentences, for its readers. */
  method: string[];
  rows: TransparencyRow[];
  /** Each kind, then (NEW_PURPOSE) its rows by the purpose that was new, with `purpose`; the total over kinds last (kind null). */
  flags: Array<{ kind: string | null; purpose?: string; count: Cell }>;
}

/** The method, as every transparency report states it. */
export const transparencyMethod = (k: number): string[] => [
  "Counts are per caller nation (the nation of the identity provider that signed the caller's token), owner nation (a nation whose label governs a field) and declared purpose of use.",
  "operations: operations that asked for at least one of the owner's fields; an operation that asked for two nations' fields counts once for each. " +
    "fields: the owner's fields decided (each coordinate once per operation). redacted: those withheld from an answer. " +
    "refused: operations refused as a whole over one of the owner's fields.",
  "redaction rate = redacted / fields; denial rate = refused / operations; a rate is shown only when both of its counts are.",
  "A nation's analysts reading its own data are not counted. A row appears only when at least one such operation was recorded.",
  "No identity is published: no subject, issuer, token, request, operation name or hash.",
  "Anomaly flags are counted by kind; NEW_PURPOSE flags also by the purpose that was new (a category of use, not an identity), as rows that sum to their kind.",
  SUPPRESSION_METHOD(k),
];

interface TableRow {
  caller: string | null;
  owner: string | null;
  purpose: string | null;
  measures: Measures;
}

/** The table's rows as totals over rows: all pairs over each pair, each pair over its purposes. */
function tableTree(pairs: readonly PairCounts[]): { rows: TableRow[]; tree: (measure: Measure) => CountTree } {
  const sum = (cells: readonly Measures[]): Measures =>
    Object.fromEntries(MEASURES.map((measure) => [measure, cells.reduce((total, cell) => total + cell[measure], 0)])) as Measures;
  const grouped = new Map<string, PairCounts[]>();
  for (const cell of pairs) grouped.set(`${cell.caller}\n${cell.owner}`, [...(grouped.get(`${cell.caller}\n${cell.owner}`) ?? []), cell]);
  const groups = [...grouped.values()];
  const rows: TableRow[] = [];
  for (const cells of groups) {
    for (const cell of cells) rows.push({ caller: cell.caller, owner: cell.owner, purpose: cell.purpose, measures: cell });
    rows.push({ caller: cells[0]!.caller, owner: cells[0]!.owner, purpose: null, measures: sum(cells) });
  }
  rows.push({ caller: null, owner: null, purpose: null, measures: sum(pairs) });
  // The same shape for every measure; the rows above are listed in the order the tree is walked below. A row is there only when an
  // operation was recorded, so its operations and fields are at least 1; the caller and the owner know a pair's counts.
  const tree = (measure: Measure): CountTree => {
    const least = measure === "operations" || measure === "fields" ? 1 : 0;
    return {
      value: sum(pairs)[measure],
      children: groups.map((cells) => {
        const knownTo = [cells[0]!.caller, cells[0]!.owner];
        return {
          value: sum(cells)[measure],
          least,
          knownTo,
          children: cells.map((cell) => ({ value: cell[measure], least, knownTo, children: [] })),
        };
      }),
    };
  };
  return { rows, tree };
}

/** The tree's counts in the order of the table's rows (each pair's purposes, then the pair's total; all pairs last). */
function inRowOrder(root: CheckedCount): CheckedCount[] {
  return [...root.children.flatMap((pair) => [...pair.children, pair]), root];
}

// A count hidden as a complement is k or more: "<k" would be false. Saying so is a mark every reader has; the suppression takes it into account.
const cellOf = (count: CheckedCount, k: number): Cell => (!count.suppressed ? count.value : count.value < k ? `<${k}` : "x");
const rateOf = (part: CheckedCount, whole: CheckedCount): number | null =>
  part.suppressed || whole.suppressed || whole.value === 0 ? null : Math.round((part.value / whole.value) * 1000) / 1000;

/** The public report of the counts: every count below `k`, and whatever could give one away, suppressed. */
export function transparencyReport(counts: TransparencyCounts, k: number): TransparencyReport {
  const { rows, tree } = tableTree(counts.pairs);
  const checked = Object.fromEntries(
    MEASURES.map((measure) => [measure, inRowOrder(suppressSmallCounts([tree(measure)], k)[0]!)]),
  ) as Record<Measure, CheckedCount[]>;
  const published = rows.map((row, index): TransparencyRow => {
    const at = (measure: Measure) => checked[measure][index]!;
    return {
      caller: row.caller,
      owner: row.owner,
      purpose: row.purpose,
      operations: cellOf(at("operations"), k),
      fields: cellOf(at("fields"), k),
      redacted: cellOf(at("redacted"), k),
      refused: cellOf(at("refused"), k),
      redactionRate: rateOf(at("redacted"), at("fields")),
      denialRate: rateOf(at("refused"), at("operations")),
    };
  });
  const kinds = [
    ...FLAG_KINDS,
    ...[...counts.flags.keys()].filter((kind) => !(FLAG_KINDS as readonly string[]).includes(kind)).sort(byText),
  ];
  const purposes = [...counts.newPurposes.keys()].sort(byText);
  const [flagTotal] = suppressSmallCounts(
    [
      {
        value: kinds.reduce((sum, kind) => sum + (counts.flags.get(kind) ?? 0), 0),
        // NEW_PURPOSE's purposes are rows of its count, suppressed within it as the purposes of a pair are within the pair.
        children: kinds.map((kind) => ({
          value: counts.flags.get(kind) ?? 0,
          // A purpose's row is there only when it was flagged: at least 1.
          children:
            kind === "NEW_PURPOSE" ? purposes.map((purpose) => ({ value: counts.newPurposes.get(purpose)!, least: 1, children: [] })) : [],
        })),
      },
    ],
    k,
  );
  return {
    from: isoEnd(counts.period.from),
    to: isoEnd(counts.period.to),
    k,
    method: transparencyMethod(k),
    rows: published,
    flags: [
      ...kinds.flatMap((kind, index) => {
        const node = flagTotal!.children[index]!;
        return [
          { kind, count: cellOf(node, k) },
          ...node.children.map((child, row) => ({ kind, purpose: purposes[row]!, count: cellOf(child, k) })),
        ];
      }),
      { kind: null, count: cellOf(flagTotal!, k) },
    ],
  };
}
