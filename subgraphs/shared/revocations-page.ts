import type { Page } from "../../lib/http-server.js";
import { signedFilePage } from "./agreements-page.js";

/** Where a nation's subgraph serves its signed revocation list, beside its agreements. */
export const REVOCATIONS_PATH = "/revocations";

/** The signed revocation list's file in a nation's data directory; `npm run revoke` writes it. */
export const REVOCATIONS_FILE = "revocations.jws";

/** The GET page of a nation's signed revocation list: the gateway polls it as it polls the agreements. */
export const revocationsPage = (file: string): Page => signedFilePage(file, "This nation publishes no revocation list");
