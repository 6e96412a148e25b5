import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ENVELOPE_HEADER, type EnvelopeSubject } from "../../lib/access-envelope.js";
import { SampledLog } from "../../lib/log-sampler.js";
import { logger } from "../../lib/logger.js";
import type { Principal } from "../auth/principal.js";
import { responseTooLarge, subgraphResponseTooLarge, subgraphUnavailable } from "../errors.js";
import type { RequestContext } from "../pipeline/context.js";
import { onlyAsked } from "./asked-fields.js";
import { breakerFetcher } from "./breaker-fetcher.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import type { EnvelopeSigner } from "./envelope-signer.js";
import { bodyBytesOf, deadlineFetcher, SubgraphResponseTooLargeError } from "./undici-fetcher.js";

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  timeoutMs: number;
  /** Signs the envelope each request to this subgraph carries; none only for a subgraph without the second lock. */
  signer: EnvelopeSigner | undefined;
  /** Most bytes read of one answer; past it the subgraph has failed for the request (default DEFAULT_SUBGRAPH_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** This subgraph's circuit breaker: while it is open, no fetch goes and the subgraph is reported unavailable at once. */
  breaker?: CircuitBreaker;
}

/** Headers that never travel to a subgraph: the analyst's credentials stay at the gateway, and only the gateway's envelope vouches. */
const NEVER_FORWARDED = ["authorization", "cookie", "x-purpose", ENVELOPE_HEADER];

/** GraphQLDataSourceRequestKind.INCOMING_OPERATION, which @apollo/gateway does not export. */
const INCOMING_OPERATION = "incoming operation";

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** What the envelope says of the caller: the verified principal and the purpose it declared, nothing else of its token. */
export const envelopeSubjectOf = (principal: Principal): EnvelopeSubject => ({
  nation: principal.nation,
  sub: principal.sub,
  clearance: principal.clearance,
  compartments: [...principal.compartments],
  scopes: [...principal.scopes],
  purpose: principal.purpose,
});

/**
 * The one place where the gateway talks to a subgraph: every fetch has a
 * deadline and carries one access envelope signed for it (the caller, that
 * subgraph's nation, the exact query and variables sent), and a failed fetch
 * becomes a sanitised error that names the subgraph but never its URL or
 * response body.
 */
// A nation that is down fails every request that needs it: log the first failure of each kind, then counts.
const failures = new SampledLog(logger("fetch"), "subgraph fetch failed");

export class SubgraphDataSource extends RemoteGraphQLDataSource<RequestContext> {
  readonly name: string;
  private readonly signer: EnvelopeSigner | undefined;

  constructor(options: SubgraphDataSourceOptions) {
    const fetcher = deadlineFetcher(options.timeoutMs, options.maxResponseBytes);
    super({ url: options.url, fetcher: options.breaker ? breakerFetcher(options.breaker, fetcher) : fetcher });
    this.name = options.name;
    this.signer = options.signer;
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<RequestContext>): Promise<void> {
    const { request } = options;
    const headers = request.http!.headers;
    for (const name of NEVER_FORWARDED) headers.delete(name);
    // Only a caller's operation has a subject to vouch for; anything else goes unsigned, and the subgraph refuses it.
    if ((options.kind as string) !== INCOMING_OPERATION || !("incomingRequestContext" in options)) return;
    // The request has already received all it may: nothing more is fetched for it.
    if (options.context.budget?.exceeded) throw responseTooLarge();
    const { principal, requestId } = options.context;
    options.context.subgraphs?.add(this.name);
    if (!this.signer) return;
    // The subgraph name is its nation (composition names each subgraph after the nation that runs it).
    const envelope = await this.signer.sign({
      subject: envelopeSubjectOf(principal),
      audience: this.name,
      requestId,
      query: request.query ?? "",
      variables: request.variables,
    });
    headers.set(ENVELOPE_HEADER, envelope);
  }

  // Records carry their own labels: the nation reports those of the rows it read, and the banner counts them.
  override didReceiveResponse({
    response,
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<RequestContext>["didReceiveResponse"]>>[0]) {
    // Requests outside a caller's operation (none today) have no request context to mark.
    context.rows?.note(response.extensions);
    // Past the request's budget this answer is not used: the whole request is refused as too large.
    if (context.budget && !context.budget.spend(bodyBytesOf(response.http))) throw responseTooLarge();
    // Only what this subgraph was asked for is merged: a field it adds could overwrite another nation's.
    response.data = onlyAsked(response.data, request.query);
    return response;
  }

  override didEncounterError(error: Error): void {
    const timedOut = isTimeout(error) || isTimeout((error as { cause?: unknown }).cause);
    failures.note(`${this.name}: ${timedOut ? "timeout" : error.name}`, { subgraph: this.name, error: error.message });
    if (error instanceof SubgraphResponseTooLargeError) throw subgraphResponseTooLarge(this.name);
    throw subgraphUnavailable(this.name, timedOut);
  }
}
