import { generateKeyPairSync, sign } from "node:crypto";
import { expect } from "vitest";
import {
  type EnvelopeCheck,
  EnvelopeRejected,
  ReplayCache,
  requestDigest,
  signEnvelope,
  verifyEnvelope,
} from "../../lib/access-envelope.js";
import { envelopeSubject } from "./envelope-subject.js";

// What the tests of the access envelope (lib/access-envelope.ts) share: envelopes the gateway signs, envelopes forged
// part by part, and the checks a subgraph runs on them.

export const gateway = generateKeyPairSync("ed25519");
export const other = generateKeyPairSync("ed25519");
export const NOW = Date.parse("2026-11-25T12:00:00Z");
export const SUBJECT = envelopeSubject({ nation: "GBR", sub: "analyst@gbr", clearance: "SECRET", compartments: ["ORCHID"], scopes: [] });
export const QUERY = "query ($id: ID!) { threatActor(id: $id) { name } }";
const VARIABLES = { id: "TA-0003" };

export const envelope = (
  overrides: { audience?: string; now?: number; query?: string; variables?: object } = {},
  key = gateway.privateKey,
) =>
  signEnvelope(
    {
      subject: SUBJECT,
      audience: overrides.audience ?? "FRA",
      requestId: "req-1",
      query: overrides.query ?? QUERY,
      variables: (overrides.variables ?? VARIABLES) as Record<string, unknown>,
      now: overrides.now ?? NOW,
    },
    key,
    "gw-1",
  );
export const check = (overrides: Partial<EnvelopeCheck> = {}): EnvelopeCheck => ({
  audience: "FRA",
  keyFor: (kid) => (kid === "gw-1" ? gateway.publicKey : undefined),
  replays: new ReplayCache(),
  query: QUERY,
  variables: VARIABLES,
  now: NOW,
  ...overrides,
});
/** What verifying `token` throws (undefined when it is accepted). */
const rejection = (token: string | undefined, overrides: Partial<EnvelopeCheck> = {}): unknown => {
  try {
    verifyEnvelope(token, check(overrides));
  } catch (error) {
    return error;
  }
  return undefined;
};
/** Refused as an EnvelopeRejected of exactly this category (never another error, never a neighbouring category). */
export const refused = (token: string | undefined, reason: string, overrides: Partial<EnvelopeCheck> = {}) => {
  const error = rejection(token, overrides);
  expect(error).toBeInstanceOf(EnvelopeRejected);
  expect((error as Error).message).toBe(reason);
};
export const accepted = (token: string, overrides: Partial<EnvelopeCheck> = {}) => verifyEnvelope(token, check(overrides));

// Envelopes forged part by part, signed with the gateway's own key: only what is being tested is wrong.
export const T = NOW / 1000;
export const HEADER = { alg: "EdDSA", typ: "tearline-envelope+jwt", kid: "gw-1" };
// Made when a test runs, not while the file loads: a mutant of the digest must fail tests, not the loading of the file.
export const goodClaims = () => ({
  ...SUBJECT,
  aud: "FRA",
  rid: "req-1",
  dig: requestDigest(QUERY, VARIABLES),
  iat: T,
  exp: T + 60,
  jti: "jti-1",
});
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
export const signedParts = (header: string, payload: string) => {
  const input = `${header}.${payload}`;
  return `${input}.${sign(null, Buffer.from(input), gateway.privateKey).toString("base64url")}`;
};
export const signed = (header: unknown, claims: unknown) => signedParts(part(header), part(claims));
