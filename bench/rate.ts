// The fixed rate of a query's paired rounds. It is a constant, the same in every run, because CPU per request
// depends on the rate (a gateway woken for each request shares that cost with fewer others at a lower rate): a rate
// taken from each run's own full load moved with the machine's speed (90–157 requests/s for the typical query in 14 full runs of one day) and
// made runs incomparable ratio by ratio. It stays at most `share` of the slowest variant's full load in this run
// (issue 13), so on a machine too slow for the constant the run is measured at that bound and says so.

export interface FixedRate {
  /** Requests a second in this run's fixed-rate rounds. */
  rate: number;
  /** `share` of the slowest variant's full-load throughput in this run (null when no variant was measured). */
  bound: number | null;
  /** True when the constant was above the bound: this run's ratios are not comparable with other runs'. */
  lowered: boolean;
}

export function fixedRate(constant: number, slowestCapacity: number, share: number): FixedRate {
  if (!(constant > 0)) throw new Error(`a fixed rate must be above 0 requests a second, not ${constant}`);
  if (!Number.isFinite(slowestCapacity)) return { rate: constant, bound: null, lowered: false };
  const bound = Math.max(1, Math.floor(share * slowestCapacity));
  return constant <= bound ? { rate: constant, bound, lowered: false } : { rate: bound, bound, lowered: true };
}
