// Audit chains for tests: events, keys and signers made on the spot, and the verify command run as the operator runs it.
import { execFile } from "node:child_process";
import { createPublicKey, type KeyObject } from "node:crypto";
import { type ChainStore, ChainWriter, type CheckpointSigner } from "../../gateway/audit/chain-writer.js";
import { signCheckpoint } from "../../lib/audit/checkpoint.js";
import type { OperationEvent } from "../../lib/audit/event.js";
import { type EnvelopeSigningKey, envelopeSigningKeyOf, generateEnvelopeJwk } from "../../lib/envelope-key.js";
import type { Outcome } from "./agreement-cli.js";
import { ROOT } from "./agreement-command.js";

/** A fresh gateway key, as the key file would hold it. */
export const newGatewayKey = (): EnvelopeSigningKey => envelopeSigningKeyOf(JSON.stringify(generateEnvelopeJwk()));

/** The public half of a gateway key. */
export const publicKeyOf = (key: EnvelopeSigningKey): KeyObject => createPublicKey(key.privateKey);

/** Signs checkpoints with whichever key `current` gives at the time (a rotation may change it). */
export function keySigner(current: () => EnvelopeSigningKey): CheckpointSigner {
  return {
    async sign(payload) {
      const key = current();
      return { jws: await signCheckpoint(payload, key.privateKey, key.kid), kid: key.kid };
    },
  };
}

/** The `n`th operation of a test chain: a GBR analyst reading one actor. */
export function operation(n: number): OperationEvent {
  return {
    kind: "operation",
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    requestId: `request-${n}`,
    status: 200,
    caller: { nation: "GBR", sub: `analyst-${n % 3}`, issuer: "https://idp.gbr.test.tearline", tokenId: `token-${n}` },
    purpose: "CT",
    operationName: "Actor",
    operationHash: null,
    fields: [{ coordinate: "ThreatActor.name", owners: ["GBR"], decision: "ALLOWED", reasons: [] }],
    subgraphs: ["GBR"],
    agreements: { GBR: 1 },
    result: "ANSWERED",
    code: null,
  };
}

/**
 * A chain of `operations` events after its start in `store`, checkpointed
 * every `checkpointEvery` and closed (final checkpoint) unless `open`.
 */
export async function writeChain(
  store: ChainStore,
  key: EnvelopeSigningKey,
  operations: number,
  { checkpointEvery = 4, open = false } = {},
): Promise<ChainWriter> {
  const writer = await ChainWriter.start(
    store,
    keySigner(() => key),
    key.kid,
    { checkpointEvery, checkpointMs: 60_000 },
  );
  for (let n = 1; n <= operations; n++) await writer.append(operation(n));
  if (!open) await writer.close();
  return writer;
}

/** `npm run audit:verify -- <args>` as a separate process; AUDIT_* and KEYS_DIR only as `env` sets them. */
export function auditVerify(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const childEnv = { ...process.env, AUDIT_STORE: "", AUDIT_DIR: "", AUDIT_DATABASE_URL: "", KEYS_DIR: "", ...env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/audit/verify.ts", ...args],
      { cwd: ROOT, env: childEnv },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}
