// Keys, issuers and tokens for tests: everything a real identity provider would supply, made on the spot.
import { randomBytes, randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import {
  base64url,
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from "jose";
import type { IssuerAlgorithm, TrustedIssuer } from "../../gateway/auth/issuers.js";
import { close, listen } from "../../lib/http-server.js";

export const TEST_AUDIENCE = "tearline-gateway";

/** The `iss` of a nation's test identity provider. */
export const testIssuerId = (nation: string) => `https://idp.${nation.toLowerCase()}.test.tearline`;

export interface TestKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey | Uint8Array;
  /** What a JWKS publishes; absent for shared secrets, which no JWKS may hold. */
  publicJwk?: JWK;
}

/** A fresh signing key with its kid (the JWK thumbprint) and public JWK. */
export async function createTestKey(alg: IssuerAlgorithm = "ES256"): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { alg, kid, privateKey, publicJwk: { ...jwk, kid, alg, use: "sig" } };
}

/** A random HMAC secret posing as a key: what an attacker signs HS256 tokens with. */
export function createSecretKey(): TestKey {
  return { alg: "HS256", kid: randomUUID(), privateKey: new Uint8Array(randomBytes(32)) };
}

export const jwks = (keys: readonly TestKey[]) => ({ keys: keys.flatMap((key) => (key.publicJwk ? [key.publicJwk] : [])) });

/** A trusted issuer for `nation` whose keys are the JWKS file at `file`. */
export function fileIssuer(nation: string, file: string, algorithms: IssuerAlgorithm[] = ["ES256"]): TrustedIssuer {
  return { issuer: testIssuerId(nation), nation, jwks: { file }, algorithms };
}

/** Writes (or rewrites, to rotate) a JWKS file holding the public halves of `keys`. */
export async function writeJwksFile(dir: string, name: string, keys: readonly TestKey[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(jwks(keys)));
  return file;
}

export interface JwksServer {
  /** The URL of the key set. */
  url: string;
  /** Requests for the key set so far. */
  requests(): number;
  /** Serves these keys from now on: a key rotation. */
  setKeys(keys: readonly TestKey[]): void;
  /** Serves this body instead of a key set, to play a broken identity provider. */
  setBody(body: string): void;
  close(): Promise<void>;
}

/** A tiny JWKS endpoint on 127.0.0.1 and a free port, as a nation's IdP would publish. */
export async function startJwksServer(keys: readonly TestKey[]): Promise<JwksServer> {
  let body = JSON.stringify(jwks(keys));
  let requests = 0;
  const server = createServer((req, res) => {
    if (req.url !== "/jwks.json") return res.writeHead(404).end();
    requests += 1;
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  const port = await listen(server, "127.0.0.1", 0);
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    requests: () => requests,
    setKeys: (next) => {
      body = JSON.stringify(jwks(next));
    },
    setBody: (next) => {
      body = next;
    },
    close: () => close(server),
  };
}

/** A trusted issuer for `nation` whose keys are served at `url`. */
export function urlIssuer(nation: string, url: string, algorithms: IssuerAlgorithm[] = ["ES256"]): TrustedIssuer {
  return { issuer: testIssuerId(nation), nation, jwks: { url }, algorithms };
}

/**
 * Claims a gateway accepts from `nation`'s test issuer: ten minutes to live,
 * SECRET clearance, purposes CT and CYBER. Overrides replace claims; an
 * override of `undefined` removes the claim.
 */
export function tokenClaims(nation: string, overrides: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: testIssuerId(nation),
    aud: TEST_AUDIENCE,
    sub: `analyst@${nation.toLowerCase()}`,
    jti: randomUUID(),
    iat: now,
    exp: now + 600,
    clearance: "SECRET",
    compartments: ["ORCHID"],
    purposes: ["CT", "CYBER"],
    scope: "reports:read actors:read",
    ...overrides,
  };
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete claims[name];
  return claims;
}

/** Signs `claims` exactly as given (no claim is added) with `key`; `header` overrides alg, kid or typ. */
export async function signToken(key: TestKey, claims: JWTPayload, header: Partial<JWTHeaderParameters> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt", ...header }).sign(key.privateKey);
}

/** A token whose header is `headerText` exactly (any JSON, or none, or bytes that are no UTF-8), signed with an ES256 test key as jose never would. */
export async function signWithRawHeader(key: TestKey, headerText: string | Uint8Array, claims: JWTPayload): Promise<string> {
  const input = `${base64url.encode(headerText)}.${base64url.encode(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    key.privateKey as CryptoKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

/** An unsecured JWT (`alg: none`, empty signature), which jose refuses to make, so built by hand. */
export function unsecuredToken(claims: JWTPayload): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

/** `token` with its claims replaced but its original signature kept: a forgery. */
export function withForgedClaims(token: string, claims: JWTPayload): string {
  const [header, , signature] = token.split(".");
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
