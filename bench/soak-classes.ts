import type { OperationResult } from "../lib/audit/event.js";
import { ErrorCode } from "../lib/error-codes.js";

/** The soak's four classes of request, each with its own expected answer. */
export const SOAK_CLASSES = ["allowed", "redacted", "refused", "bad_token"] as const;
export type SoakClass = (typeof SOAK_CLASSES)[number];

/** The answer a kind of request must get: a 200 with data (and whether fields are withheld), or a refusal's status and code. */
export type Expectation = { status: 200; withheld: boolean } | { status: number; code: string };

/** One kind of request of a class: what it must be answered, and how the audit trail must record it. */
export interface SoakKind {
  id: string;
  class: SoakClass;
  name: string;
  expect: Expectation;
  audit: OperationResult;
}

const answered = <const Id extends string>(cls: "allowed" | "redacted", id: Id, name: string) =>
  ({ class: cls, id, name, expect: { status: 200, withheld: cls === "redacted" }, audit: "ANSWERED" }) satisfies SoakKind;
const refused = <const Id extends string>(
  cls: "refused" | "bad_token",
  id: Id,
  name: string,
  [status, code]: [number, string],
  audit: OperationResult = "REFUSED",
) => ({ class: cls, id, name, expect: { status, code }, audit }) satisfies SoakKind;
const UNAUTHENTICATED: [number, string] = [401, ErrorCode.Unauthenticated];

export const SOAK_KINDS = [
  answered("allowed", "allowed", "typical query, cleared caller"),
  answered("redacted", "redacted", "typical query, caller lacking clearance"),
  refused("refused", "too-costly", "over the cost cap", [400, ErrorCode.OperationTooCostly]),
  refused("refused", "rejected-field", "a denied field that rejects the operation", [403, ErrorCode.ForbiddenOperation], "REJECTED"),
  refused("refused", "unheld-purpose", "a purpose the token does not hold", [403, ErrorCode.PurposeNotAuthorised]),
  refused("bad_token", "expired", "expired token", UNAUTHENTICATED),
  refused("bad_token", "wrong-signature", "wrong signature", UNAUTHENTICATED),
  refused("bad_token", "garbage", "garbage token", UNAUTHENTICATED),
] as const;
export type SoakKindId = (typeof SOAK_KINDS)[number]["id"];

/** Of every 8 requests: 4 allowed, 2 redacted, 1 refused, 1 with a bad token; interleaved. */
const PATTERN: readonly SoakClass[] = ["allowed", "redacted", "allowed", "refused", "allowed", "redacted", "allowed", "bad_token"];

/** The kind of the i-th request, as its index in `kinds`: its class from the pattern, and the class's kinds in turn. */
export function kindOf(i: number, kinds: readonly SoakKind[] = SOAK_KINDS): number {
  const cls = PATTERN[i % PATTERN.length]!;
  const ofClass = kinds.flatMap((kind, index) => (kind.class === cls ? [index] : []));
  // Requests of this class before the i-th: in the whole cycles before it, then in its own cycle.
  const before =
    Math.floor(i / PATTERN.length) * PATTERN.filter((c) => c === cls).length +
    PATTERN.slice(0, i % PATTERN.length).filter((c) => c === cls).length;
  return ofClass[before % ofClass.length]!;
}

interface GraphQLBody {
  data?: unknown;
  errors?: Array<{ extensions?: { code?: unknown } }>;
}

/**
 * Whether an answer is what its kind expects: `null` when it is, else what differs, in a few words (the same
 * difference is worded the same way, so that the report can count them).
 */
export function classify(expect: Expectation, status: number, text: string): string | null {
  let body: GraphQLBody;
  try {
    body = JSON.parse(text) as GraphQLBody;
  } catch {
    return `${status}, not JSON`;
  }
  const codes = (body.errors ?? []).map((e) => String(e.extensions?.code ?? "no code"));
  const got = `${status}${codes.length ? ` ${[...new Set(codes)].sort().join(",")}` : ""}`;
  if (status !== expect.status) return `${got} instead of ${expect.status}`;
  if ("code" in expect) return codes.includes(expect.code) ? null : `${got} instead of ${expect.code}`;
  if (body.data === null || typeof body.data !== "object") return `${got} without data`;
  const other = codes.filter((code) => code !== ErrorCode.ForbiddenField);
  if (other.length > 0) return `${got}: unexpected errors`;
  if (expect.withheld && codes.length === 0) return "200 without withheld fields";
  if (!expect.withheld && codes.length > 0) return `${got}: fields withheld from a cleared caller`;
  return null;
}
