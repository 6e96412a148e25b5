import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { apolloReply } from "../../lib/apollo-reply.js";
import { exitOnConfigError } from "../../lib/config.js";
import { close, createJsonHttpServer, type HttpReply, listen, type Page, type RequestHandler } from "../../lib/http-server.js";
import { PublicKeySet } from "../../lib/jwks-keys.js";
import { announceReady, onShutdown } from "../../lib/lifecycle.js";
import { logger, setLogLevel } from "../../lib/logger.js";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import type { NationCode } from "../nations.js";
import { AGREEMENTS_FILE, AGREEMENTS_PATH, agreementsPage } from "./agreements-page.js";
import { loadNationConfig } from "./config.js";
import { type Caller, createNationContext } from "./context.js";
import type { Database } from "./database.js";
import { type Admit, gatewayEnvelopeGuard } from "./envelope-guard.js";
import { openNationDatabase } from "./nation-database.js";
import { OwnAgreements } from "./own-agreements.js";
import { loadRetentionFile } from "./retention.js";
import { REVOCATIONS_FILE, REVOCATIONS_PATH, revocationsPage } from "./revocations-page.js";
import { type AnyResolvers, buildNationSchema, createNationApollo, ownLockSource } from "./schema.js";

/** Answers a request the envelope guard has admitted, for the caller it vouched for. */
export type AdmittedHandler = (req: IncomingMessage, body: unknown, caller: Caller) => Promise<HttpReply>;

/**
 * What a process may plug into a nation's subgraph without the subgraph
 * knowing: the benchmark answers repeated reads from memory this way, so that
 * no benchmark code sits on the production path.
 */
export interface NationExtensions {
  wrapDatabase?(db: Database): Database;
  /** Wraps what runs after the envelope guard: whatever it does, every request is verified first. */
  wrapHandler?(handler: AdmittedHandler): AdmittedHandler;
  /** Read-only GET pages beside /graphql (the benchmark's fetch counter). */
  pages?: Readonly<Record<string, Page>>;
  /**
   * BENCHMARK ONLY: admits requests in place of the envelope guard. Only
   * bench/subgraph-main.ts passes it, for the open subgraphs that the plain
   * baseline gateways (which sign no envelope) read from; no setting or
   * environment variable reaches it, and every nation's main.ts leaves it out.
   */
  admit?: Admit;
}

/** The entry point of a nation's subgraph process: its own labels checked, database, seed, schema, HTTP. */
export async function runNation(nation: NationCode, resolvers: AnyResolvers, extensions: NationExtensions = {}): Promise<void> {
  let config: ReturnType<typeof loadNationConfig>;
  try {
    config = loadNationConfig(nation);
  } catch (error) {
    exitOnConfigError(error);
  }
  setLogLevel(config.logLevel);
  const log = logger(nation);
  const coalitions = loadCoalitionsFile();
  // The second lock: the nation's own labels and its own signed agreements, never the gateway's word for them.
  // Read on every refresh (twice a second): a retired agreement key withdraws its document at once.
  const agreementKeys = new PublicKeySet(config.agreementKeys, { fileRecheckMs: 0 });
  const ownAgreements = new OwnAgreements(nation, join(config.dataDir, AGREEMENTS_FILE), (kid) => agreementKeys.keyFor(kid), log);
  const stopAgreements = await ownAgreements.start();
  const lock = ownLockSource(nation, coalitions, () => ownAgreements.current());
  log.info({ labelledFields: lock.index.size }, "own labels read");

  // Seeded once, behind row-level security, with the retention file in force; a bad retention file, an
  // outdated PostgreSQL schema or a PGlite database open in another process stops the subgraph here.
  let stored: Database;
  try {
    stored = await openNationDatabase(nation, config.database, loadRetentionFile(config.retentionFile, nation), log);
  } catch (error) {
    exitOnConfigError(error);
  }
  const db = extensions.wrapDatabase ? extensions.wrapDatabase(stored) : stored;

  const apollo = createNationApollo(buildNationSchema(nation, resolvers, lock));
  await apollo.start();
  const admit = extensions.admit ?? (await gatewayEnvelopeGuard(nation, config.gatewayKeys));
  const execute: AdmittedHandler = async (req, body, caller) => apolloReply(apollo, req, body, createNationContext(db, caller, coalitions));
  const admitted = extensions.wrapHandler ? extensions.wrapHandler(execute) : execute;
  // The envelope guard first, before Apollo Server or any resolver sees the request.
  const handle: RequestHandler = async (req, readBody) => {
    // The envelope is checked before the body is read: a request without one costs no body and no parse.
    const admitBody = await admit(req);
    const body = await readBody();
    return admitted(req, body, admitBody(body));
  };
  const server = createJsonHttpServer({
    handle,
    // The nation's signed sharing agreements and revoked tokens, which the gateway polls; beside them, any pages of the process's own.
    pages: {
      ...extensions.pages,
      [AGREEMENTS_PATH]: agreementsPage(join(config.dataDir, AGREEMENTS_FILE)),
      [REVOCATIONS_PATH]: revocationsPage(join(config.dataDir, REVOCATIONS_FILE)),
    },
  });
  const port = await listen(server, config.host, config.port);
  announceReady(nation, `http://${config.host}:${port}/graphql`);

  onShutdown(async () => {
    stopAgreements();
    await close(server);
    await apollo.stop();
    await db.close();
  });
}
