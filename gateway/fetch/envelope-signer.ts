import { readFile } from "node:fs/promises";
import { type EnvelopeRequest, signEnvelope } from "../../lib/access-envelope.js";
import { type EnvelopeSigningKey, envelopeSigningKeyOf } from "../../lib/envelope-key.js";
import { SampledLog } from "../../lib/log-sampler.js";
import { logger } from "../../lib/logger.js";

const log = logger("envelope");
// A key file broken mid-rotation is noticed at every recheck: say so once per interval, not once a second.
const problems = new SampledLog(log, "envelope key file not usable; the current key goes on signing");

/** How often the key file is read again: a rotated key is in use within this, and no request waits on a disk read more often. */
export const KEY_FILE_RECHECK_MS = 1000;

/**
 * Signs the gateway's access envelopes with its own Ed25519 key, read from a
 * private JWK file that an operator may replace at any time (a rotation, no
 * restart): the file is read again at most once a second, and a new key is
 * used from then on. A file that stops being a usable key changes nothing:
 * the gateway signs on with the key it has, because the subgraphs, not the
 * gateway, decide which keys count (removing a key from their JWKS revokes it).
 */
export class EnvelopeSigner {
  private text: string | undefined;
  private checkedAt: number;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly file: string,
    private key: EnvelopeSigningKey,
    private readonly now: () => number = Date.now,
  ) {
    this.checkedAt = now();
  }

  /** The kid envelopes are signed with now. */
  get kid(): string {
    return this.key.kid;
  }

  /** Signs one envelope for one subgraph request. */
  async sign(request: Omit<EnvelopeRequest, "now">): Promise<string> {
    const key = await this.currentKey();
    const { subject, audience, requestId, query, variables } = request;
    return signEnvelope({ subject, audience, requestId, query, variables, now: this.now() }, key.privateKey, key.kid);
  }

  /** The key to sign with now (the audit trail's checkpoints use it too, under their own media type). */
  async currentKey(): Promise<EnvelopeSigningKey> {
    if (this.now() - this.checkedAt >= KEY_FILE_RECHECK_MS)
      this.pending ??= this.recheck().finally(() => {
        this.pending = undefined;
      });
    // A key file being read is waited for: nothing is signed with a key that is being replaced.
    if (this.pending) await this.pending;
    return this.key;
  }

  private async recheck(): Promise<void> {
    this.checkedAt = this.now();
    try {
      const text = await readFile(this.file, "utf8");
      if (text === this.text) return;
      const key = envelopeSigningKeyOf(text);
      if (key.kid !== this.key.kid) log.info({ kid: key.kid, previous: this.key.kid }, "envelope key rotated");
      this.key = key;
      this.text = text;
    } catch (error) {
      problems.note((error as Error).message, { kid: this.key.kid });
    }
  }
}
