import { join } from "node:path";
import { buildSubgraphIndex } from "@tearline/policy";
import { apolloReply } from "../../lib/apollo-reply.js";
import { exitOnConfigError } from "../../lib/config.js";
import { close, createJsonHttpServer, listen, type Page, type RequestHandler } from "../../lib/http-server.js";
import { announceReady, onShutdown } from "../../lib/lifecycle.js";
import { logger, setLogLevel } from "../../lib/logger.js";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import { loadSubgraphSdl, type NationCode } from "../nations.js";
import { AGREEMENTS_FILE, AGREEMENTS_PATH, agreementsPage } from "./agreements-page.js";
import { loadNationConfig } from "./config.js";
import { createNationContext } from "./context.js";
import { type Database, openDatabase } from "./database.js";
import { admitEnvelope } from "./envelope-guard.js";
import { type AnyResolvers, buildNationSchema, createNationApollo } from "./schema.js";
import { ensureSeeded } from "./seed.js";

/**
 * What a process may plug into a nation's subgraph without the subgraph
 * knowing: the benchmark answers repeated reads from memory this way, so that
 * no benchmark code sits on the production path.
 */
export interface NationExtensions {
  wrapDatabase?(db: Database): Database;
  wrapHandler?(handler: RequestHandler): RequestHandler;
  /** Read-only GET pages beside /graphql (the benchmark's fetch counter). */
  pages?: Readonly<Record<string, Page>>;
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
  // The nation's own labels, read by the nation itself with the shared policy: a field it resolves
  // without a label of its own stops the subgraph here, whatever composition said (fail closed).
  const coalitions = loadCoalitionsFile();
  const index = buildSubgraphIndex(loadSubgraphSdl(nation), nation, coalitions);
  log.info({ labelledFields: index.size }, "own labels read");

  const stored = await openDatabase(config.database);
  if ((await ensureSeeded(stored, nation)) === "seeded") log.info("database initialised with seed data");
  const db = extensions.wrapDatabase ? extensions.wrapDatabase(stored) : stored;

  const apollo = createNationApollo(buildNationSchema(nation, resolvers));
  await apollo.start();
  const handle: RequestHandler = async (req, readBody) => {
    const body = await readBody();
    const caller = await admitEnvelope(req, body);
    return apolloReply(apollo, req, body, createNationContext(db, caller, coalitions));
  };
  const server = createJsonHttpServer({
    handle: extensions.wrapHandler ? extensions.wrapHandler(handle) : handle,
    // The nation's signed sharing agreements, which the gateway polls; beside them, any pages of the process's own.
    pages: { ...extensions.pages, [AGREEMENTS_PATH]: agreementsPage(join(config.dataDir, AGREEMENTS_FILE)) },
  });
  const port = await listen(server, config.host, config.port);
  announceReady(nation, `http://${config.host}:${port}/graphql`);

  onShutdown(async () => {
    await close(server);
    await apollo.stop();
    await db.close();
  });
}
