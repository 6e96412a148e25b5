import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/config.js";
import { NATIONS } from "../../subgraphs/nations.js";
import { loadNationStorage } from "../../subgraphs/shared/config.js";
import { retainedTypes } from "../../subgraphs/shared/records.js";
import { loadRetentionFile, parseRetention } from "../../subgraphs/shared/retention.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const folder = temporaryFolders();
const fra = (input: unknown) => parseRetention(input, "FRA", "test");
const refusal = (input: unknown) => {
  try {
    fra(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("accepted");
};

describe("a nation's retention file", () => {
  it.each(NATIONS)("%s's committed file gives a period for each of its record types, and no more", (nation) => {
    const retention = loadRetentionFile(loadNationStorage(nation, {}).retentionFile, nation);
    expect([...retention.keys()].sort()).toEqual(
      retainedTypes(nation)
        .map((t) => t.table)
        .sort(),
    );
  });

  it("reads ISO 8601 periods in years, months, weeks and days, and an explicit forever", () => {
    const retention = fra({ reports: "P1Y6M", assessments: "P2W3D" });
    expect(retention.get("reports")).toEqual({ text: "P1Y6M", interval: { years: 1, months: 6, days: 0 } });
    expect(retention.get("assessments")).toEqual({ text: "P2W3D", interval: { years: 0, months: 0, days: 17 } });
    expect(fra({ reports: "forever", assessments: "P90D" }).get("reports")).toEqual({ text: "forever", interval: null });
  });

  it("refuses a record type without a period: nothing is kept forever unless the file says so", () => {
    expect(refusal({ reports: "P25Y" })).toMatch(/assessments: no retention period: write one such as "P10Y".*"forever"/);
  });

  it("refuses a record type the nation does not keep, naming the ones it does", () => {
    expect(refusal({ reports: "P1Y", assessments: "P1Y", sightings: "P1Y" })).toMatch(
      /"sightings": not a record type of FRA, which keeps assessments, reports/,
    );
  });

  it.each([["P0D"], ["P"], ["10 years"], ["P1.5Y"], ["PT12H"], ["-P1Y"], ["p1y"], ["Forever"], [""]])("refuses the period %j", (text) => {
    expect(refusal({ reports: text, assessments: "P1Y" })).toMatch(/reports: .*is not a period longer than zero/);
  });

  it("refuses a period that is not a string, and a document that is not an object", () => {
    expect(refusal({ reports: 365, assessments: "P1Y" })).toMatch(/reports: must be a string/);
    expect(refusal(["P1Y"])).toMatch(/FRA retention \(test\)/);
  });

  it("names the file when it cannot be read or is not JSON", () => {
    const dir = folder("tearline-retention-");
    const path = join(dir, "retention.json");
    expect(() => loadRetentionFile(path, "FRA")).toThrow(new ConfigError(`FRA retention file ${path} cannot be read (ENOENT)`));
    writeFileSync(path, "{ reports: P1Y }");
    expect(() => loadRetentionFile(path, "FRA")).toThrow(new ConfigError(`FRA retention file ${path} is not JSON`));
    writeFileSync(path, JSON.stringify({ reports: "P1Y" }));
    expect(() => loadRetentionFile(path, "FRA")).toThrow(new RegExp(`FRA retention \\(${path}\\)[\\s\\S]*assessments`));
  });
});
