import type { IncomingMessage } from "node:http";
import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError } from "../../lib/http-server.js";
import type { Caller } from "./context.js";

// SKELETON (issue 10, in progress): refuses everything until the envelope verification is wired here.
export async function admitEnvelope(_req: IncomingMessage, _body: unknown): Promise<Caller> {
  throw new HttpError(401, ErrorCode.Unauthenticated, "This subgraph answers only requests the gateway vouches for");
}
