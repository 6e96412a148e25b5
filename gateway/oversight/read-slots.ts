/**
 * How many oversight reads run at once. A read scans the trail from its
 * cursor, and a filter that matches nothing scans it to the end, on the
 * gateway's own event loop (the file store) or through its pool (PostgreSQL);
 * so one `audit:read` holder must not be able to run many at once and slow
 * every nation's answers. One read per nation at a time, two in all.
 */
export class ReadSlots {
  private readonly byNation = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perNation = 1,
    private readonly overall = 2,
  ) {}

  /** A slot for `nation`'s read, released by calling what is returned; undefined when none is free. */
  take(nation: string): (() => void) | undefined {
    const mine = this.byNation.get(nation) ?? 0;
    if (mine >= this.perNation || this.total >= this.overall) return undefined;
    this.byNation.set(nation, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.byNation.get(nation) ?? 1) - 1;
      if (left === 0) this.byNation.delete(nation);
      else this.byNation.set(nation, left);
    };
  }
}
