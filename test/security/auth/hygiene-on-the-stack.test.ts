import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { promisify } from "node:util";
import { type JWTHeaderParameters, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_AUDIENCE, devIssuerId } from "../../../scripts/idp/issuer-id.js";
import { loadOrCreateNationKey } from "../../../scripts/idp/keys.js";
import { revocationListPath } from "../../../scripts/revoke/list-file.js";
import { ROOT } from "../../support/agreement-command.js";
import { post } from "../../support/graphql-client.js";
import { startTestStack, type TestStack } from "../../support/test-stack.js";

// Token hygiene through the running gateway, with tokens signed by the stack's own identity provider keys: the kind
// of JWT, its spelling, the headers that carry it, and a nation's revocation list read while the stack runs.

const QUERY = "{ threatActors(first: 1) { name } }";
const POLL_MS = 2000; // the gateway's default REVOCATIONS_POLL_MS, which the stack keeps
const run = promisify(execFile);

describe("token hygiene on the running stack", () => {
  let stack: TestStack;

  /** A token from `nation`'s IdP key, as the dev IdP signs it unless `header` or `claims` say otherwise. */
  const devToken = async (nation: string, header: Partial<JWTHeaderParameters> = {}, claims: Record<string, unknown> = {}) => {
    const { privateKey, publicJwk } = await loadOrCreateNationKey(stack.keysDir, nation);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ clearance: "SECRET", purposes: ["CT"], compartments: [], scope: "", ...claims })
      .setProtectedHeader({ alg: "ES256", kid: publicJwk.kid, typ: "at+jwt", ...header })
      .setIssuer(devIssuerId(nation))
      .setAudience(DEV_AUDIENCE)
      .setSubject(`analyst@${nation.toLowerCase()}`)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setJti((claims.jti as string | undefined) ?? randomUUID())
      .sign(privateKey);
  };
  const ask = async (token: string) =>
    (await post(stack.gateway.url, QUERY, {}, { authorization: `Bearer ${token}`, "x-purpose": "CT" })).status;

  /** POSTs with headers as Node sends them: a list is sent as that many header lines, never joined. */
  const askRaw = (headers: Record<string, string | string[]>) =>
    new Promise<{ status: number; body: { errors?: Array<{ extensions?: { code?: string } }> } }>((resolve, reject) => {
      const body = JSON.stringify({ query: QUERY });
      const sent = request(stack.gateway.url, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      sent.on("error", reject);
      sent.end(body);
    });

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("accepts the IdP's at+jwt token, and refuses any other kind of JWT from the same key with 401", async () => {
    expect(await ask(await devToken("GBR"))).toBe(200);
    for (const typ of ["JWT", "logout+jwt", "id_token+jwt", "dpop+jwt", undefined])
      expect(await ask(await devToken("GBR", { typ }))).toBe(401);
    expect(await ask(await devToken("GBR", {}, { nonce: "n-0S6_WzA2Mj" }))).toBe(401);
  });

  it("refuses a token respelt with padding or changed within its last character's unused bits", async () => {
    const token = await devToken("GBR");
    const signature = token.slice(token.lastIndexOf(".") + 1);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // An ES256 signature is 64 bytes: 86 characters, the last with 4 unused bits.
    const respelt = token.slice(0, -1) + alphabet[alphabet.indexOf(signature.at(-1)!) ^ 0b1];
    expect(await ask(`${token}==`)).toBe(401);
    expect(await ask(respelt)).toBe(401);
    expect(await ask(token)).toBe(200);
  });

  it("refuses two Authorization headers, or two X-Purpose headers, with 400", async () => {
    const [token, other] = [`Bearer ${await devToken("GBR")}`, `Bearer ${await devToken("FRA")}`];
    const refusals = await Promise.all([
      askRaw({ authorization: [token, other], "x-purpose": "CT" }),
      askRaw({ authorization: [token, token], "x-purpose": "CT" }),
      askRaw({ authorization: token, "x-purpose": ["CT", "CT"] }),
    ]);
    for (const refusal of refusals) {
      expect(refusal.status).toBe(400);
      expect(refusal.body.errors?.[0]?.extensions?.code).toBe("DUPLICATE_HEADER");
    }
    expect((await askRaw({ authorization: token, "x-purpose": "CT" })).status).toBe(200);
  });

  it("refuses a revoked token within the poll interval of `npm run revoke`, and only that nation's token with that jti", async () => {
    const jti = randomUUID();
    const [revoked, sameAnalyst, otherNation] = await Promise.all([
      devToken("GBR", {}, { jti }),
      devToken("GBR"),
      devToken("FRA", {}, { jti }),
    ]);
    expect([await ask(revoked), await ask(sameAnalyst), await ask(otherNation)]).toEqual([200, 200, 200]);

    const args = ["--import", "tsx", "scripts/revoke/main.ts", "--data-root", stack.dataRoot, "--keys-dir", stack.keysDir];
    await run(process.execPath, [...args, "--nation", "GBR", "--jti", jti], { cwd: ROOT });
    const revokedAt = performance.now();
    while ((await ask(revoked)) !== 401) {
      expect(performance.now() - revokedAt).toBeLessThan(POLL_MS + 2000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(`revoked token refused ${Math.round(performance.now() - revokedAt)} ms after the command ended (poll every ${POLL_MS} ms)`);
    expect([await ask(sameAnalyst), await ask(otherNation)]).toEqual([200, 200]);

    // A list that can no longer be verified (edited, truncated, unsigned) leaves the last verified one in force.
    const file = revocationListPath(stack.dataRoot, "GBR");
    const signed = readFileSync(file, "utf8");
    writeFileSync(file, "eyJhbGciOiJub25lIn0.eyJuYXRpb24iOiJHQlIifQ.");
    try {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS * 2 + 500));
      expect([await ask(revoked), await ask(sameAnalyst)]).toEqual([401, 200]);
    } finally {
      writeFileSync(file, signed);
    }
  });
});
