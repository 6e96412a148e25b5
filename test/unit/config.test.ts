import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../../gateway/config.js";
import { ConfigError } from "../../lib/config.js";
import { generateEnvelopeJwk, publicJwkOf } from "../../lib/envelope-key.js";
import { loadNationConfig } from "../../subgraphs/shared/config.js";

const keyFolder = mkdtempSync(join(tmpdir(), "tearline-config-keys-"));
afterAll(() => rmSync(keyFolder, { recursive: true, force: true }));
const keyFile = (name: string, content: unknown) => {
  const file = join(keyFolder, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
};
const envelopeJwk = generateEnvelopeJwk();
const ENVELOPE_KEY = { GATEWAY_ENVELOPE_KEY_FILE: keyFile("private.jwk.json", envelopeJwk) };

// Every gateway needs at least one trusted issuer and its envelope key; these tests are about the other settings.
const TRUST = {
  ISSUERS: JSON.stringify([
    { issuer: "https://idp.test", nation: "GBR", jwks: { url: "http://127.0.0.1:1/jwks.json" }, algorithms: ["ES256"] },
  ]),
  ...ENVELOPE_KEY,
};
const gatewayConfig = (env: NodeJS.ProcessEnv) => loadGatewayConfig({ ...TRUST, ...env });

describe("gateway configuration", () => {
  it("has safe defaults: loopback, port 4000, 10 s subgraph timeout, no introspection", () => {
    const config = gatewayConfig({});
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 4000,
      subgraphTimeoutMs: 10_000,
      introspection: false,
      subgraphUrls: {},
      mode: "redact",
      tokenCacheSize: 10_000,
      planCacheSize: 5000,
      metrics: false,
      // No agreements configured: every nation reads only its own data.
      agreements: [],
      agreementsPollMs: 2000,
      agreementsFloorFile: expect.stringMatching(/\.data\/gateway\/agreement-floors\.json$/),
    });
    expect(config.supergraphPath).toMatch(/schema\/supergraph\.graphql$/);
  });

  it("opens a subgraph's breaker after 5 failures for 5 s, and gives requests in flight 20 s at shutdown, unless told", () => {
    expect(gatewayConfig({})).toMatchObject({ breaker: { failures: 5, cooldownMs: 5000 }, shutdownDeadlineMs: 20_000 });
    const config = gatewayConfig({ BREAKER_FAILURES: "2", BREAKER_COOLDOWN_MS: "750", SHUTDOWN_DEADLINE_MS: "0" });
    expect(config).toMatchObject({ breaker: { failures: 2, cooldownMs: 750 }, shutdownDeadlineMs: 0 });
  });

  it("bounds cost, answers and operations in flight by default, each setting its own", () => {
    expect(gatewayConfig({})).toMatchObject({
      maxDepth: 12,
      maxAliases: 50,
      maxDirectives: 50,
      maxCost: 20_000,
      maxResponseBytes: 4 * 1024 * 1024,
      subgraphMaxResponseBytes: 4 * 1024 * 1024,
      maxInFlight: 256,
      maxInFlightPerSubject: 16,
      maxCostInFlightPerSubject: 20_000,
    });
    // A caller's cost in flight follows the cost cap unless it is set.
    expect(gatewayConfig({ MAX_COST: "50000" }).maxCostInFlightPerSubject).toBe(50_000);
    expect(gatewayConfig({ MAX_COST: "50000", MAX_COST_IN_FLIGHT_PER_SUBJECT: "9" }).maxCostInFlightPerSubject).toBe(9);
  });

  it("reads subgraph URL overrides by name", () => {
    const config = gatewayConfig({ SUBGRAPH_URL_GBR: "http://127.0.0.1:5001/graphql", PORT: "0" });
    expect(config.subgraphUrls).toEqual({ GBR: "http://127.0.0.1:5001/graphql" });
    expect(config.port).toBe(0);
  });

  it.each([
    [{ PORT: "70000" }, "PORT"],
    [{ PORT: "http" }, "PORT"],
    [{ SUBGRAPH_TIMEOUT_MS: "0" }, "SUBGRAPH_TIMEOUT_MS"],
    [{ SUBGRAPH_TIMEOUT_MS: "soon" }, "SUBGRAPH_TIMEOUT_MS"],
    [{ INTROSPECTION: "yes" }, "INTROSPECTION"],
    [{ BREAKER_FAILURES: "0" }, "BREAKER_FAILURES"],
    [{ BREAKER_COOLDOWN_MS: "10" }, "BREAKER_COOLDOWN_MS"],
    [{ SHUTDOWN_DEADLINE_MS: "forever" }, "SHUTDOWN_DEADLINE_MS"],
    [{ MAX_COST: "0" }, "MAX_COST"],
    [{ MAX_DIRECTIVES: "-1" }, "MAX_DIRECTIVES"],
    [{ MAX_RESPONSE_BYTES: "100" }, "MAX_RESPONSE_BYTES"],
    [{ SUBGRAPH_MAX_RESPONSE_BYTES: "lots" }, "SUBGRAPH_MAX_RESPONSE_BYTES"],
    [{ MAX_IN_FLIGHT: "0" }, "MAX_IN_FLIGHT"],
    [{ MAX_IN_FLIGHT_PER_SUBJECT: "0" }, "MAX_IN_FLIGHT_PER_SUBJECT"],
    [{ MAX_COST_IN_FLIGHT_PER_SUBJECT: "0" }, "MAX_COST_IN_FLIGHT_PER_SUBJECT"],
    [{ TOKEN_CACHE_SIZE: "0" }, "TOKEN_CACHE_SIZE"],
    [{ METRICS: "on" }, "METRICS"],
    [{ AGREEMENTS_POLL_MS: "10" }, "AGREEMENTS_POLL_MS"],
    [{ AGREEMENTS: "[{" }, "AGREEMENTS is not valid JSON"],
    [{ AGREEMENTS: '[{"nation":"France","url":"http://127.0.0.1:1/agreements","keys":{"file":"k.json"}}]' }, "nation"],
    [{ AGREEMENTS: '[{"nation":"FRA","url":"ftp://x/agreements","keys":{"file":"k.json"}}]' }, "url"],
    [{ AGREEMENTS: '[{"nation":"FRA","url":"http://127.0.0.1:1/agreements","keys":{}}]' }, "keys"],
    [
      {
        AGREEMENTS:
          '[{"nation":"FRA","url":"http://127.0.0.1:1/a","keys":{"file":"k.json"}},{"nation":"FRA","url":"http://127.0.0.1:2/a","keys":{"file":"k.json"}}]',
      },
      'duplicate nation "FRA"',
    ],
    [{ SUBGRAPH_URL_GBR: "ftp://example" }, "GBR"],
    [{ SUBGRAPH_URL_GBR: "not a url" }, "GBR"],
  ])("refuses %o and names %s", (env, name) => {
    expect(() => gatewayConfig(env)).toThrow(ConfigError);
    expect(() => gatewayConfig(env)).toThrow(name);
  });

  it("refuses an issuer whose keys are a nation's agreement keys: one kind of key never signs the other", () => {
    const keys = { file: "/keys/agreements/GBR/jwks.json" };
    const env = {
      ...ENVELOPE_KEY,
      ISSUERS: JSON.stringify([{ issuer: "https://idp.test", nation: "GBR", jwks: keys, algorithms: ["EdDSA"] }]),
      AGREEMENTS: JSON.stringify([{ nation: "GBR", url: "http://127.0.0.1:1/agreements", keys }]),
    };
    expect(() => loadGatewayConfig(env)).toThrow(/keep token and agreement keys apart/);
    const apart = {
      ...env,
      AGREEMENTS: JSON.stringify([{ nation: "GBR", url: "http://127.0.0.1:1/agreements", keys: { file: "/other.json" } }]),
    };
    expect(loadGatewayConfig(apart).agreements).toHaveLength(1);
  });

  it("signs subgraph envelopes unless SUBGRAPH_ENVELOPES=off, and refuses any other value", () => {
    expect(gatewayConfig({}).signEnvelopes).toBe(true);
    expect(gatewayConfig({ SUBGRAPH_ENVELOPES: "sign" }).signEnvelopes).toBe(true);
    expect(gatewayConfig({ SUBGRAPH_ENVELOPES: "off" }).signEnvelopes).toBe(false);
    expect(() => gatewayConfig({ SUBGRAPH_ENVELOPES: "false" })).toThrow(/SUBGRAPH_ENVELOPES: must be sign or off/);
  });

  it("names every bad setting at once", () => {
    expect(() => gatewayConfig({ PORT: "-1", SUBGRAPH_TIMEOUT_MS: "x" })).toThrow(/PORT[\s\S]*SUBGRAPH_TIMEOUT_MS/);
  });

  it("refuses to start without a trusted issuer: fail closed", () => {
    expect(() => loadGatewayConfig(ENVELOPE_KEY)).toThrow(/no trusted issuers/);
  });

  it("reads the envelope key at start-up, and refuses to start without a usable one: fail closed", () => {
    expect(gatewayConfig({}).envelopeKey.kid).toBe(envelopeJwk.kid);
    const { GATEWAY_ENVELOPE_KEY_FILE: _none, ...withoutKey } = TRUST;
    expect(() => loadGatewayConfig(withoutKey)).toThrow(/GATEWAY_ENVELOPE_KEY_FILE is required/);
    for (const [name, content, problem] of [
      ["missing.json", undefined, "cannot read"],
      ["text.json", "not json", "is not JSON"],
      ["public.json", publicJwkOf(envelopeJwk), "Ed25519 private JWK"],
      ["nokid.json", { ...envelopeJwk, kid: undefined }, "has no kid"],
      ["mismatch.json", { ...envelopeJwk, x: generateEnvelopeJwk().x }, "not its key's"],
    ] as const) {
      const file = content === undefined ? join(keyFolder, name) : keyFile(name, content);
      expect(() => gatewayConfig({ GATEWAY_ENVELOPE_KEY_FILE: file })).toThrow(ConfigError);
      expect(() => gatewayConfig({ GATEWAY_ENVELOPE_KEY_FILE: file })).toThrow(problem);
    }
  });

  it.each([
    [{ ENFORCEMENT_MODE: "lenient" }, "ENFORCEMENT_MODE"],
    [{ MAX_DEPTH: "0" }, "MAX_DEPTH"],
    [{ COALITIONS_FILE: "/nonexistent/coalitions.json" }, "COALITIONS_FILE"],
  ])("refuses policy setting %o", (env, name) => {
    expect(() => gatewayConfig(env)).toThrow(name);
  });
});

describe("nation configuration", () => {
  const KEYS = { GATEWAY_KEYS: '{"file":"/keys/gateway/jwks.json"}', AGREEMENT_KEYS: '{"url":"https://keys.example/deu.json"}' };

  it("uses PGlite under .data/<NATION> on the nation's default port", () => {
    const config = loadNationConfig("DEU", KEYS);
    expect(config.port).toBe(4003);
    expect(config.database).toEqual({ dataDir: expect.stringMatching(/\.data\/DEU$/) });
  });

  it("switches to a real PostgreSQL when DATABASE_URL is set", () => {
    const config = loadNationConfig("GBR", { ...KEYS, DATABASE_URL: "postgresql://u@127.0.0.1:5432/gbr" });
    expect(config.database).toEqual({ databaseUrl: "postgresql://u@127.0.0.1:5432/gbr" });
  });

  it("refuses a DATABASE_URL that is not PostgreSQL", () => {
    expect(() => loadNationConfig("GBR", { ...KEYS, DATABASE_URL: "mysql://u@h/db" })).toThrow(/DATABASE_URL/);
  });

  it("trusts the gateway key set and the agreement key set it is given, and refuses to start without them", () => {
    expect(loadNationConfig("DEU", KEYS)).toMatchObject({
      gatewayKeys: { file: "/keys/gateway/jwks.json" },
      agreementKeys: { url: "https://keys.example/deu.json" },
    });
    expect(() => loadNationConfig("DEU", {})).toThrow(/GATEWAY_KEYS is required[\s\S]*AGREEMENT_KEYS is required/);
    expect(() => loadNationConfig("DEU", { ...KEYS, GATEWAY_KEYS: '{"url":"ftp://x"}' })).toThrow(/GATEWAY_KEYS/);
    expect(() => loadNationConfig("DEU", { ...KEYS, GATEWAY_KEYS: "{" })).toThrow(/GATEWAY_KEYS/);
  });
});
