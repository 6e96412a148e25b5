import type { Classification } from "@tearline/policy";

/**
 * Where a nation's subgraph reports, in each response's extensions, the
 * marking of the rows it read: the subgraph writes it, the gateway's banner
 * reads it. One definition for both sides.
 */
export const ROW_MARKING_EXTENSION = "tearlineRows";

/** The marking of the rows one subgraph request read. */
export interface RowMarking {
  level: Classification;
  /** Nations every row read is releasable to. */
  releasableTo: string[];
}
