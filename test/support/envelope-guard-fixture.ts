import { createPrivateKey, type JsonWebKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { beforeEach, expect, vi } from "vitest";
import { type EnvelopeSubject, ReplayCache, signEnvelope } from "../../lib/access-envelope.js";
import { generateEnvelopeJwk, publicJwkOf } from "../../lib/envelope-key.js";
import { HttpError } from "../../lib/http-server.js";
import { PublicKeySet } from "../../lib/jwks-keys.js";
import { SampledLog } from "../../lib/log-sampler.js";
import { envelopeSubject } from "./envelope-subject.js";
import { logged } from "./recording-logger.js";
import { runningGuard as envelopeGuard } from "./running-guard.js";
import { temporaryFolders } from "./temporary-folders.js";

// What the tests of the subgraph's envelope guard share. Their files also mock lib/logger.js with the recording
// logger (test/support/recording-logger.ts), whose lines they read.

/** The category of each refusal the guards noted, repeats included (the log itself shows a repeat once per interval). */
export const noted = vi.spyOn(SampledLog.prototype, "note");

export const gatewayJwk = generateEnvelopeJwk();
const privateOf = (jwk: object) => createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });

const SUBJECT: EnvelopeSubject = envelopeSubject({ clearance: "SECRET", compartments: ["ORCHID"] });
export const QUERY = "query ($id: ID!) { threatActor(id: $id) { name } }";
export const BODY = { query: QUERY, variables: { id: "TA-0003" } };

export interface Envelope {
  subject?: Partial<EnvelopeSubject>;
  audience?: string;
  body?: { query: string; variables?: Record<string, unknown> };
  now?: number;
  jwk?: typeof gatewayJwk;
}

/** A gateway envelope signed with `jwk`'s key at `now` (epoch ms). */
export function sealed(options: Envelope, now: number): string {
  const jwk = options.jwk ?? gatewayJwk;
  const body = options.body ?? BODY;
  return signEnvelope(
    {
      subject: { ...SUBJECT, ...options.subject },
      audience: options.audience ?? "FRA",
      requestId: "req-7",
      query: body.query,
      variables: body.variables,
      now: options.now ?? now,
    },
    privateOf(jwk),
    jwk.kid!,
  );
}

/**
 * Sets up the calling test file: each test starts with no line logged and no refusal noted, and its temporary
 * folders are removed after it. Returns the maker of those folders, and `fixture`, which makes guards in them.
 */
export function envelopeGuardTests() {
  beforeEach(() => {
    logged.length = 0;
    noted.mockClear();
  });
  const temporary = temporaryFolders();

  /** A guard for FRA trusting a key file that holds `keys`, and what it takes to send it requests. */
  function fixture(keys = [gatewayJwk], replays: ReplayCache | undefined = new ReplayCache()) {
    let now = Date.parse("2026-11-25T12:00:00Z");
    const file = join(temporary("tearline-guard-"), "gateway-jwks.json");
    const publish = (list: object[]) => writeFileSync(file, JSON.stringify({ keys: list.map((jwk) => publicJwkOf(jwk)) }));
    publish(keys);
    const admit = envelopeGuard({
      nation: "FRA",
      keys: new PublicKeySet({ file }, { now: () => now }),
      replays,
      now: () => now,
    });
    const envelope = (options: Envelope = {}) => sealed(options, now);
    const send = (headers: Record<string, string | string[]>, body: unknown = BODY) =>
      admit({ headers } as unknown as IncomingMessage, body);
    // The header's name as it comes off the wire (Node lowercases header names): the gateway and the subgraph agree on it, not on a constant.
    const sendEnvelope = (token: string, body: unknown = BODY) => send({ "x-tearline-envelope": token }, body);
    return { admit, envelope, send, sendEnvelope, publish, advance: (ms: number) => (now += ms), now: () => now, file };
  }

  return { temporary, fixture };
}

/** Refused with the one 401 every refusal gets, and noted in the subgraph's log under exactly `category`. */
export async function expectRefused(attempt: Promise<unknown>, category: string): Promise<void> {
  const error = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HttpError);
  expect({ ...(error as HttpError), message: (error as HttpError).message }).toEqual({
    status: 401,
    code: "UNAUTHENTICATED",
    message: "This subgraph answers only requests the gateway vouches for",
  });
  // The guard may have refused before the attempt reached here (it refuses without waiting): every note since the last refusal.
  expect(noted.mock.calls.map(([kind]) => kind)).toEqual([category]);
  noted.mockClear();
}
