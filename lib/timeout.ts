/**
 * Runs `work` with a signal that aborts after `ms` (with a TimeoutError) or when `also` aborts.
 *
 * Not AbortSignal.timeout: Node holds that signal only weakly, so that once fetch has let go of it (its body being
 * read, say) a garbage collection can take it and the timeout then never fires (nodejs/undici#4068). A key set
 * trickling its body byte by byte held a verification for ever that way, under load. Here the timer holds the
 * controller until it fires or the work ends.
 */
export async function withTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>, also?: AbortSignal): Promise<T> {
  // Nothing is started once `also` has aborted.
  also?.throwIfAborted();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError")), ms);
  // A pending timeout must not keep a process from exiting; it still holds the controller until it fires.
  timer.unref();
  const relay = () => controller.abort(also?.reason);
  also?.addEventListener("abort", relay, { once: true });
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
    also?.removeEventListener("abort", relay);
  }
}
