import { createPrivateKey, type JsonWebKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENVELOPE_HEADER, type EnvelopeSubject, ReplayCache, signEnvelope } from "../../lib/access-envelope.js";
import { generateEnvelopeJwk, publicJwkOf } from "../../lib/envelope-key.js";
import { HttpError } from "../../lib/http-server.js";
import { PublicKeySet } from "../../lib/jwks-keys.js";
import { envelopeGuard, REFUSED_MESSAGE } from "../../subgraphs/shared/envelope-guard.js";
import { temporaryFolders } from "../support/temporary-folders.js";
import { createTestKey, signToken, tokenClaims } from "../support/tokens.js";

const temporary = temporaryFolders();
const gatewayJwk = generateEnvelopeJwk();
const otherJwk = generateEnvelopeJwk();
const privateOf = (jwk: object) => createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });

const SUBJECT: EnvelopeSubject = {
  nation: "DEU",
  sub: "analyst@deu",
  clearance: "SECRET",
  compartments: ["ORCHID"],
  scopes: ["watchlist:read"],
  purpose: "CT",
};
const QUERY = "query ($id: ID!) { threatActor(id: $id) { name } }";
const BODY = { query: QUERY, variables: { id: "TA-0003" } };

interface Envelope {
  subject?: Partial<EnvelopeSubject>;
  audience?: string;
  body?: { query: string; variables?: Record<string, unknown> };
  now?: number;
  jwk?: typeof gatewayJwk;
}

/** A guard for FRA trusting a key file that holds `keys`, and what it takes to send it requests. */
function fixture(keys = [gatewayJwk]) {
  let now = Date.parse("2026-11-25T12:00:00Z");
  const file = join(temporary("tearline-guard-"), "gateway-jwks.json");
  const publish = (list: object[]) => writeFileSync(file, JSON.stringify({ keys: list.map((jwk) => publicJwkOf(jwk)) }));
  publish(keys);
  const admit = envelopeGuard({
    nation: "FRA",
    keys: new PublicKeySet({ file }, { now: () => now }),
    replays: new ReplayCache(),
    now: () => now,
  });
  const envelope = (options: Envelope = {}) => {
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
  };
  const send = (headers: Record<string, string>, body: unknown = BODY) => admit({ headers } as unknown as IncomingMessage, body);
  const sendEnvelope = (token: string, body: unknown = BODY) => send({ [ENVELOPE_HEADER]: token }, body);
  return { admit, envelope, send, sendEnvelope, publish, advance: (ms: number) => (now += ms), now: () => now, file };
}

async function expectRefused(attempt: Promise<unknown>): Promise<void> {
  const error = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HttpError);
  expect(error).toMatchObject({ status: 401, code: "UNAUTHENTICATED", message: REFUSED_MESSAGE });
}

describe("the subgraph's envelope guard", () => {
  it("admits a request the gateway signed for this nation, query and variables, as the subject the envelope names", async () => {
    const { sendEnvelope, envelope } = fixture();
    const caller = await sendEnvelope(envelope());
    expect(caller).toEqual({
      requestId: "req-7",
      subject: {
        nation: "DEU",
        clearance: "SECRET",
        compartments: new Set(["ORCHID"]),
        scopes: new Set(["watchlist:read"]),
        purpose: "CT",
      },
    });
    // No variables and {} are the same request.
    const bare = { query: "{ threatActors(first: 1) { name } }" };
    expect((await sendEnvelope(envelope({ body: bare }), bare)).requestId).toBe("req-7");
    expect((await sendEnvelope(envelope({ body: bare }), { ...bare, variables: null })).requestId).toBe("req-7");
  });

  it("refuses a request without an envelope, with an analyst's token in either header, or with two envelopes", async () => {
    const { send, sendEnvelope, envelope } = fixture();
    const analyst = await createTestKey();
    const token = await signToken(analyst, tokenClaims("FRA"));
    await expectRefused(send({}));
    await expectRefused(send({ authorization: `Bearer ${token}` }));
    await expectRefused(sendEnvelope(token));
    await expectRefused(sendEnvelope(`${envelope()}, ${envelope()}`));
  });

  it("refuses one meant for another nation, an expired one, and one from the future", async () => {
    const { sendEnvelope, envelope, now } = fixture();
    await expectRefused(sendEnvelope(envelope({ audience: "DEU" })));
    await expectRefused(sendEnvelope(envelope({ now: now() - 70_000 })));
    await expectRefused(sendEnvelope(envelope({ now: now() + 30_000 })));
  });

  it("refuses an edited query or edited variables", async () => {
    const { sendEnvelope, envelope } = fixture();
    await expectRefused(sendEnvelope(envelope(), { ...BODY, query: QUERY.replace("name", "name aliases") }));
    await expectRefused(sendEnvelope(envelope(), { ...BODY, variables: { id: "TA-0004" } }));
    await expectRefused(sendEnvelope(envelope(), { query: QUERY }));
  });

  it("accepts an envelope once: a replay is refused", async () => {
    const { sendEnvelope, envelope } = fixture();
    const token = envelope();
    await sendEnvelope(token);
    await expectRefused(sendEnvelope(token));
  });

  it("refuses one signed by another key, even under the trusted key's kid", async () => {
    const { sendEnvelope, envelope } = fixture();
    await expectRefused(sendEnvelope(envelope({ jwk: otherJwk })));
    await expectRefused(sendEnvelope(envelope({ jwk: { ...otherJwk, kid: gatewayJwk.kid } })));
  });

  it("refuses a body that is not one operation with its text: batch, text, none, persisted query alone, odd variables", async () => {
    const { admit, envelope } = fixture();
    for (const body of [
      [BODY],
      JSON.stringify(BODY),
      undefined,
      null,
      { extensions: { persistedQuery: { version: 1, sha256Hash: "abc" } } },
      { query: "" },
      { ...BODY, variables: ["TA-0003"] },
      { ...BODY, variables: "TA-0003" },
    ]) {
      // Straight to the guard: a body of undefined must reach it as such.
      await expectRefused(admit({ headers: { [ENVELOPE_HEADER]: envelope() } } as unknown as IncomingMessage, body));
    }
  });

  it("refuses a well-signed subject the policy cannot read: no guessing at a clearance or a nation", async () => {
    const { sendEnvelope, envelope } = fixture();
    await expectRefused(sendEnvelope(envelope({ subject: { clearance: "COSMIC" } })));
    await expectRefused(sendEnvelope(envelope({ subject: { nation: "Germany" } })));
    await expectRefused(sendEnvelope(envelope({ subject: { purpose: "" } })));
  });

  it("follows a rotation of the gateway key without a restart, and refuses everything while the key file is unreadable", async () => {
    const { sendEnvelope, envelope, publish, advance, file } = fixture();
    const next = generateEnvelopeJwk();
    await expectRefused(sendEnvelope(envelope({ jwk: next })));
    publish([gatewayJwk, next]);
    advance(1000);
    expect((await sendEnvelope(envelope({ jwk: next }))).requestId).toBe("req-7");
    expect((await sendEnvelope(envelope())).requestId).toBe("req-7");
    publish([next]);
    advance(1000);
    await expectRefused(sendEnvelope(envelope()));
    writeFileSync(file, "{ half a file");
    advance(1000);
    await expectRefused(sendEnvelope(envelope({ jwk: next })));
  });
});
