// Variant H: Hive Gateway on the same supergraph, at its defaults, with its
// JWT plugin verifying the same kind of token as Tearline (every nation's
// dev IdP key set, ES256, the same audience).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createGatewayRuntime, createRemoteJwksSigningKeyProvider, extractFromHeader, useJWT } from "@graphql-hive/gateway";
import { announceReady, onShutdown } from "../../lib/lifecycle.js";
import { DEV_AUDIENCE, devIssuerId } from "../../scripts/idp/issuer-id.js";
import { NATIONS } from "../../subgraphs/nations.js";

const idp = process.env.IDP_URL!;
const [first, ...rest] = NATIONS.map((nation) => createRemoteJwksSigningKeyProvider({ jwksUri: `${idp}/${nation}/jwks.json` }));
const [firstIssuer, ...otherIssuers] = NATIONS.map(devIssuerId);
const runtime = createGatewayRuntime({
  supergraph: process.env.SUPERGRAPH_PATH!,
  logging: false,
  plugins: (context) => [
    useJWT({
      ...context,
      tokenLookupLocations: [extractFromHeader({ name: "authorization", prefix: "Bearer" })],
      signingKeyProviders: [first!, ...rest],
      tokenVerification: { issuer: [firstIssuer!, ...otherIssuers], audience: DEV_AUDIENCE, algorithms: ["ES256"] },
      reject: { missingToken: true, invalidToken: true },
    }) as never, // the plugin's context type is narrower than the runtime's plugin list admits
  ],
});
const server = createServer(runtime);
await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve));
announceReady("H", `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
onShutdown(async () => {
  server.close();
  await runtime.dispose();
});
