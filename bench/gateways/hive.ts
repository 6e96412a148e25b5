// Variant H: Hive Gateway on the same supergraph, with its JWT plugin verifying
// the same tokens as Tearline (each nation's dev IdP key set, ES256, the same
// audience) and its generic-auth support enforcing @authenticated and
// @requiresScopes, derived from Tearline's labels on a copy of the supergraph
// (hive-supergraph.ts).
//
// What remains unequal with Tearline:
// - H checks only that the caller is authenticated and holds the scopes a
//   label names. It does not check classification against clearance,
//   releasability to the caller's nation, compartments or the purpose of use
//   (x-purpose), and it validates none of Tearline's own claims (clearance,
//   purposes, the 1 h lifetime cap). A caller Tearline redacts is served in
//   full by H unless a scope is missing: only the bench's ALLOWED caller gets
//   the same answer from both, and it is the caller H is measured with.
// - H adds no banner or classification marking to responses, writes no audit
//   record and applies none of Tearline's depth, alias or field-count limits.
// - A denied field is withheld (null and an error at its path), as Tearline's
//   REDACT; H cannot reject the whole operation for an onDeny: REJECT label.
// - The directives are on every labelled field, so everything the benchmark's
//   queries touch is covered; no type-level directives are used.
// - In-flight deduplication of identical subgraph requests, on by default in
//   Hive, is switched off (see transportEntries below): same fetches as B.
// - Tokens: the key set is chosen by the token's claimed issuer and bound to
//   it, as Tearline does, but jsonwebtoken (not jose) verifies, jwks-rsa (not
//   jose) caches the keys, and H keeps no cache of verified tokens.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createGatewayRuntime,
  createRemoteJwksSigningKeyProvider,
  type ExtractTokenFunction,
  extractFromHeader,
  type GetSigningKeyFunction,
  type JWTAuthContextExtension,
  useJWT,
} from "@graphql-hive/gateway";
import { GraphQLError } from "graphql";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { announceReady, onShutdown } from "../../lib/lifecycle.js";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import { DEV_AUDIENCE, devIssuerId } from "../../scripts/idp/issuer-id.js";
import { NATIONS, type NationCode } from "../../subgraphs/nations.js";
import { HIVE_GENERIC_AUTH, withHiveAuthDirectives } from "./hive-supergraph.js";

const idp = process.env.IDP_URL!;
const supergraph = withHiveAuthDirectives(readFileSync(process.env.SUPERGRAPH_PATH!, "utf8"), loadCoalitionsFile());

// One jwks-rsa client per nation, at Tearline's key-set settings: keys kept 10 min, a JWKS that does not answer
// within 5 s fails the token, and an unknown kid fetches the set again at most twice a minute (Tearline: a 30 s cooldown).
const keySets = new Map<NationCode, GetSigningKeyFunction>(
  NATIONS.map((nation) => [
    nation,
    createRemoteJwksSigningKeyProvider({
      jwksUri: `${idp}/${nation}/jwks.json`,
      cacheMaxAge: 600_000,
      timeout: 5_000,
      rateLimit: true,
      jwksRequestsPerMinute: 2,
    }),
  ]),
);
const nationOfIssuer = new Map<string, NationCode>(NATIONS.map((nation) => [devIssuerId(nation), nation]));
// A kid is the key's RFC 7638 thumbprint: it does not say whose key it is. A kid is
// recorded here once it has been found in the set of the nation whose issuer the
// token named, so only that nation's set is ever fetched for it. Bounded by the
// number of keys the nations publish.
const nationOfKid = new Map<string, NationCode>();

const unauthenticated = () => new GraphQLError("Unauthenticated", { extensions: { http: { status: 401 } } });
const bearer = extractFromHeader({ name: "authorization", prefix: "Bearer" });

/**
 * The bearer token, once its key is known to belong to the nation whose issuer
 * it names (the JWT plugin passes only the kid to key providers, so the issuer
 * is read here). A token whose kid belongs to another nation is refused: one
 * nation's key never vouches for another nation's callers, as in Tearline.
 * The signature and the claims are checked after, by the plugin.
 */
const bearerOfKnownKey: ExtractTokenFunction = async (params) => {
  const found = await bearer(params);
  if (!found) return found;
  let kid: string | undefined;
  let nation: NationCode | undefined;
  try {
    kid = decodeProtectedHeader(found.token).kid;
    const { iss } = decodeJwt(found.token);
    nation = typeof iss === "string" ? nationOfIssuer.get(iss) : undefined;
  } catch {
    throw unauthenticated();
  }
  if (kid === undefined || nation === undefined) throw unauthenticated();
  const known = nationOfKid.get(kid);
  if (known === nation) return found;
  if (known !== undefined) throw unauthenticated();
  try {
    await keySets.get(nation)!(kid); // cached by jwks-rsa for the plugin's lookup that follows
  } catch {
    throw unauthenticated();
  }
  nationOfKid.set(kid, nation);
  return found;
};

/** The one signing key provider: the kid's own nation's key set, and no other. */
const keyOfKnownNation: GetSigningKeyFunction = (kid) => {
  const nation = kid === undefined ? undefined : nationOfKid.get(kid);
  if (nation === undefined) throw unauthenticated(); // bearerOfKnownKey lets no such token through
  return keySets.get(nation)!(kid);
};

const runtime = createGatewayRuntime<JWTAuthContextExtension>({
  supergraph,
  logging: false,
  genericAuth: HIVE_GENERIC_AUTH,
  // Hive's HTTP transport merges identical subgraph requests in flight by default: under load with one repeated
  // operation, most fetches are shared (0.5-0.8 per request measured, against B's 6). Off, so that H does the same
  // subgraph work per request as B and Tearline; fetches per request are reported for every variant.
  transportEntries: { "*.http": { options: { deduplicateInflightRequests: false } } },
  plugins: (context) => [
    useJWT({
      ...context,
      tokenLookupLocations: [bearerOfKnownKey],
      signingKeyProviders: [keyOfKnownNation],
      tokenVerification: { issuer: [...nationOfIssuer.keys()] as [string, ...string[]], audience: DEV_AUDIENCE, algorithms: ["ES256"] },
      reject: { missingToken: true, invalidToken: true },
      // The subgraphs trust the gateway and read no claims; Tearline forwards none either.
      forward: { payload: false, token: false },
    }) as never, // the plugin's context type is narrower than the runtime's plugin list admits
  ],
});
const server = createServer(runtime);
await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve));
announceReady("H", `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
onShutdown(async () => {
  server.close();
  await runtime.dispose();
});
