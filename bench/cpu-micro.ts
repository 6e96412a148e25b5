/**
 * Median CPU µs per call over `rounds` batches of `n`, after a warm-up batch (8 batches in all). CPU time, not wall
 * time: on a shared machine a process that is descheduled does not count the wait as cost.
 */
export async function microseconds(n: number, work: () => unknown, rounds = 7): Promise<number> {
  for (let i = 0; i < n; i++) await work();
  const perCall: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) await work();
    const used = process.cpuUsage(start);
    perCall.push((used.user + used.system) / n);
  }
  perCall.sort((a, b) => a - b);
  return Math.round(perCall[Math.floor(rounds / 2)]! * 10) / 10;
}

/**
 * As `microseconds`, for several pieces of work measured in turn within each round (after one warm-up round of
 * all), so that a slow stretch of the machine weighs on all of them alike rather than on whichever ran then.
 */
export async function interleavedMicroseconds(
  n: number,
  works: Record<string, () => unknown>,
  rounds = 9,
): Promise<Record<string, number>> {
  const perCall: Record<string, number[]> = Object.fromEntries(Object.keys(works).map((name) => [name, []]));
  for (let round = -1; round < rounds; round++) {
    for (const [name, work] of Object.entries(works)) {
      const start = process.cpuUsage();
      for (let i = 0; i < n; i++) await work();
      const used = process.cpuUsage(start);
      if (round >= 0) perCall[name]!.push((used.user + used.system) / n);
    }
  }
  return Object.fromEntries(
    Object.entries(perCall).map(([name, values]) => {
      values.sort((a, b) => a - b);
      return [name, Math.round(values[Math.floor(values.length / 2)]! * 10) / 10];
    }),
  );
}
