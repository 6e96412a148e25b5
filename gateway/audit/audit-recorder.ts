import type { ChainWriter } from "./chain-writer.js";
import { operationEvent } from "./operation-event.js";
import type { Recorder } from "./record.js";

/**
 * Records every request in the audit chain and resolves once its event is
 * durable; a chain that cannot be written rejects (AuditUnavailable), and the
 * answer is not released. `also` (the debug log) sees each record after.
 */
export function auditRecorder(writer: ChainWriter, also?: Recorder): Recorder {
  return {
    async record(record) {
      await writer.append(operationEvent(record));
      await also?.record(record);
    },
  };
}
