import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAnomalyConfig } from "../../gateway/oversight/anomaly/config.js";
import { ConfigError } from "../../lib/config.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const temporary = temporaryFolders();

const THRESHOLDS = {
  REQUEST_RATE: { windowSeconds: 60, threshold: 5, throttleSeconds: 30 },
  DENIED_FIELDS: { windowSeconds: 60, threshold: 5 },
  CLASSIFIED_OPERATIONS: { windowSeconds: 60, threshold: 5 },
  NEW_PURPOSE: { windowSeconds: 60, threshold: 0 },
};

const configFile = (content: unknown) => {
  const file = join(temporary("tearline-anomaly-"), "anomaly.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
};

describe("the anomaly flags' configuration", () => {
  it("has committed defaults that flag but throttle no one, and no webhooks", () => {
    const config = loadAnomalyConfig({});
    expect(Object.keys(config.thresholds).sort()).toEqual(["CLASSIFIED_OPERATIONS", "DENIED_FIELDS", "NEW_PURPOSE", "REQUEST_RATE"]);
    expect(Object.values(config.thresholds).every((limit) => limit.throttleSeconds === undefined)).toBe(true);
    // The test suite sends 1,000 concurrent operations from one subject (test/e2e/audit.test.ts): no default trips on it.
    expect(config.thresholds.REQUEST_RATE.threshold).toBeGreaterThan(1000);
    expect(config.thresholds.CLASSIFIED_OPERATIONS.threshold).toBeGreaterThan(1000);
    expect(config.webhooks).toEqual({});
  });

  it("reads ANOMALY_CONFIG, filling the memory and webhook settings it leaves out", () => {
    const config = loadAnomalyConfig({ ANOMALY_CONFIG: configFile({ thresholds: THRESHOLDS }) });
    expect(config.thresholds).toEqual(THRESHOLDS);
    expect(config).toMatchObject({ subjects: 10_000, purposesPerSubject: 32, webhook: { attempts: 5, queue: 1000 } });
  });

  it("reads each nation's webhook from ANOMALY_WEBHOOKS", () => {
    const webhooks = { FRA: "https://soc.fra.example/tearline", EST: "http://127.0.0.1:9000/est" };
    expect(loadAnomalyConfig({ ANOMALY_WEBHOOKS: JSON.stringify(webhooks) }).webhooks).toEqual(webhooks);
  });

  it.each([
    ["a kind left out", { thresholds: { ...THRESHOLDS, NEW_PURPOSE: undefined } }, /thresholds\.NEW_PURPOSE/],
    ["an unknown kind", { thresholds: { ...THRESHOLDS, REQUEST_RATES: THRESHOLDS.REQUEST_RATE } }, /REQUEST_RATES/],
    [
      "a negative threshold",
      { thresholds: { ...THRESHOLDS, DENIED_FIELDS: { windowSeconds: 60, threshold: -1 } } },
      /DENIED_FIELDS\.threshold/,
    ],
    ["a window of 0", { thresholds: { ...THRESHOLDS, DENIED_FIELDS: { windowSeconds: 0, threshold: 1 } } }, /DENIED_FIELDS\.windowSeconds/],
    [
      "a fractional throttle",
      { thresholds: { ...THRESHOLDS, DENIED_FIELDS: { windowSeconds: 1, threshold: 1, throttleSeconds: 0.5 } } },
      /throttleSeconds/,
    ],
    ["no attempts", { thresholds: THRESHOLDS, webhook: { attempts: 0 } }, /webhook\.attempts/],
    [
      "the kind's former name, which said records where it counts operations",
      { thresholds: { ...THRESHOLDS, CLASSIFIED_OPERATIONS: undefined, CLASSIFIED_RECORDS: THRESHOLDS.CLASSIFIED_OPERATIONS } },
      /CLASSIFIED_RECORDS is now CLASSIFIED_OPERATIONS/,
    ],
    ["not JSON", "{ thresholds", /is not valid JSON/],
  ])("refuses a file with %s, naming it", (_name, content, message) => {
    const file = configFile(content);
    expect(() => loadAnomalyConfig({ ANOMALY_CONFIG: file })).toThrow(ConfigError);
    expect(() => loadAnomalyConfig({ ANOMALY_CONFIG: file })).toThrow(message);
  });

  it("refuses a file it cannot read", () => {
    expect(() => loadAnomalyConfig({ ANOMALY_CONFIG: "/nonexistent/anomaly.json" })).toThrow(
      /ANOMALY_CONFIG \/nonexistent\/anomaly.json cannot be read/,
    );
  });

  it.each([
    ["a nation that is not a code", { France: "https://soc.fra.example" }, /France/],
    ["a URL that is not http", { FRA: "ftp://soc.fra.example" }, /FRA: must be an http/],
    ["a list", ["https://soc.fra.example"], /ANOMALY_WEBHOOKS/],
  ])("refuses ANOMALY_WEBHOOKS with %s", (_name, webhooks, message) => {
    expect(() => loadAnomalyConfig({ ANOMALY_WEBHOOKS: JSON.stringify(webhooks) })).toThrow(message);
  });
});
