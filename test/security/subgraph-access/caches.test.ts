import { createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import type { Decision, Subject } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { ENVELOPE_HEADER, type EnvelopeSubject, ReplayCache, signEnvelope, verifyEnvelope } from "../../../lib/access-envelope.js";
import { generateEnvelopeJwk, publicJwkOf } from "../../../lib/envelope-key.js";
import { PublicKeySet } from "../../../lib/jwks-keys.js";
import { DecisionCache } from "../../../subgraphs/shared/decision-cache.js";

import { openAgreements } from "../../support/agreements-fixture.js";
import { runningGuard as envelopeGuard } from "../../support/running-guard.js";
import { temporaryFolders } from "../../support/temporary-folders.js";

const temporary = temporaryFolders();

// The two caches of the second lock: the replay cache (one use per envelope) and the decision cache (one decision per
// subject attribute set and field). An attacker wants a replay the cache forgot, or another subject's decision.
// All of these hold (regression suite).

describe("the replay cache", () => {
  const jwk = generateEnvelopeJwk();
  const privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
  const publicKey = createPublicKey(privateKey);
  const subject: EnvelopeSubject = { nation: "DEU", sub: "a", clearance: "SECRET", compartments: [], scopes: [], purpose: "CT" };
  const T0 = Date.parse("2026-11-25T12:00:00Z");
  const token = () => signEnvelope({ subject, audience: "FRA", requestId: "r", query: "{ a }", now: T0 }, privateKey, jwk.kid!);
  const check = (replays: ReplayCache, now: number) => ({
    audience: "FRA",
    replays,
    query: "{ a }",
    now,
    keyFor: (kid: string) => (kid === jwk.kid ? publicKey : undefined),
  });

  it("remembers an envelope for as long as any clock tolerance would still accept it", () => {
    const replays = new ReplayCache();
    const envelope = token();
    expect(verifyEnvelope(envelope, check(replays, T0)).jti).toEqual(expect.any(String));
    // exp is T0 + 60 s; accepted up to 5 s past it, so it must be remembered that long.
    for (const later of [30_000, 60_000, 64_000, 64_999]) expect(() => verifyEnvelope(envelope, check(replays, T0 + later))).toThrow();
  });

  it("a restarted subgraph refuses an envelope its previous process may already have admitted (issued before it started)", async () => {
    // The replay cache lives in the process: without the start time check, after a restart an envelope observed on
    // the wire within the last minute would be admitted a second time. (Replicas would need a shared cache.)
    const folder = temporary("tearline-restart-");
    const file = join(folder, "jwks.json");
    writeFileSync(file, JSON.stringify({ keys: [publicJwkOf(jwk)] }));
    const body = { query: "{ a }" };
    const request = {
      headers: {
        [ENVELOPE_HEADER]: signEnvelope(
          { subject, audience: "FRA", requestId: "r", query: "{ a }", now: Date.now() },
          privateKey,
          jwk.kid!,
        ),
      },
    } as unknown as IncomingMessage;
    const first = envelopeGuard({ nation: "FRA", keys: new PublicKeySet({ file }), startedAt: 0 });
    await expect(first(request, body)).resolves.toMatchObject({ subject: { nation: "DEU" } });
    await expect(first(request, body)).rejects.toMatchObject({ status: 401 });
    // The restarted process starts after the envelope was signed (1 ms later, at the very least).
    const restarted = envelopeGuard({ nation: "FRA", keys: new PublicKeySet({ file }), startedAt: Date.now() + 1 });
    await expect(restarted(request, body)).rejects.toMatchObject({ status: 401 });
  });

  it("refuses a replay however the second copy's claimed expiry differs, and fails closed when full", () => {
    const cache = new ReplayCache(2);
    expect(cache.admit("a", 100, 0)).toBe(true);
    expect(cache.admit("a", 1000, 50)).toBe(false);
    expect(cache.admit("b", 100, 0)).toBe(true);
    expect(cache.admit("c", 100, 50)).toBe(false); // full of live ids: refuse rather than forget one
    expect(cache.admit("a", 100, 99)).toBe(false);
    expect(cache.admit("c", 200, 100)).toBe(true); // a and b have expired: room again
  });
});

describe("the decision cache", () => {
  const allow: Decision = { allowed: true, validUntil: Number.POSITIVE_INFINITY };
  const deny: Decision = { allowed: false, reasons: ["CLEARANCE"], onDeny: "REDACT", validUntil: Number.POSITIVE_INFINITY };
  const base: Subject = { nation: "GBR", clearance: "SECRET", compartments: new Set(["A", "B"]), purpose: "CT", scopes: new Set(["s"]) };
  const book = openAgreements(["GBR", "FRA"]);

  it("never gives one subject another's decision, however their attributes are spelt", () => {
    const lookalikes: Subject[] = [
      { ...base, compartments: new Set(["A,B"]) },
      { ...base, compartments: new Set(['A","B']) },
      { ...base, compartments: new Set(["A"]), scopes: new Set(["B", "s"]) },
      { ...base, purpose: "CT", scopes: new Set(["s", "A"]), compartments: new Set(["B"]) },
      { ...base, nation: "GBR ", clearance: "SECRET" },
      { ...base, purpose: 'CT","s' },
      { ...base, compartments: new Set(["A", "B", ""]) },
    ];
    const cache = new DecisionCache();
    expect(cache.get(base, "T.f", book, 0, () => allow)).toBe(allow);
    for (const subject of lookalikes)
      expect(
        cache.get(subject, "T.f", book, 0, () => deny),
        JSON.stringify([...subject.compartments]),
      ).toBe(deny);
    // The same attributes in another order are the same subject: equal decisions are the point of the cache.
    expect(cache.get({ ...base, compartments: new Set(["B", "A"]) }, "T.f", book, 0, () => deny)).toBe(allow);
    // And a field is never answered with another's decision.
    expect(cache.get(base, "T.g", book, 0, () => deny)).toBe(deny);
    expect(cache.get(base, "T\u0000f", book, 0, () => deny)).toBe(deny);
  });

  it("decides afresh for a new agreements document, even one equal to the last, and past a decision's validUntil", () => {
    const cache = new DecisionCache();
    const timed: Decision = { allowed: true, validUntil: 1000 };
    expect(cache.get(base, "T.f", book, 0, () => timed)).toBe(timed);
    expect(cache.get(base, "T.f", book, 999, () => deny)).toBe(timed);
    expect(cache.get(base, "T.f", book, 1000, () => deny)).toBe(deny);
    expect(cache.get(base, "T.f", new Map(book), 1000, () => allow)).toBe(allow);
  });

  it("starts again when full rather than answer from a stale entry", () => {
    const cache = new DecisionCache(3);
    for (const field of ["a", "b", "c"]) cache.get(base, field, book, 0, () => allow);
    expect(cache.get(base, "d", book, 0, () => deny)).toBe(deny);
    expect(cache.size).toBeLessThanOrEqual(3);
    expect(cache.get(base, "a", book, 0, () => deny)).toBe(deny);
  });
});
