import { webcrypto } from "node:crypto";
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { IssuerAlgorithm } from "../../gateway/auth/issuers.js";
import { signatureVerifies } from "../../gateway/auth/jws-signature.js";

/** A token signed by jose, and the public key as jose's key sets hand it out (a CryptoKey imported from the JWK). */
async function signed(alg: IssuerAlgorithm, options: { modulusLength?: number } = {}) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  const token = await new SignJWT({ sub: "analyst" }).setProtectedHeader({ alg, typ: "at+jwt" }).sign(privateKey);
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const key = (await importJWK(await exportJWK(publicKey), alg)) as CryptoKey;
  return { input: `${header}.${payload}`, signature, key, privateKey };
}

const flipLast = (signature: string) => {
  const bytes = Buffer.from(signature, "base64url");
  bytes[bytes.length - 1]! ^= 1;
  return bytes.toString("base64url");
};

describe("signatureVerifies (node:crypto, synchronously)", () => {
  it.each<IssuerAlgorithm>(["ES256", "EdDSA", "RS256"])(
    "accepts jose's %s signature and refuses it changed or over other text",
    async (alg) => {
      const { input, signature, key } = await signed(alg);
      expect(signatureVerifies(alg, key, input, signature)).toBe(true);
      expect(signatureVerifies(alg, key, input, flipLast(signature))).toBe(false);
      expect(signatureVerifies(alg, key, `${input}x`, signature)).toBe(false);
      expect(signatureVerifies(alg, key, input, "")).toBe(false);
    },
  );

  it("refuses an ES256 signature written in DER rather than as r || s", async () => {
    const { input, signature, key } = await signed("ES256");
    const raw = Buffer.from(signature, "base64url");
    const integer = (half: Buffer) => {
      const trimmed = half.subarray(half.findIndex((byte) => byte !== 0));
      const bytes = trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
      return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
    };
    const body = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
    const der = Buffer.concat([Buffer.from([0x30, body.length]), body]).toString("base64url");
    expect(signatureVerifies("ES256", key, input, der)).toBe(false);
  });

  it.each<[string, IssuerAlgorithm, () => Promise<CryptoKey>, string]>([
    ["an Ed25519 key for ES256", "ES256", async () => (await signed("EdDSA")).key, "a ed25519 key cannot check ES256"],
    ["a P-256 key for EdDSA", "EdDSA", async () => (await signed("ES256")).key, "a ec key cannot check EdDSA"],
    ["an EC key for RS256", "RS256", async () => (await signed("ES256")).key, "a ec key cannot check RS256"],
    ["an RSA key for ES256", "ES256", async () => (await signed("RS256")).key, "a rsa key cannot check ES256"],
    [
      "a P-384 key for ES256",
      "ES256",
      async () =>
        (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, ["sign", "verify"])).publicKey as CryptoKey,
      "ES256 needs the prime256v1 curve",
    ],
    [
      "a 1024-bit RSA key for RS256",
      "RS256",
      async () =>
        (
          await webcrypto.subtle.generateKey(
            { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
            true,
            ["sign", "verify"],
          )
        ).publicKey as CryptoKey,
      "an RSA modulus under 2048 bits",
    ],
    ["a private key", "ES256", async () => (await signed("ES256")).privateKey as CryptoKey, "not a public key"],
  ])("refuses to check with %s: it throws, whatever the signature", async (_name, alg, key, why) => {
    const { input, signature } = await signed(alg);
    // The check stands before any verification: a key that cannot check this algorithm verifies nothing.
    const wrong = await key();
    expect(() => signatureVerifies(alg, wrong, input, signature)).toThrow(`key refused for ${alg}: ${why}`);
  });

  it("accepts a 2048-bit RSA key, the least RS256 allows", async () => {
    const { input, signature, key } = await signed("RS256", { modulusLength: 2048 });
    expect(signatureVerifies("RS256", key, input, signature)).toBe(true);
  });
});
