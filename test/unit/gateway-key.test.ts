import { existsSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envelopeSigningKeyOf } from "../../lib/envelope-key.js";
import {
  activateNextKey,
  addNextKey,
  gatewayJwksPath,
  gatewayNextKeyPath,
  gatewayPrivateKeyPath,
  loadOrCreateGatewayKey,
  retireOtherKeys,
} from "../../scripts/gateway-key/keys.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const temporary = temporaryFolders();
const published = (keysDir: string) =>
  (JSON.parse(readFileSync(gatewayJwksPath(keysDir), "utf8")) as { keys: Array<{ kid: string; d?: string }> }).keys;
const signingKid = (keysDir: string) => envelopeSigningKeyOf(readFileSync(gatewayPrivateKeyPath(keysDir), "utf8")).kid;

describe("the gateway's envelope key files", () => {
  it("creates the key once, private (0600), with its public half alone in the JWKS beside it", async () => {
    const keysDir = temporary("tearline-gwkey-");
    const key = await loadOrCreateGatewayKey(keysDir);
    expect(statSync(gatewayPrivateKeyPath(keysDir)).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateGatewayKey(keysDir)).kid).toBe(key.kid);
    expect(published(keysDir).map((jwk) => jwk.kid)).toEqual([key.kid]);
    expect(published(keysDir).every((jwk) => jwk.d === undefined)).toBe(true);
  });

  it("rotates in an order that never has the gateway sign with a key the JWKS does not name", async () => {
    const keysDir = temporary("tearline-gwkey-");
    const old = await loadOrCreateGatewayKey(keysDir);
    await expect(activateNextKey(keysDir)).rejects.toThrow(/no next key/);

    const next = await addNextKey(keysDir);
    // Step 1: trusted beside the old key, not yet signing; the same next key if the step is run again.
    expect(published(keysDir).map((jwk) => jwk.kid)).toEqual([old.kid, next.kid]);
    expect(signingKid(keysDir)).toBe(old.kid);
    expect((await addNextKey(keysDir)).kid).toBe(next.kid);
    await expect(retireOtherKeys(keysDir)).rejects.toThrow(/activate it first/);

    // Step 2: the gateway's key file now holds the next key; both stay trusted while old envelopes expire.
    await activateNextKey(keysDir);
    expect(signingKid(keysDir)).toBe(next.kid);
    expect(statSync(gatewayPrivateKeyPath(keysDir)).mode & 0o777).toBe(0o600);
    expect(existsSync(gatewayNextKeyPath(keysDir))).toBe(false);
    expect(published(keysDir).map((jwk) => jwk.kid)).toEqual([old.kid, next.kid]);

    // Step 3: the old key is withdrawn.
    await retireOtherKeys(keysDir);
    expect(published(keysDir).map((jwk) => jwk.kid)).toEqual([next.kid]);
  });
});
