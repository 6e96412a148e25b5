import { writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ENVELOPE_HEADER } from "../../lib/access-envelope.js";
import { publicJwkOf } from "../../lib/envelope-key.js";
import { PublicKeySet } from "../../lib/jwks-keys.js";
import {
  admitWhole,
  gatewayEnvelopeGuard as twoStepGatewayGuard,
  envelopeGuard as twoStepGuard,
} from "../../subgraphs/shared/envelope-guard.js";
import { BODY, envelopeGuardTests, expectRefused, gatewayJwk, sealed } from "../support/envelope-guard-fixture.js";
import { logged } from "../support/recording-logger.js";

// A subgraph's guard as it starts: from its nation's configuration, and in its first second.

vi.mock("../../lib/logger.js", async (importOriginal) => (await import("../support/recording-logger.js")).recordingLogger(importOriginal));

// The body given at once, headers and body in one step, as to the running guard (test/support/running-guard.ts).
const gatewayEnvelopeGuard = async (...args: Parameters<typeof twoStepGatewayGuard>) => admitWhole(await twoStepGatewayGuard(...args));
const { temporary } = envelopeGuardTests();

describe("a nation's subgraph guard from its configuration", () => {
  it("trusts the gateway keys its configuration names, for its own nation, and logs nothing when they read", async () => {
    const file = join(temporary("tearline-guard-"), "gateway-jwks.json");
    writeFileSync(file, JSON.stringify({ keys: [publicJwkOf(gatewayJwk)] }));
    const admit = await gatewayEnvelopeGuard("FRA", { file });
    expect(logged).toEqual([]);
    const send = (token: string) => admit({ headers: { [ENVELOPE_HEADER]: token } } as unknown as IncomingMessage, BODY);
    // Signed a second later: an envelope issued in the second the guard started is refused (tested below).
    expect((await send(sealed({}, Date.now() + 1000))).requestId).toBe("req-7");
    await expectRefused(send(sealed({ audience: "DEU" }, Date.now() + 1000)), "meant for another nation");
  });

  it("says at start when the gateway keys cannot be read, and refuses every request until they can", async () => {
    const file = join(temporary("tearline-guard-"), "absent.json");
    const admit = await gatewayEnvelopeGuard("FRA", { file });
    expect(logged).toEqual([
      {
        component: "FRA",
        level: "error",
        fields: {},
        message: "gateway envelope keys cannot be read: every request is refused until they can",
      },
    ]);
    await expectRefused(
      admit({ headers: { [ENVELOPE_HEADER]: sealed({}, Date.now()) } } as unknown as IncomingMessage, BODY),
      "gateway keys unavailable",
    );
  });
});

describe("a guard that has just started", () => {
  it("refuses envelopes issued before it started, or in the second it started, and admits the next ones", async () => {
    const file = join(temporary("tearline-guard-"), "gateway-jwks.json");
    writeFileSync(file, JSON.stringify({ keys: [publicJwkOf(gatewayJwk)] }));
    const startedAt = Date.parse("2026-12-03T12:00:00.400Z");
    const at = (iso: string) => Date.parse(iso);
    const admit = admitWhole(
      twoStepGuard({ nation: "FRA", keys: new PublicKeySet({ file }), startedAt, now: () => at("2026-12-03T12:00:02Z") }),
    );
    const send = (signedAt: number) => admit({ headers: { [ENVELOPE_HEADER]: sealed({}, signedAt) } } as unknown as IncomingMessage, BODY);
    await expectRefused(send(at("2026-12-03T11:59:59.900Z")), "issued before this process started");
    await expectRefused(send(at("2026-12-03T12:00:00.900Z")), "issued before this process started");
    expect((await send(at("2026-12-03T12:00:01.000Z"))).requestId).toBe("req-7");
  });
});
