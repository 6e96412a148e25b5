import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Authenticate, createAuthenticator } from "../../gateway/auth/authenticate.js";
import { DEV_AUDIENCE, devIssuerId } from "../../scripts/idp/issuer-id.js";
import { loadOrCreateNationKey } from "../../scripts/idp/keys.js";
import { type DevIdp, startDevIdp } from "../../scripts/idp/server.js";
import { signDevToken } from "../../scripts/idp/sign.js";
import { parseTtl } from "../../scripts/idp/token-args.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

let keysDir: string;
let idp: DevIdp;
let authenticate: Authenticate;

/** Runs a TypeScript entry point as its own process, as `npm run` would. */
function run(entry: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exit };
}

beforeAll(async () => {
  keysDir = await mkdtemp(join(tmpdir(), "tearline-idp-"));
  idp = await startDevIdp({ host: "127.0.0.1", port: 0, keysDir, nations: ["GBR", "FRA"] });
  authenticate = createAuthenticator({ issuers: idp.issuers(), audience: DEV_AUDIENCE });
});
afterAll(async () => {
  await idp?.close();
  await rm(keysDir, { recursive: true, force: true });
});

describe("development keys", () => {
  it("are created once, kept private, and reused", async () => {
    const first = await loadOrCreateNationKey(keysDir, "DEU");
    const second = await loadOrCreateNationKey(keysDir, "DEU");
    expect(first.publicJwk).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: expect.any(String) });
    expect(first.publicJwk).not.toHaveProperty("d");
    expect(second.publicJwk.kid).toBe(first.publicJwk.kid);
    expect((await stat(join(keysDir, "DEU", "private.jwk.json"))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(keysDir, "DEU", "public.jwk.json"), "utf8"))).toEqual(first.publicJwk);
  });

  it("are created only once when asked for concurrently", async () => {
    const keys = await Promise.all(Array.from({ length: 4 }, () => loadOrCreateNationKey(keysDir, "EST")));
    expect(new Set(keys.map((key) => key.publicJwk.kid)).size).toBe(1);
  });

  it("differ between nations", async () => {
    const [gbr, fra] = await Promise.all([loadOrCreateNationKey(keysDir, "GBR"), loadOrCreateNationKey(keysDir, "FRA")]);
    expect(gbr.publicJwk.kid).not.toBe(fra.publicJwk.kid);
  });
});

describe("the dev IdP", () => {
  it("serves each nation's public key set and nothing else", async () => {
    const { publicJwk } = await loadOrCreateNationKey(keysDir, "GBR");
    const response = await fetch(`${idp.url}/GBR/jwks.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ keys: [publicJwk] });
    expect((await fetch(`${idp.url}/USA/jwks.json`)).status).toBe(404);
    expect((await fetch(`${idp.url}/health`)).status).toBe(200);
  });

  it("issues tokens its issuers() configuration verifies", async () => {
    const token = await signDevToken({
      keysDir,
      nation: "FRA",
      clearance: "CONFIDENTIAL",
      purposes: ["CT"],
      compartments: ["ORCHID"],
      scope: "reports:read",
      ttlSeconds: 300,
    });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "ES256", kid: (await loadOrCreateNationKey(keysDir, "FRA")).publicJwk.kid });
    const principal = await authenticate({ authorization: `Bearer ${token}`, "x-purpose": "CT" });
    expect(principal).toMatchObject({ nation: "FRA", issuer: devIssuerId("FRA"), sub: "analyst@fra", clearance: "CONFIDENTIAL" });
    expect(principal.expiresAt - decodeJwt(token).iat!).toBe(300);
  });

  it("runs as its own process and announces one ready line", async () => {
    const { child, exit } = run("scripts/idp/main.ts", [], { PORT: "0", KEYS_DIR: keysDir });
    const lines = createInterface({ input: child.stdout });
    const ready = JSON.parse((await lines[Symbol.asyncIterator]().next()).value as string) as { url: string };
    expect(ready).toMatchObject({ event: "ready", service: "idp", url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    const served = (await (await fetch(`${ready.url}/GBR/jwks.json`)).json()) as { keys: unknown[] };
    expect(served.keys).toEqual([(await loadOrCreateNationKey(keysDir, "GBR")).publicJwk]);
    child.kill("SIGTERM");
    expect((await exit).code).toBe(0);
  });
});

describe("npm run token", () => {
  const token = (...args: string[]) => run("scripts/token.ts", args, { KEYS_DIR: keysDir }).exit;

  it("prints only a token that the gateway accepts", async () => {
    const result = await token(
      "--nation",
      "GBR",
      "--clearance",
      "SECRET",
      "--purposes",
      "CT,CYBER",
      "--compartments",
      "ORCHID",
      "--scope",
      "reports:read actors:read",
      "--ttl",
      "15m",
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const principal = await authenticate({ authorization: `Bearer ${result.stdout.trim()}`, "x-purpose": "CYBER" });
    expect(principal).toMatchObject({
      nation: "GBR",
      clearance: "SECRET",
      compartments: new Set(["ORCHID"]),
      scopes: new Set(["reports:read", "actors:read"]),
    });
    expect(principal.expiresAt - decodeJwt(result.stdout).iat!).toBe(900);
  });

  it.each([
    [["--nation", "GBR", "--clearance", "SECRET", "--purposes", "CT", "--ttl", "2h"], /longer than 1h/],
    [["--nation", "USA", "--clearance", "SECRET", "--purposes", "CT"], /--nation must be one of GBR, FRA, DEU, EST/],
    [["--nation", "GBR", "--clearance", "COSMIC", "--purposes", "CT"], /--clearance must be one of/],
    [["--nation", "GBR", "--clearance", "SECRET"], /--purposes/],
    [["--nation", "GBR", "--clearance", "SECRET", "--purposes", "CT", "--audience", "x"], /Unknown option/],
  ])("refuses %o with exit code 2 and prints no token", async (args, message) => {
    const result = await token(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ["90s", 90],
    ["15m", 900],
    ["1h", 3600],
    ["60m", 3600],
  ])("reads --ttl %s as %i seconds", (ttl, seconds) => {
    expect(parseTtl(ttl)).toBe(seconds);
  });

  it.each(["61m", "3601s", "0s", "15", "1d", "-5m"])("refuses --ttl %s", (ttl) => {
    expect(() => parseTtl(ttl)).toThrow(/--ttl/);
  });
});
