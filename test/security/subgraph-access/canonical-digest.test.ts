import { createPrivateKey, type JsonWebKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENVELOPE_HEADER, type EnvelopeSubject, ReplayCache, requestDigest, signEnvelope } from "../../../lib/access-envelope.js";
import { canonicalJson, NonFiniteNumber } from "../../../lib/canonical-json.js";
import { generateEnvelopeJwk, publicJwkOf } from "../../../lib/envelope-key.js";
import { HttpError } from "../../../lib/http-server.js";
import { PublicKeySet } from "../../../lib/jwks-keys.js";

import { runningGuard as envelopeGuard } from "../../support/running-guard.js";
import { temporaryFolders } from "../../support/temporary-folders.js";

// The digest binds an envelope to "the exact query and variables". An attacker who holds an envelope (observed, or
// signed by a compromised gateway for one request) looks for a second request, read differently by the resolvers,
// with the same digest. A non-finite number has no digest at all.

const Q = "query ($x: _Any) { a }";
/** The digest of variables exactly as the subgraph reads them off the wire. */
const wire = (variablesJson: string) => requestDigest(Q, JSON.parse(variablesJson) as Record<string, unknown>);

describe("the request digest", () => {
  it("has no digest for a non-finite number, rather than the digest of null, which a resolver reads differently", () => {
    // JSON.parse reads 1e400 as Infinity; JSON.stringify would write it (and NaN) as null, one digest for two requests.
    expect(JSON.parse('{"x":1e400}').x).toBe(Number.POSITIVE_INFINITY);
    expect(() => wire('{"x":1e400}')).toThrow(NonFiniteNumber);
    expect(() => wire('{"x":[-1e400]}')).toThrow(NonFiniteNumber);
    expect(() => requestDigest(Q, { x: Number.NaN })).toThrow(NonFiniteNumber);
    expect(wire('{"x":null}')).toEqual(expect.any(String));
  });

  it("digests apart values of another type, another shape or another place", () => {
    const distinct = [
      '{"x":2}',
      '{"x":"2"}',
      '{"x":[2]}',
      '{"x":{"0":2}}',
      '{"x":true}',
      '{"x":"true"}',
      '{"x":null}',
      '{"x":{}}',
      '{"x":[]}',
      '{"x":""}',
      '{"x":{"a":{"b":1}}}',
      '{"x":{"a.b":1}}',
      '{"x":{"a":{"b":"1"}}}',
      '{"x":1,"y":2}',
      '{"x":{"x":1,"y":2}}',
      '{"x":"\\ud800"}',
      '{"x":"\\ufffd"}',
      '{"x":"a\\u0000"}',
      '{"x":"a"}',
    ].map(wire);
    expect(new Set(distinct).size).toBe(distinct.length);
    // The query text is bound exactly too: a space, a comment or a changed case is another request.
    expect(new Set([Q, `${Q} `, `${Q}#`, Q.replace("a }", "A }")].map((q) => requestDigest(q, {}))).size).toBe(4);
  });

  it("keeps a __proto__ member in the digest: it cannot be added, moved or dropped unseen", () => {
    expect(wire('{"x":{"__proto__":{"a":1}}}')).not.toBe(wire('{"x":{}}'));
    expect(wire('{"x":{"__proto__":{"a":1}}}')).not.toBe(wire('{"x":{"a":1}}'));
    expect(wire('{"__proto__":{"x":1}}')).not.toBe(wire('{"x":1}'));
    expect(canonicalJson(JSON.parse('{"__proto__":1}'))).toBe('{"__proto__":1}');
  });

  it("digests alike only what every reader reads alike: key order, escapes, number spellings", () => {
    expect(wire('{"x":{"b":1,"a":2}}')).toBe(wire('{"x":{"a":2,"b":1}}'));
    expect(wire('{"x":"\\u0041"}')).toBe(wire('{"x":"A"}'));
    expect(wire('{"x":[1.0,1e2,-0]}')).toBe(wire('{"x":[1,100,0]}'));
  });
});

describe("the guard on hostile bodies (in process)", () => {
  const temporary = temporaryFolders();
  const jwk = generateEnvelopeJwk();
  const subject: EnvelopeSubject = { nation: "DEU", sub: "a", clearance: "SECRET", compartments: [], scopes: [], purpose: "CT" };
  const guard = () => {
    const file = join(temporary("tearline-digest-"), "jwks.json");
    writeFileSync(file, JSON.stringify({ keys: [publicJwkOf(jwk)] }));
    return envelopeGuard({ nation: "FRA", keys: new PublicKeySet({ file }), replays: new ReplayCache() });
  };
  const token = (variables: Record<string, unknown>) =>
    signEnvelope(
      { subject, audience: "FRA", requestId: "r", query: Q, variables, now: Date.now() },
      createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" }),
      jwk.kid!,
    );

  it("refuses, and survives, variables nested too deep to digest", async () => {
    const depth = 200_000;
    const deep = JSON.parse(`{"x":${"[".repeat(depth)}${"]".repeat(depth)}}`) as Record<string, unknown>;
    const admit = guard();
    const attempt = admit({ headers: { [ENVELOPE_HEADER]: token({ x: [] }) } } as unknown as IncomingMessage, {
      query: Q,
      variables: deep,
    });
    await expect(attempt).rejects.toBeInstanceOf(HttpError);
    await expect(attempt).rejects.toMatchObject({ status: 401 });
    // The guard still works afterwards.
    await expect(
      admit({ headers: { [ENVELOPE_HEADER]: token({ x: [] }) } } as unknown as IncomingMessage, { query: Q, variables: { x: [] } }),
    ).resolves.toMatchObject({ subject: { nation: "DEU" } });
  });
});
