// What one access envelope costs: the gateway signs one per subgraph request, and the subgraph verifies it (digest,
// signature, replay cache) before anything else runs. Single-threaded, in process; run by bench/lock-cost.ts.
import { sign, verify } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVELOPE_HEADER, openEnvelope, ReplayCache, signEnvelope, verifyOpenedEnvelope } from "../lib/access-envelope.js";
import { envelopeSigningKeyOf, generateEnvelopeJwk, publicJwkOf } from "../lib/envelope-key.js";
import { PublicKeySet } from "../lib/jwks-keys.js";
import { admitWhole, envelopeGuard } from "../subgraphs/shared/envelope-guard.js";
import { microseconds } from "./cpu-micro.js";

const jwk = generateEnvelopeJwk();
const key = envelopeSigningKeyOf(JSON.stringify(jwk));
const subject = {
  nation: "DEU",
  sub: "analyst@deu",
  clearance: "TOP_SECRET",
  compartments: ["ORCHID", "HARBOR"],
  scopes: [],
  purpose: "CT",
};

/** A typical subgraph fetch (a root query), and an entity fetch with 50 representations. */
const OPERATIONS = {
  root: {
    query: "query ThreatPicture__FRA__1($first:Int){fraReports(first:$first){id title summary admiralty collectedAt}}",
    variables: { first: 3 },
  },
  entities50: {
    query:
      "query ThreatPicture__FRA__2($representations:[_Any!]!){_entities(representations:$representations){...on ThreatActor{assessment{threatLevel confidence}}}}",
    variables: {
      representations: Array.from({ length: 50 }, (_, i) => ({ __typename: "ThreatActor", id: `TA-${String(i).padStart(4, "0")}` })),
    },
  },
};

/** Sign, verify and the whole guard, per envelope, for a root fetch and a 50-entity fetch; and the bare signature. */
export async function measureEnvelopeCost() {
  const jwksFile = join(tmpdir(), `tearline-envelope-cost-${process.pid}.json`);
  writeFileSync(jwksFile, JSON.stringify({ keys: [publicJwkOf(jwk)] }));
  const publicKey = await new PublicKeySet({ file: jwksFile }).keyFor(key.kid);

  // Calls per batch: 2,000 Ed25519 signatures are about 0.1 s of CPU, far above the clock's resolution. It was 5,000:
  // `bench/lock-cost.ts` then took 87 s on the Xeon, and 49 s with 2,000, the longest part of `npm run bench` after
  // its windows.
  const N = 2000;
  const results: Record<string, Record<string, number>> = {};
  for (const [name, operation] of Object.entries(OPERATIONS)) {
    const sign = (now = Date.now()) =>
      signEnvelope(
        { subject, audience: "FRA", requestId: "r", query: operation.query, variables: operation.variables, now },
        key.privateKey,
        key.kid,
      );
    // Envelopes signed beforehand, one per verification (warm-up and rounds): each jti is new to the replay cache, as in service.
    const fresh = (count: number) => Array.from({ length: count }, () => sign());
    const forVerify = fresh(N * 8);
    const replays = new ReplayCache();
    const verifyOne = () =>
      verifyOpenedEnvelope(openEnvelope(forVerify.pop()), publicKey, {
        audience: "FRA",
        replays,
        query: operation.query,
        variables: operation.variables,
        now: Date.now(),
      });
    const forGuard = fresh(N * 8);
    // A guard that has been running (startedAt 0): the envelopes were signed before it was made.
    const admit = admitWhole(envelopeGuard({ nation: "FRA", keys: new PublicKeySet({ file: jwksFile }), startedAt: 0 }));
    const body = { query: operation.query, variables: operation.variables };
    const guardOne = () => admit({ headers: { [ENVELOPE_HEADER]: forGuard.pop() } } as unknown as IncomingMessage, body);
    results[name] = {
      sign_us: await microseconds(N, () => sign()),
      verify_us: await microseconds(N, verifyOne),
      guard_us: await microseconds(N, guardOne),
      header_bytes: sign().length,
    };
  }
  // The signature alone, for scale: the rest of each figure is the digest, JSON and the replay cache.
  const message = Buffer.from(
    signEnvelope({ subject, audience: "FRA", requestId: "r", query: "{ a }", now: Date.now() }, key.privateKey, key.kid),
  );
  const signature = sign(null, message, key.privateKey);
  const primitives = {
    ed25519_sign_us: await microseconds(N, () => sign(null, message, key.privateKey)),
    ed25519_verify_us: await microseconds(N, () => verify(null, message, publicKey!, signature)),
  };
  rmSync(jwksFile, { force: true });
  return { results, primitives };
}
