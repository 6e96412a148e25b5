import { createServer, type ServerResponse } from "node:http";
import { close, listen } from "../../lib/http-server.js";
import { NATIONS } from "../../subgraphs/nations.js";
import { type DevIssuerEntry, devIssuers } from "./issuer-id.js";
import { DEFAULT_KEYS_DIR, loadOrCreateNationKey } from "./keys.js";

export interface DevIdpOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  keysDir?: string;
  nations?: readonly string[];
}

export interface DevIdp {
  /** Base URL, such as http://127.0.0.1:4100 */
  url: string;
  /** The gateway's trust configuration for this IdP: one issuer per nation, keys by URL. */
  issuers(): DevIssuerEntry[];
  close(): Promise<void>;
}

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));

/**
 * A stand-in for each nation's identity provider in development: it publishes
 * every nation's public key at /<NATION>/jwks.json. Tokens are signed offline
 * with the same key files (signDevToken, npm run token).
 */
export async function startDevIdp(options: DevIdpOptions = {}): Promise<DevIdp> {
  const host = options.host ?? "127.0.0.1";
  const keysDir = options.keysDir ?? DEFAULT_KEYS_DIR;
  const nations = options.nations ?? NATIONS;
  // Keys are made before listening, so the first JWKS fetch already finds them.
  const jwks = new Map<string, unknown>();
  for (const nation of nations) jwks.set(`/${nation}/jwks.json`, { keys: [(await loadOrCreateNationKey(keysDir, nation)).publicJwk] });

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method not allowed" });
    if (path === "/health") return sendJson(res, 200, { status: "ok" });
    const keySet = jwks.get(path);
    return keySet === undefined ? sendJson(res, 404, { error: "not found" }) : sendJson(res, 200, keySet);
  });
  const port = await listen(server, host, options.port ?? 4100);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url,
    issuers: () => devIssuers(url, nations),
    close: () => close(server),
  };
}
