import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../../gateway/config.js";
import { ConfigError } from "../../lib/config.js";
import { generateEnvelopeJwk } from "../../lib/envelope-key.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const temporary = temporaryFolders();
const keys = { file: "/keys/agreements/GBR/jwks.json" };
const list = (nation: string, source = keys) => ({ nation, url: `http://127.0.0.1:1/revocations`, keys: source });

/** A gateway's environment with one issuer (keys `jwks`) and its envelope key; `env` adds the rest. */
function gatewayConfig(env: NodeJS.ProcessEnv, jwks: object = { url: "http://127.0.0.1:1/jwks.json" }) {
  const keyFile = join(temporary("tearline-revocation-config-"), "private.jwk.json");
  writeFileSync(keyFile, JSON.stringify(generateEnvelopeJwk()));
  const issuer = { issuer: "https://idp.test", nation: "GBR", jwks, algorithms: ["ES256"] };
  return loadGatewayConfig({ ISSUERS: JSON.stringify([issuer]), GATEWAY_ENVELOPE_KEY_FILE: keyFile, ...env });
}

describe("revocation lists in the gateway's configuration", () => {
  it("reads REVOCATIONS as AGREEMENTS are read, polled every 2 s unless REVOCATIONS_POLL_MS says otherwise", () => {
    const config = gatewayConfig({ REVOCATIONS: JSON.stringify([list("GBR")]) });
    expect(config.revocations).toEqual([list("GBR")]);
    expect(config.revocationsPollMs).toBe(2000);
    expect(config.revocationsFloorFile).toMatch(/revocation-floor\.json$/);
    expect(gatewayConfig({}).revocations).toEqual([]);
  });

  it.each([
    [{ REVOCATIONS: JSON.stringify([list("GBR"), list("GBR")]) }, /duplicate nation "GBR"/],
    [{ REVOCATIONS: JSON.stringify([{ ...list("GBR"), url: "ftp://x" }]) }, /url/],
    [{ REVOCATIONS: "[", REVOCATIONS_FILE: "/x.json" }, /Set REVOCATIONS_FILE or REVOCATIONS, not both/],
    [{ REVOCATIONS_POLL_MS: "10" }, /REVOCATIONS_POLL_MS/],
  ])("refuses %o", (env, message) => {
    expect(() => gatewayConfig(env)).toThrow(ConfigError);
    expect(() => gatewayConfig(env)).toThrow(message);
  });

  it("refuses an issuer whose token keys are the keys that sign a nation's revocation list", () => {
    expect(() => gatewayConfig({ REVOCATIONS: JSON.stringify([list("GBR")]) }, keys)).toThrow(/keep token and agreement keys apart/);
  });
});
