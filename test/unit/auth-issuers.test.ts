import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadIssuers, parseIssuers } from "../../gateway/auth/issuers.js";
import { ConfigError } from "../../lib/config.js";

const gbr = { issuer: "https://idp.gbr.example", nation: "GBR", jwks: { url: "https://idp.gbr.example/jwks.json" }, algorithms: ["ES256"] };
const fra = {
  issuer: "https://idp.fra.example",
  nation: "FRA",
  jwks: { file: "/etc/tearline/fra.jwks.json" },
  algorithms: ["EdDSA", "RS256"],
};

describe("trusted issuers", () => {
  it("accepts issuers with keys by URL or by file", () => {
    expect(parseIssuers([gbr, fra])).toEqual([gbr, fra]);
  });

  it("reads the typ values an issuer's access tokens carry, compared without case or application/", () => {
    expect(parseIssuers([{ ...gbr, tokenTypes: ["at+jwt", "application/JWT", "jwt"] }])[0]?.tokenTypes).toEqual(["at+jwt", "jwt"]);
  });

  it.each([
    ["an empty list", [], /at least one trusted issuer/],
    ["a nation that is not alpha-3", [{ ...gbr, nation: "GB" }], /0\.nation: must be an ISO 3166 alpha-3/],
    ["a lower-case nation", [{ ...gbr, nation: "gbr" }], /0\.nation/],
    ["an empty issuer", [{ ...gbr, issuer: "" }], /0\.issuer/],
    [
      "a JWKS URL that is not http(s)",
      [{ ...gbr, jwks: { url: "ftp://idp.gbr.example/jwks.json" } }],
      /0\.jwks\.url: must be an http:\/\/ or https:\/\/ URL/,
    ],
    ["a JWKS with both url and file", [{ ...gbr, jwks: { url: gbr.jwks.url, file: "/x.json" } }], /0\.jwks: must be \{ "url"/],
    ["a JWKS with neither", [{ ...gbr, jwks: {} }], /0\.jwks: must be \{ "url"/],
    ["no algorithms", [{ ...gbr, algorithms: [] }], /0\.algorithms: must name at least one/],
    ["HS256", [{ ...gbr, algorithms: ["HS256"] }], /0\.algorithms\.0/],
    ["alg none", [{ ...gbr, algorithms: ["none"] }], /0\.algorithms\.0/],
    ["an unknown setting", [{ ...gbr, trustEverything: true }], /0: .*trustEverything/],
    ["no token types", [{ ...gbr, tokenTypes: [] }], /0\.tokenTypes: must name at least one typ/],
    ["a token type that is not a media type", [{ ...gbr, tokenTypes: ["at jwt"] }], /0\.tokenTypes\.0: must be a media type/],
    ["a duplicate issuer", [gbr, fra, { ...fra, nation: "DEU" }], /2\.issuer: duplicate issuer "https:\/\/idp\.fra\.example"/],
    ["something that is not a list", { issuers: [gbr] }, /\(root\)/],
  ])("refuses %s with a ConfigError that says where", (_name, input, message) => {
    expect(() => parseIssuers(input)).toThrow(ConfigError);
    expect(() => parseIssuers(input)).toThrow(message);
  });
});

describe("loading trusted issuers", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tearline-issuers-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("fails closed when none are configured", () => {
    expect(() => loadIssuers({})).toThrow(ConfigError);
    expect(() => loadIssuers({ ISSUERS: " " })).toThrow(/no trusted issuers configured/);
  });

  it("reads inline ISSUERS", () => {
    expect(loadIssuers({ ISSUERS: JSON.stringify([gbr]) })).toEqual([gbr]);
  });

  it("reads ISSUERS_FILE, finding relative key files next to it", async () => {
    const file = join(dir, "issuers.json");
    await writeFile(file, JSON.stringify([gbr, { ...fra, jwks: { file: "keys/fra.json" } }]));
    expect(loadIssuers({ ISSUERS_FILE: file })).toEqual([gbr, { ...fra, jwks: { file: join(dir, "keys/fra.json") } }]);
  });

  it.each([
    ["both settings", () => ({ ISSUERS: "[]", ISSUERS_FILE: "/x.json" }), /not both/],
    ["inline JSON that does not parse", () => ({ ISSUERS: "[{" }), /ISSUERS is not valid JSON/],
    ["a file that does not exist", () => ({ ISSUERS_FILE: join(dir, "missing.json") }), /cannot be read/],
    ["inline issuers that are invalid", () => ({ ISSUERS: JSON.stringify([{ ...gbr, nation: "XX" }]) }), /0\.nation/],
  ])("refuses %s", (_name, env, message) => {
    expect(() => loadIssuers(env())).toThrow(ConfigError);
    expect(() => loadIssuers(env())).toThrow(message);
  });
});
