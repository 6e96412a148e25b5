import type { Server } from "node:http";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { close, createJsonHttpServer, listen } from "../lib/http-server.js";
import { logger } from "../lib/logger.js";
import { cacheSamples, metricsReply } from "../lib/metrics.js";
import { AgreementStore } from "./agreements/store.js";
import { openAuditTrail } from "./audit/open-trail.js";
import { createAuthenticator } from "./auth/authenticate.js";
import type { GatewayConfig } from "./config.js";
import { OperationPlanner } from "./enforcement/plan.js";
import { PolicyHolder } from "./enforcement/policy-state.js";
import { sanitiseError } from "./errors.js";
import { apolloExecutor } from "./execute/apollo-executor.js";
import { introspector } from "./execute/introspection.js";
import { breakerRegistry } from "./fetch/breaker-fetcher.js";
import { EnvelopeSigner } from "./fetch/envelope-signer.js";
import { SubgraphDataSource } from "./fetch/subgraph-data-source.js";
import { openAnomalyFlags } from "./oversight/anomaly/open-anomaly.js";
import { OVERSIGHT_EVENTS_PATH, oversightEventsPage } from "./oversight/events-page.js";
import { openOversightTrail } from "./oversight/trail-source.js";
import { Admission } from "./pipeline/admission.js";
import type { RequestContext } from "./pipeline/context.js";
import { createGraphQLHandler } from "./pipeline/handle-request.js";
import { RevocationStore } from "./revocations/store.js";
import { supergraphFromFile } from "./supergraph/file-source.js";

export interface RunningGateway {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

export function createApolloGateway(config: GatewayConfig, policy: PolicyHolder, signer: EnvelopeSigner): ApolloGateway {
  const breakers = breakerRegistry(config.breaker);
  const gateway = new ApolloGateway({
    // A supergraph whose labels the policy cannot read is refused before it goes live.
    supergraphSdl: supergraphFromFile(config.supergraphPath, { check: (sdl) => policy.check(sdl) }),
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name] ?? url ?? "",
        timeoutMs: config.subgraphTimeoutMs,
        maxResponseBytes: config.subgraphMaxResponseBytes,
        signer: config.signEnvelopes ? signer : undefined,
        breaker: breakers(name),
      }),
  });
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => policy.update(apiSchema, coreSupergraphSdl));
  return gateway;
}

/** Starts the gateway's HTTP server; resolves once it serves the supergraph. */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const policy = new PolicyHolder(config.coalitions);
  // One signer for every subgraph and for the audit checkpoints: a rotated key file is read once.
  const signer = new EnvelopeSigner(config.envelopeKeyFile, config.envelopeKey);
  if (!config.signEnvelopes)
    logger("gateway").warn("SUBGRAPH_ENVELOPES=off: subgraph fetches carry no envelope; a subgraph with the second lock refuses them all");
  // The audit trail before anything is served: a gateway that cannot record does not answer.
  const trail = await openAuditTrail(config.audit, () => signer.currentKey());
  // Flags go into the chain of the operations that raised them (logged and notified only without one).
  const anomalies = openAnomalyFlags(config.anomaly, { writer: trail.writer });
  // Agreements first: a request served before them would find no nation sharing anything (fail closed, but needless).
  const agreements = new AgreementStore(config.agreements, {
    pollMs: config.agreementsPollMs,
    fetchTimeoutMs: Math.min(config.agreementsPollMs, 5000),
    floorFile: config.agreementsFloorFile,
    onChange: (book) => policy.updateAgreements(book),
  });
  await agreements.start();
  policy.updateAgreements(agreements.book);
  const apollo = new ApolloServer<RequestContext>({
    gateway: createApolloGateway(config, policy, signer),
    // Introspection is answered before planning, from each caller's view of the schema (INTROSPECTION); never by Apollo.
    introspection: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    formatError: sanitiseError,
    persistedQueries: false,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  // Revocation lists before any token is accepted: until a nation's list is verified, none of its tokens is.
  const revocations = new RevocationStore(config.revocations, {
    pollMs: config.revocationsPollMs,
    fetchTimeoutMs: Math.min(config.revocationsPollMs, 5000),
    floorFile: config.revocationsFloorFile,
  });
  await revocations.start();
  const authenticate = createAuthenticator({
    issuers: config.issuers,
    audience: config.audience,
    tokenCacheSize: config.tokenCacheSize,
    revoked: (token) => revocations.refusal(token.nation, token.tokenId),
  });
  const planner = new OperationPlanner({
    mode: config.mode,
    maxDepth: config.maxDepth,
    maxAliases: config.maxAliases,
    maxDirectives: config.maxDirectives,
    maxCost: config.maxCost,
    maxFields: config.maxFields,
    cacheSize: config.planCacheSize,
    introspection: config.introspection,
  });
  // The view reads the store the trail is written to (its own connections with PostgreSQL).
  const oversight = openOversightTrail(config.audit);
  const metrics = () =>
    metricsReply([
      ...cacheSamples("token_cache", authenticate.tokenCache),
      ...cacheSamples("plan_cache", planner.caches.plans),
      ...cacheSamples("shared_plan_cache", planner.caches.sharedPlans),
      ...cacheSamples("document_cache", planner.caches.documents),
    ]);
  const server = createJsonHttpServer({
    pages: {
      ...(config.metrics ? { "/metrics": metrics } : {}),
      [OVERSIGHT_EVENTS_PATH]: oversightEventsPage({ identify: authenticate.identify, source: oversight.source }),
    },
    handle: createGraphQLHandler({
      authenticate: (headers) => authenticate({ authorization: headers.authorization, "x-purpose": headers["x-purpose"] }),
      policy: () => policy.current,
      planner,
      execute: apolloExecutor(apollo),
      coalitions: config.coalitions,
      admission: new Admission({
        maxInFlight: config.maxInFlight,
        maxInFlightPerSubject: config.maxInFlightPerSubject,
        maxCostInFlightPerSubject: config.maxCostInFlightPerSubject,
      }),
      maxResponseBytes: config.maxResponseBytes,
      ...(config.introspection ? { introspect: introspector() } : {}),
      recorder: anomalies.observe(trail.recorder),
      retryAfter: (principal, now) => anomalies.retryAfter(principal, now),
    }),
  });
  const port = await listen(server, config.host, config.port);
  return {
    url: `http://${config.host}:${port}/graphql`,
    server,
    async stop() {
      agreements.stop();
      revocations.stop();
      // In-flight requests finish (and are recorded) before the chain is closed with its final checkpoint.
      await close(server, config.shutdownDeadlineMs);
      await anomalies.close();
      await trail.close();
      await oversight.close();
      await apollo.stop();
    },
  };
}
