import { signCheckpoint } from "../../lib/audit/checkpoint.js";
import type { EnvelopeSigningKey } from "../../lib/envelope-key.js";
import { logger } from "../../lib/logger.js";
import type { AuditConfig } from "../config.js";
import { auditRecorder } from "./audit-recorder.js";
import { type ChainStore, ChainWriter, type CheckpointSigner } from "./chain-writer.js";
import { FileChainStore } from "./file-store.js";
import { PostgresChainStore } from "./postgres-store.js";
import { logRecorder, type Recorder } from "./record.js";

const log = logger("audit");

export interface AuditTrail {
  recorder: Recorder;
  /** The chain being written; undefined with no audit trail. */
  writer: ChainWriter | undefined;
  /** Writes what is queued and a final checkpoint. */
  close(): Promise<void>;
}

/** The gateway's key, read afresh at each checkpoint (it may rotate). */
export type CurrentKey = () => Promise<EnvelopeSigningKey>;

function checkpointSigner(currentKey: CurrentKey): CheckpointSigner {
  return {
    async sign(payload) {
      const key = await currentKey();
      return { jws: await signCheckpoint(payload, key.privateKey, key.kid), kid: key.kid };
    },
  };
}

async function openStore(config: AuditConfig): Promise<ChainStore> {
  if (config.store !== "postgres") return FileChainStore.create(config.dir);
  // The configuration refuses postgres without a URL; checked again here rather than asserted.
  if (!config.databaseUrl) throw new Error("AUDIT_DATABASE_URL is required when AUDIT_STORE is postgres");
  return PostgresChainStore.create(config.databaseUrl);
}

/**
 * Opens the audit trail the configuration names: a new chain, started
 * durably before the gateway serves (a gateway that cannot audit does not
 * start). With `none`, requests are only logged at debug level.
 */
export async function openAuditTrail(config: AuditConfig, currentKey: CurrentKey): Promise<AuditTrail> {
  const debugLog = logRecorder(logger("record"));
  if (config.store === "none") {
    log.warn("AUDIT_STORE=none: no audit trail is kept; for benchmarks only");
    return { recorder: debugLog, writer: undefined, close: async () => undefined };
  }
  const store = await openStore(config);
  let writer: ChainWriter;
  try {
    writer = await ChainWriter.start(store, checkpointSigner(currentKey), (await currentKey()).kid, {
      checkpointEvery: config.checkpointEvery,
      checkpointMs: config.checkpointMs,
    });
  } catch (error) {
    // A store left open (a database pool) would keep a gateway that failed to start from exiting.
    await store.close().catch(() => undefined);
    throw error;
  }
  log.info({ chain: writer.chain, store: config.store }, "audit trail started");
  return { recorder: auditRecorder(writer, debugLog), writer, close: () => writer.close() };
}
