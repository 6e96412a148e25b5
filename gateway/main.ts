import { exitOnConfigError } from "../lib/config.js";
import { announceReady, onShutdown } from "../lib/lifecycle.js";
import { setLogLevel } from "../lib/logger.js";
import { type GatewayConfig, loadGatewayConfig } from "./config.js";
import { startGateway } from "./server.js";

let config: GatewayConfig;
try {
  config = loadGatewayConfig();
} catch (error) {
  exitOnConfigError(error);
}
setLogLevel(config.logLevel);
const gateway = await startGateway(config);
// How long a client has to send a whole request (REQUEST_TIMEOUT_MS): Node reads both at each check of its connections.
gateway.server.requestTimeout = config.requestTimeoutMs;
gateway.server.headersTimeout = config.requestTimeoutMs;
announceReady("gateway", gateway.url);
onShutdown(() => gateway.stop());
