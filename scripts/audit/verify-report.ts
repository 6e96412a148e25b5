import type { ChainVerdict } from "../../lib/audit/verify-chain.js";

/** One line per chain: what an intact chain holds, or the first thing wrong with a broken one. */
export function verdictLine(chain: string, verdict: ChainVerdict): string {
  if (!verdict.ok) return `BROKEN  ${chain}  ${verdict.position}: ${verdict.problem}`;
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  return [
    `intact  ${chain}`,
    plural(verdict.count, "event"),
    `head ${verdict.head}`,
    plural(verdict.checkpoints, "checkpoint"),
    verdict.closed ? "closed" : "open",
    `${verdict.unsigned} unsigned`,
  ].join("  ");
}

/** The last line: how many chains, how many broken, and where they were read. */
export function summaryLine(label: string, chains: number, broken: number): string {
  const what = `${chains} chain${chains === 1 ? "" : "s"}`;
  return broken === 0 ? `all ${what} intact (${label})` : `${broken} of ${what} broken (${label})`;
}
