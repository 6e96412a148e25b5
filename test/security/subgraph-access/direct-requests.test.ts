import { readFileSync } from "node:fs";
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENVELOPE_HEADER, signEnvelope } from "../../../lib/access-envelope.js";
import { type EnvelopeSigningKey, envelopeSigningKeyOf, generateEnvelopeJwk } from "../../../lib/envelope-key.js";
import { gatewayPrivateKeyPath } from "../../../scripts/gateway-key/keys.js";
import { NATIONS, type NationCode } from "../../../subgraphs/nations.js";
import { REFUSED_MESSAGE } from "../../../subgraphs/shared/envelope-guard.js";
import { envelopeSubject } from "../../support/envelope-subject.js";
import { errorCodes, type RawReply, rawRequest } from "../../support/raw-request.js";
import { FULLY_CLEARED, startTestStack, type TestStack } from "../../support/test-stack.js";

// Issue 12, group "subgraph access": every nation's subgraph, asked directly on its own port, past the gateway, by
// someone without the gateway's key (threat model a). All four nations alike; envelope-attacks.test.ts
// and test/e2e/envelope.test.ts attack France's envelope check in depth (replays, digests, algorithms, audiences), and
// compromised-gateway.test.ts what a holder of the gateway key gets. All of these held when written.

interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

/** Each nation's own reports, the most it holds for its own analysts. */
const reportsOf = (nation: NationCode) => ({ query: `{ ${nation.toLowerCase()}Reports(first: 100) { id title body } }` });
const SERVICE = { query: "{ _service { sdl } }" };
const ENTITIES = {
  query: "query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on ThreatActor { id name } } }",
  variables: { r: [{ __typename: "ThreatActor", id: "TA-0003" }] },
};
const INTROSPECTION = [
  { query: getIntrospectionQuery() },
  { query: "{ __schema { types { name } } }" },
  { query: '{ __type(name: "Query") { fields { name } } }' },
];
/** Anything a subgraph holds: a record id, a report text, an actor, its schema or its labels. */
const SERVED = /[A-Z]{3}-R-\d|TA-\d{4}|collection indicates|Crimson|@label|@key|"sdl"|"__schema"|"__type"|"types"|"fields"/;

describe("subgraph access: each nation's subgraph, asked directly, serves nothing without the gateway's envelope", () => {
  let stack: TestStack;
  let gatewayKey: EnvelopeSigningKey;
  /** A key of the attacker's own, and the same key presented under the gateway key's kid. */
  let impostors: EnvelopeSigningKey[];

  const urlOf = (nation: NationCode) => stack.subgraphs[nation].url;
  /** The one answer a subgraph gives every request it refuses: 401, the same message, nothing of the data. */
  const expectRefused = (reply: RawReply, what: string) => {
    expect(reply.status, what).toBe(401);
    expect(reply.body, what).toEqual({ errors: [{ message: REFUSED_MESSAGE, extensions: { code: "UNAUTHENTICATED" } }] });
    expect(reply.text, what).not.toMatch(SERVED);
  };
  /** An envelope as the gateway signs one, for a German analyst cleared for everything or the nation's own. */
  const envelopeFor = (nation: NationCode, operation: Operation, key: EnvelopeSigningKey) =>
    signEnvelope(
      { ...operation, subject: envelopeSubject({ nation }), audience: nation, requestId: "subgraph-access", now: Date.now() },
      key.privateKey,
      key.kid,
    );

  /** What someone without the gateway's key can send along: nothing, the nation's own analyst's token, an envelope of their own. */
  const attempts = async (nation: NationCode, operation: Operation): Promise<Array<[string, Record<string, string>]>> => {
    const { authorization } = await stack.headers({ ...FULLY_CLEARED, nation });
    return [
      ["no token", {}],
      ["bearer", { authorization: authorization! }],
      ["forged", { [ENVELOPE_HEADER]: envelopeFor(nation, operation, impostors[1]!) }],
    ];
  };

  beforeAll(async () => {
    stack = await startTestStack();
    gatewayKey = envelopeSigningKeyOf(readFileSync(gatewayPrivateKeyPath(stack.keysDir), "utf8"));
    const own = envelopeSigningKeyOf(JSON.stringify(generateEnvelopeJwk()));
    impostors = [own, { ...own, kid: gatewayKey.kid }];
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("refuses a request with no token at all, for the nation's own reports", async () => {
    for (const nation of NATIONS) expectRefused(await rawRequest(urlOf(nation), reportsOf(nation)), nation);
  });

  it("refuses an analyst's bearer token, the nation's own analyst's included, as Authorization or in the envelope's header", async () => {
    for (const nation of NATIONS) {
      const { authorization } = await stack.headers({ ...FULLY_CLEARED, nation });
      const token = authorization!.replace(/^Bearer /, "");
      const carried: Array<Record<string, string>> = [
        { authorization: authorization! },
        { [ENVELOPE_HEADER]: token },
        { [ENVELOPE_HEADER]: authorization! },
      ];
      for (const headers of carried)
        expectRefused(await rawRequest(urlOf(nation), reportsOf(nation), headers), `${nation} ${Object.keys(headers)[0]}`);
    }
  });

  it("refuses a forged envelope: the attacker's own key, that key under the gateway's kid, and no signature (alg none)", async () => {
    for (const nation of NATIONS) {
      const operation = reportsOf(nation);
      const forged = impostors.map((key) => envelopeFor(nation, operation, key));
      // The gateway's own envelope for this very operation, its signature cut off and its header saying alg none.
      const [, payload] = envelopeFor(nation, operation, gatewayKey).split(".");
      const header = Buffer.from(JSON.stringify({ alg: "none", typ: "tearline-envelope+jwt", kid: gatewayKey.kid })).toString("base64url");
      forged.push(`${header}.${payload}.`);
      for (const [i, envelope] of forged.entries())
        expectRefused(await rawRequest(urlOf(nation), operation, { [ENVELOPE_HEADER]: envelope }), `${nation} forged ${i}`);
    }
  });

  it("refuses _service { sdl } and _entities without a gateway envelope, and _service even with one", async () => {
    for (const nation of NATIONS) {
      for (const operation of [SERVICE, ENTITIES])
        for (const [what, headers] of await attempts(nation, operation))
          expectRefused(await rawRequest(urlOf(nation), operation, headers), `${nation} ${operation.query} ${what}`);
      // Past the first lock, the second: a nation's schema and labels are for no caller, whoever vouches for it.
      const vouched = await rawRequest(urlOf(nation), SERVICE, { [ENVELOPE_HEADER]: envelopeFor(nation, SERVICE, gatewayKey) });
      expect(vouched.body?.data?._service ?? null, nation).toBeNull();
      expect(errorCodes(vouched.body), nation).toEqual(["FORBIDDEN_FIELD"]);
      expect(vouched.text, nation).not.toMatch(SERVED);
    }
  });

  it("refuses GET, HEAD and OPTIONS with the operation in the URL, whatever they carry, and answers no other path", async () => {
    for (const nation of NATIONS) {
      const operation = reportsOf(nation);
      const target = `${urlOf(nation)}?${new URLSearchParams({ query: operation.query })}`;
      const tries = await attempts(nation, operation);
      for (const [what, headers] of tries) {
        for (const method of ["GET", "HEAD", "OPTIONS"]) {
          const reply = await rawRequest(target, undefined, headers, method);
          expect(reply.status, `${nation} ${method} ${what}`).toBe(405);
          expect(reply.text).not.toMatch(SERVED);
        }
      }
      // Other spellings of the path are not the endpoint: 404, and nothing behind them.
      const base = new URL(urlOf(nation));
      for (const path of ["/graphql/", "/GRAPHQL", "//graphql", "/graphql/..%2Fgraphql", "/", "/_service", "/subgraph"]) {
        const reply = await rawRequest(`${base.origin}${path}`, operation, tries[1]![1]);
        expect(reply.status, `${nation} ${path}`).toBe(404);
        expect(reply.text).not.toMatch(SERVED);
      }
    }
  });

  it("refuses an introspection query, with no token, with an analyst's token and with a forged envelope", async () => {
    for (const nation of NATIONS) {
      for (const operation of INTROSPECTION)
        for (const [what, headers] of await attempts(nation, operation))
          expectRefused(await rawRequest(urlOf(nation), operation, headers), `${nation} ${operation.query.slice(0, 30)} ${what}`);
    }
  });
});
