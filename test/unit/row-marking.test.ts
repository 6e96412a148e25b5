import { renderBanner } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { ReturnedRows } from "../../gateway/fetch/row-marking.js";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import { ROW_MARKING_EXTENSION } from "../../lib/row-marking.js";
import { RowMarks } from "../../subgraphs/shared/row-marks.js";

// Records carry their own labels: the subgraph reports the high-water mark of the rows it read, and the gateway's
// banner counts it. A report can only raise the banner.

const coalitions = loadCoalitionsFile();
const banner = (rows: ReturnedRows) => renderBanner(rows.mark, coalitions).banner;

describe("a subgraph's row marks", () => {
  it("report nothing when no labelled row was read", () => {
    expect(new RowMarks(coalitions).marking()).toBeUndefined();
  });

  it("keep the highest level and the nations every row is releasable to (coalitions expanded)", () => {
    const marks = new RowMarks(coalitions);
    marks.note("CONFIDENTIAL", ["NATO"]);
    marks.note("SECRET", ["GBR", "FRA", "USA"]);
    marks.note("RESTRICTED", ["EU", "GBR"]);
    expect(marks.marking()).toEqual({ level: "SECRET", releasableTo: ["FRA", "GBR"] });
  });

  it("report the nations in a stable order, and the level of a single row as it is", () => {
    const marks = new RowMarks(coalitions);
    marks.note("RESTRICTED", ["GBR", "FRA"]);
    expect(marks.marking()).toEqual({ level: "RESTRICTED", releasableTo: ["FRA", "GBR"] });
  });
});

describe("the gateway's returned rows", () => {
  it("leave the banner alone when no subgraph read a labelled row", () => {
    const rows = new ReturnedRows();
    rows.note(undefined);
    rows.note({ other: 1 });
    expect(banner(rows)).toBe("UNCLASSIFIED");
  });

  it("raise the banner to the rows' level and narrow it to their releasability, across subgraphs", () => {
    const rows = new ReturnedRows();
    rows.note({ [ROW_MARKING_EXTENSION]: { level: "CONFIDENTIAL", releasableTo: ["DEU", "FRA", "GBR"] } });
    rows.note({ [ROW_MARKING_EXTENSION]: { level: "SECRET", releasableTo: ["FRA", "GBR"] } });
    expect(rows.mark.level).toBe("SECRET");
    expect([...(rows.mark.releasableTo ?? [])].sort()).toEqual(["FRA", "GBR"]);
  });

  it("take a marking it cannot read as the most restrictive one", () => {
    for (const bad of [
      null,
      "SECRET",
      { level: "COSMIC", releasableTo: [] },
      { level: "SECRET", releasableTo: ["gbr"] },
      { level: "SECRET" },
    ]) {
      const rows = new ReturnedRows();
      rows.note({ [ROW_MARKING_EXTENSION]: bad });
      expect(rows.mark.level).toBe("TOP_SECRET");
      expect(rows.mark.releasableTo?.size).toBe(0);
    }
  });
});
