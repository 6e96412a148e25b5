import type { Subject } from "@tearline/policy";
import type { Admit } from "../subgraphs/shared/envelope-guard.js";
import { ALLOWED } from "./callers.js";

/** Whom the open subgraphs answer every request for: the benchmark's fully cleared caller, as T-allow's envelopes say. */
export const OPEN_SUBJECT: Subject = {
  nation: ALLOWED.nation,
  clearance: ALLOWED.clearance,
  compartments: new Set(ALLOWED.compartments ?? []),
  purpose: ALLOWED.purpose,
  scopes: new Set((ALLOWED.scope ?? "").split(" ").filter(Boolean)),
};

/**
 * BENCHMARK ONLY. The plain baseline gateways (B, B-untuned, H) sign no
 * envelopes, so they read from a second set of subgraphs that admit every
 * request as the fully cleared caller, in place of the envelope guard. The
 * Tearline variants read from the locked set, which verifies every envelope.
 */
export const openAdmit: Admit = async () => () => ({ subject: OPEN_SUBJECT, requestId: "bench-open" });
