import { type Authenticator, type AuthenticatorOptions, createAuthenticator } from "../../gateway/auth/authenticate.js";
import type { TrustedIssuer } from "../../gateway/auth/issuers.js";
import type { Principal } from "../../gateway/auth/principal.js";
import { bearer, TEST_AUDIENCE } from "./tokens.js";

/** The gateway's identity step for one test issuer, with what it logged. */
export interface TestAuthenticator {
  authenticate: Authenticator;
  /** Authenticates `token` with the purpose CT. */
  send(token: string): Promise<Principal>;
  /** Each refusal's reason, as the server log would get it. */
  logged: string[];
}

/** An authenticator that trusts `issuer` alone; `options` replace the defaults (the clock, key set timings…). */
export function testAuthenticator(issuer: TrustedIssuer, options: Partial<AuthenticatorOptions> = {}): TestAuthenticator {
  const logged: string[] = [];
  const authenticate = createAuthenticator({
    issuers: [issuer],
    audience: TEST_AUDIENCE,
    refusals: { note: (reason) => logged.push(reason) },
    ...options,
  });
  return { authenticate, logged, send: (token) => authenticate({ ...bearer(token), "x-purpose": "CT" }) };
}
