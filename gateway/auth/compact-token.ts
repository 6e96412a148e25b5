const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Whether `segment` is the one base64url spelling of its bytes (RFC 7515 2,
 * RFC 4648 3.5): only the URL-safe alphabet, no padding, and no set bit among
 * the last character's unused bits. A lenient decoder reads `xy==` or a last
 * character changed within its unused bits as the same bytes, so one token
 * would have many spellings: many cache entries, and "changed" tokens that
 * still verify.
 */
export function isCanonicalSegment(segment: string): boolean {
  if (!SEGMENT.test(segment)) return false;
  const last = ALPHABET.indexOf(segment.at(-1)!);
  switch (segment.length % 4) {
    case 1:
      return false; // six bits cannot end a byte: no encoder writes this
    case 2:
      return last % 16 === 0; // one byte in the last group: 4 unused bits
    case 3:
      return last % 4 === 0; // two bytes: 2 unused bits
    default:
      return true;
  }
}

/**
 * Whether `token` is a compact JWS (three segments) in its one canonical
 * spelling. Only such a token reaches the verifier and the verified-token
 * cache, so the cache's key (the text) is the token's canonical form: one
 * entry per signed token. (ECDSA also admits a second signature, s and n - s,
 * for one signed text; both verify, so at most two entries hold the same claims.)
 */
export function isCanonicalCompactJws(token: string): boolean {
  const segments = token.split(".");
  return segments.length === 3 && segments.every(isCanonicalSegment);
}
