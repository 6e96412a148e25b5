import { describe, expect, it } from "vitest";
import { ENVELOPE_TTL_SECONDS, ReplayCache } from "../../lib/access-envelope.js";
import { accepted, envelope, goodClaims, HEADER, NOW, refused, signed, T } from "../support/access-envelope-fixture.js";

describe("the envelope's time, to the boundary", () => {
  // Signed at NOW: iat = T, exp = T + 60. The default tolerance for clocks apart is 5 s.
  it.each<[string, number, boolean]>([
    ["when signed", NOW, true],
    ["a millisecond before exp + tolerance", (T + 65) * 1000 - 1, true],
    ["at exp + tolerance", (T + 65) * 1000, false],
    ["a minute after", (T + 120) * 1000, false],
    ["at iat - tolerance (the gateway's clock ahead)", (T - 5) * 1000, true],
    ["a millisecond before iat - tolerance", (T - 5) * 1000 - 1, false],
  ])("with the default tolerance, checked %s: accepted %s", (_, now, ok) => {
    const token = envelope();
    if (ok) expect(accepted(token, { now }).iat).toBe(T);
    else refused(token, "expired or not yet valid", { now });
  });

  it.each<[string, number, boolean]>([
    ["a millisecond before exp", (T + 60) * 1000 - 1, true],
    ["at exp", (T + 60) * 1000, false],
    ["at iat", T * 1000, true],
    ["a millisecond before iat", T * 1000 - 1, false],
  ])("with no tolerance, checked %s: accepted %s", (_, now, ok) => {
    const token = envelope();
    if (ok) expect(accepted(token, { now, clockToleranceSeconds: 0 }).iat).toBe(T);
    else refused(token, "expired or not yet valid", { now, clockToleranceSeconds: 0 });
  });

  it("refuses a well-signed envelope that claims a longer life than the gateway ever gives, even while current", () => {
    expect(accepted(signed(HEADER, { ...goodClaims(), exp: T + ENVELOPE_TTL_SECONDS })).exp).toBe(T + 60);
    refused(signed(HEADER, { ...goodClaims(), exp: T + ENVELOPE_TTL_SECONDS + 1 }), "expired or not yet valid");
    refused(signed(HEADER, { ...goodClaims(), iat: T - 3600, exp: T + 30 }), "expired or not yet valid");
  });

  it("remembers an envelope's id for as long as the tolerance lets it be presented: a late replay is refused even when the cache is full", () => {
    const replays = new ReplayCache(1);
    const token = envelope();
    expect(accepted(token, { replays }).exp).toBe(T + 60);
    // Past exp, within the tolerance: still a valid envelope, so the full cache must not have forgotten it.
    refused(token, "replayed", { replays, now: (T + 64) * 1000 });
    // And the full cache refuses a new one rather than forget a live id.
    refused(envelope({ now: (T + 64) * 1000 }), "replayed", { replays, now: (T + 64) * 1000 });
    // Once it could no longer be accepted it is forgotten, and the cache has room again.
    refused(token, "expired or not yet valid", { replays, now: (T + 65) * 1000 });
    expect(accepted(envelope({ now: (T + 65) * 1000 }), { replays, now: (T + 65) * 1000 }).iat).toBe(T + 65);
  });
});
