import { logger } from "./logger.js";

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. A second signal exits at
 * once, so a stuck shutdown never needs kill -9.
 */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger("lifecycle").error({ err: error, signal }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}

/** The line a service prints on stdout once it serves, read by the launcher. */
export function announceReady(service: string, url: string): void {
  console.log(JSON.stringify({ event: "ready", service, url }));
}
