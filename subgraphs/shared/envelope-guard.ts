import type { IncomingMessage } from "node:http";
import { isClassification, isNationCode, type Subject } from "@tearline/policy";
import {
  bindEnvelope,
  checkEnvelope,
  ENVELOPE_HEADER,
  type EnvelopeClaims,
  EnvelopeRejected,
  openEnvelope,
  ReplayCache,
} from "../../lib/access-envelope.js";
import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError } from "../../lib/http-server.js";
import { KeySetUnavailable, PublicKeySet } from "../../lib/jwks-keys.js";
import { SampledLog } from "../../lib/log-sampler.js";
import { logger } from "../../lib/logger.js";
import type { JwksSource } from "../../lib/trust-config.js";
import type { Caller } from "./context.js";

/**
 * Decides, before anything else runs, whether a request to the subgraph is the gateway's, and for whom: first from
 * its headers alone (before its body is read), then for the body it vouches for.
 */
export type Admit = (req: IncomingMessage) => Promise<AdmitBody>;
export type AdmitBody = (body: unknown) => Caller;

/** Both steps at once, for a caller that has the body already. */
export const admitWhole =
  (admit: Admit) =>
  async (req: IncomingMessage, body: unknown): Promise<Caller> =>
    (await admit(req))(body);

/** What a refused caller reads: the same for every refusal, so that a prober learns nothing of why. */
export const REFUSED_MESSAGE = "This subgraph answers only requests the gateway vouches for";

export interface EnvelopeGuardOptions {
  /** The nation whose subgraph this is: the only audience it accepts. */
  nation: string;
  /** The gateway's public envelope keys. */
  keys: PublicKeySet;
  replays?: ReplayCache;
  /** Epoch ms. */
  now?: () => number;
  /** Epoch ms: envelopes issued before it are refused (default: when the guard is made, i.e. the process's start). */
  startedAt?: number;
}

/** The operation a body asks for, exactly as Apollo Server will run it; anything else is refused, never guessed at. */
function operationOf(body: unknown): { query: string; variables: Record<string, unknown> | null } {
  // A batch (array), text that is not JSON, or no body at all: one envelope vouches for one operation only.
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new EnvelopeRejected("not one JSON operation");
  const { query, variables } = body as Record<string, unknown>;
  // A persisted-query hash without its text has nothing to compare the digest with.
  if (typeof query !== "string" || query === "") throw new EnvelopeRejected("no query text");
  // Stryker disable next-line ConditionalExpression: equivalent: dropping the null test lets null through the object check below, which returns it as null all the same
  if (variables === undefined || variables === null) return { query, variables: null };
  if (typeof variables !== "object" || Array.isArray(variables)) throw new EnvelopeRejected("variables not an object");
  return { query, variables: variables as Record<string, unknown> };
}

/** The policy's subject from verified claims; a claim the policy cannot read refuses the envelope (fail closed). */
function subjectOf(claims: EnvelopeClaims): Subject {
  if (!isNationCode(claims.nation)) throw new EnvelopeRejected("subject: not a nation code");
  if (!isClassification(claims.clearance)) throw new EnvelopeRejected("subject: clearance not a classification");
  if (claims.purpose === "") throw new EnvelopeRejected("subject: no purpose");
  return {
    nation: claims.nation,
    clearance: claims.clearance,
    compartments: new Set(claims.compartments),
    purpose: claims.purpose,
    scopes: new Set(claims.scopes),
  };
}

/**
 * The subgraph's first lock, shared by every nation: a request is admitted
 * only with an access envelope that the gateway's key signed for this nation,
 * for exactly this query and these variables, not expired and never seen
 * before. It runs before Apollo Server sees the request, so `_entities`,
 * `_service` and every field are covered alike. Every refusal is the same
 * 401 UNAUTHENTICATED; the reason stays in the subgraph's own log.
 */
export function envelopeGuard(options: EnvelopeGuardOptions): Admit {
  const replays = options.replays ?? new ReplayCache();
  const now = options.now ?? Date.now;
  const log = logger(options.nation);
  // A flood of forged or replayed requests costs a few log lines per interval, not one each.
  const refusals = new SampledLog(log, "subgraph request refused: no valid gateway envelope");

  // Rounded up: an envelope issued in the second the process started could have been admitted by its previous life.
  const notBefore = Math.ceil((options.startedAt ?? now()) / 1000);
  const refuse = (error: unknown): never => {
    if (error instanceof EnvelopeRejected) refusals.note(error.message);
    else if (error instanceof KeySetUnavailable) refusals.note("gateway keys unavailable");
    else {
      log.error({ err: error }, "envelope check failed");
      refusals.note("check failed");
    }
    throw new HttpError(401, ErrorCode.Unauthenticated, REFUSED_MESSAGE);
  };

  return async (req) => {
    let claims: EnvelopeClaims;
    try {
      const header = req.headers[ENVELOPE_HEADER];
      const opened = openEnvelope(typeof header === "string" ? header : undefined);
      const key = await options.keys.keyFor(opened.kid);
      claims = checkEnvelope(opened, key, { audience: options.nation, now: now(), notBefore });
    } catch (error) {
      return refuse(error);
    }
    return (body) => {
      try {
        const { query, variables } = operationOf(body);
        bindEnvelope(claims, { replays, query, variables, now: now() });
        return { subject: subjectOf(claims), requestId: claims.rid };
      } catch (error) {
        return refuse(error);
      }
    };
  };
}

/** The guard of a nation's subgraph process, trusting the gateway keys its configuration names. */
export async function gatewayEnvelopeGuard(nation: string, gatewayKeys: JwksSource): Promise<Admit> {
  const keys = new PublicKeySet(gatewayKeys);
  // Read once at start so that an operator sees a wrong key source at once; requests are refused until it reads.
  if (!(await keys.ready())) logger(nation).error("gateway envelope keys cannot be read: every request is refused until they can");
  return envelopeGuard({ nation, keys });
}
