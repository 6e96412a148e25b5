import { describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/config.js";
import { loadGatewayConfig } from "../../gateway/config.js";
import { loadNationConfig } from "../../subgraphs/shared/config.js";

describe("gateway configuration", () => {
  it("has safe defaults: loopback, port 4000, 10 s subgraph timeout, no introspection", () => {
    const config = loadGatewayConfig({});
    expect(config).toMatchObject({ host: "127.0.0.1", port: 4000, subgraphTimeoutMs: 10_000, introspection: false, subgraphUrls: {} });
    expect(config.supergraphPath).toMatch(/schema\/supergraph\.graphql$/);
  });

  it("reads subgraph URL overrides by name", () => {
    const config = loadGatewayConfig({ SUBGRAPH_URL_GBR: "http://127.0.0.1:5001/graphql", PORT: "0" });
    expect(config.subgraphUrls).toEqual({ GBR: "http://127.0.0.1:5001/graphql" });
    expect(config.port).toBe(0);
  });

  it.each([
    [{ PORT: "70000" }, "PORT"],
    [{ PORT: "http" }, "PORT"],
    [{ SUBGRAPH_TIMEOUT_MS: "0" }, "SUBGRAPH_TIMEOUT_MS"],
    [{ SUBGRAPH_TIMEOUT_MS: "soon" }, "SUBGRAPH_TIMEOUT_MS"],
    [{ INTROSPECTION: "yes" }, "INTROSPECTION"],
    [{ SUBGRAPH_URL_GBR: "ftp://example" }, "GBR"],
    [{ SUBGRAPH_URL_GBR: "not a url" }, "GBR"],
  ])("refuses %o and names %s", (env, name) => {
    expect(() => loadGatewayConfig(env)).toThrow(ConfigError);
    expect(() => loadGatewayConfig(env)).toThrow(name);
  });

  it("names every bad setting at once", () => {
    expect(() => loadGatewayConfig({ PORT: "-1", SUBGRAPH_TIMEOUT_MS: "x" })).toThrow(/PORT[\s\S]*SUBGRAPH_TIMEOUT_MS/);
  });
});

describe("nation configuration", () => {
  it("uses PGlite under .data/<NATION> on the nation's default port", () => {
    const config = loadNationConfig("DEU", {});
    expect(config.port).toBe(4003);
    expect(config.database).toEqual({ dataDir: expect.stringMatching(/\.data\/DEU$/) });
  });

  it("switches to a real PostgreSQL when DATABASE_URL is set", () => {
    const config = loadNationConfig("GBR", { DATABASE_URL: "postgresql://u@127.0.0.1:5432/gbr" });
    expect(config.database).toEqual({ databaseUrl: "postgresql://u@127.0.0.1:5432/gbr" });
  });

  it("refuses a DATABASE_URL that is not PostgreSQL", () => {
    expect(() => loadNationConfig("GBR", { DATABASE_URL: "mysql://u@h/db" })).toThrow(/DATABASE_URL/);
  });
});
