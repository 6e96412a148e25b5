import { DEV_KEY_ALGORITHM } from "./keys.js";

/** One entry of a gateway's trusted-issuer configuration (ISSUERS), as the dev IdP describes itself. */
export interface DevIssuerEntry {
  issuer: string;
  nation: string;
  jwks: { url: string };
  algorithms: Array<typeof DEV_KEY_ALGORITHM>;
}

/** The `iss` of a nation's development identity provider: an identifier, never fetched. */
export const devIssuerId = (nation: string): string => `https://idp.${nation.toLowerCase()}.dev.tearline`;

/** The `aud` development tokens are minted for, and the gateway expects in development. */
export const DEV_AUDIENCE = "tearline-gateway";

/** How a gateway trusts the dev IdP at `idpUrl`: one issuer per nation, its keys at /<NATION>/jwks.json. */
export function devIssuers(idpUrl: string, nations: readonly string[]): DevIssuerEntry[] {
  return nations.map((nation) => ({
    issuer: devIssuerId(nation),
    nation,
    jwks: { url: `${idpUrl}/${nation}/jwks.json` },
    algorithms: [DEV_KEY_ALGORITHM],
  }));
}
