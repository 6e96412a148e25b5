import { join } from "node:path";
import { acquireLockFile, LockFileBusy, type LockFileOptions } from "../../lib/atomic-files.js";

/** The lock file of a nation's agreements, beside its document. */
export const agreementLockPath = (dataRoot: string, nation: string) => join(dataRoot, nation, "agreements.lock");

/** Another command holds the nation's agreements lock; the CLI prints this on one line and exits 2. */
export class AgreementLockBusy extends Error {}

/** Up to ~5 s of waiting for a command that is running; a lock older than a minute whose process is gone is taken over. */
export const AGREEMENT_LOCK: LockFileOptions = { waitMs: 5_000, retryMs: 50, staleMs: 60_000 };

/**
 * Runs `work` holding the nation's agreements lock, so that two commands that
 * write never interleave their read-verify-apply-sign-write steps (one change
 * would be lost, or a rotation undone); the lock is removed afterwards, also
 * when `work` fails. The nation's data directory must exist.
 */
export async function withAgreementLock<T>(
  dataRoot: string,
  nation: string,
  work: () => Promise<T>,
  options: LockFileOptions = AGREEMENT_LOCK,
): Promise<T> {
  const path = agreementLockPath(dataRoot, nation);
  let release: () => Promise<void>;
  try {
    release = await acquireLockFile(path, options);
  } catch (error) {
    if (!(error instanceof LockFileBusy)) throw error;
    throw new AgreementLockBusy(`another agreement command for ${nation} is running (lock ${path}; remove it if no command is running)`);
  }
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // The command's own failure is what the operator needs to read.
    await release().catch(() => undefined);
    throw error;
  }
  await release();
  return result;
}
