/** A Tearline gateway's counters (`tearline_<name>_total`), by name without prefix and suffix, from its GET /metrics page. */
export async function counterTotals(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) })).text();
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line.startsWith("tearline_") && line.includes("_total "))
      .map((line) => {
        const [name, value] = line.split(" ");
        return [name!.replace(/^tearline_/, "").replace(/_total$/, ""), Number(value)];
      }),
  );
}
