import { describe, expect, it } from "vitest";
import { classify, kindOf, SOAK_CLASSES, SOAK_KINDS } from "../../bench/soak-classes.js";
import { errorReasons, minuteRows, type SoakRecord, tally } from "../../bench/soak-report.js";

const expectOf = (id: string) => SOAK_KINDS.find((k) => k.id === id)!.expect;
const json = (value: unknown) => JSON.stringify(value);
const forbidden = { message: "withheld", path: ["a"], extensions: { code: "FORBIDDEN_FIELD", reason: "CLEARANCE" } };

describe("the soak's classes of request", () => {
  it("mixes 4 allowed, 2 redacted, 1 refused and 1 bad token in every 8, each class's kinds in turn", () => {
    const kinds = Array.from({ length: 8 * 6 }, (_, i) => SOAK_KINDS[kindOf(i)]!);
    const count = (cls: string) => kinds.filter((k) => k.class === cls).length;
    expect(SOAK_CLASSES.map(count)).toEqual([24, 12, 6, 6]);
    const refused = kinds.filter((k) => k.class === "refused").map((k) => k.id);
    expect(refused).toEqual(["too-costly", "rejected-field", "unheld-purpose", "too-costly", "rejected-field", "unheld-purpose"]);
    const bad = kinds.filter((k) => k.class === "bad_token").map((k) => k.id);
    expect(bad).toEqual(["expired", "wrong-signature", "garbage", "expired", "wrong-signature", "garbage"]);
  });

  it("accepts a whole answer for the cleared caller and nothing withheld from it", () => {
    const allowed = expectOf("allowed");
    expect(classify(allowed, 200, json({ data: { threatActors: [] } }))).toBeNull();
    expect(classify(allowed, 200, json({ data: { a: null }, errors: [forbidden] }))).toBe(
      "200 FORBIDDEN_FIELD: fields withheld from a cleared caller",
    );
    expect(classify(allowed, 200, json({ data: null, errors: [{ extensions: { code: "SUBGRAPH_ERROR" } }] }))).toBe(
      "200 SUBGRAPH_ERROR without data",
    );
    expect(classify(allowed, 503, json({ errors: [{ extensions: { code: "OVERLOADED" } }] }))).toBe("503 OVERLOADED instead of 200");
    expect(classify(allowed, 200, "<html>")).toBe("200, not JSON");
  });

  it("wants withheld fields, and only those errors, for the caller lacking clearance", () => {
    const redacted = expectOf("redacted");
    expect(classify(redacted, 200, json({ data: { a: null, b: 1 }, errors: [forbidden, forbidden] }))).toBeNull();
    expect(classify(redacted, 200, json({ data: { a: 1 } }))).toBe("200 without withheld fields");
    const timeout = { extensions: { code: "SUBGRAPH_TIMEOUT" } };
    expect(classify(redacted, 200, json({ data: { a: null }, errors: [forbidden, timeout] }))).toBe(
      "200 FORBIDDEN_FIELD,SUBGRAPH_TIMEOUT: unexpected errors",
    );
  });

  it("wants each refusal's own status and code", () => {
    const refusal = (code: string) => json({ errors: [{ message: "no", extensions: { code } }] });
    expect(classify(expectOf("too-costly"), 400, refusal("OPERATION_TOO_COSTLY"))).toBeNull();
    expect(classify(expectOf("too-costly"), 400, refusal("OPERATION_TOO_COMPLEX"))).toBe(
      "400 OPERATION_TOO_COMPLEX instead of OPERATION_TOO_COSTLY",
    );
    expect(classify(expectOf("rejected-field"), 403, refusal("FORBIDDEN_OPERATION"))).toBeNull();
    expect(classify(expectOf("unheld-purpose"), 403, refusal("PURPOSE_NOT_AUTHORISED"))).toBeNull();
    expect(classify(expectOf("garbage"), 401, refusal("UNAUTHENTICATED"))).toBeNull();
    // A bad token let through is the worst error of all: it must not pass.
    expect(classify(expectOf("expired"), 200, json({ data: { a: 1 } }))).toBe("200 instead of 401");
  });
});

describe("the soak's tallies", () => {
  const record = (i: number, cls: SoakRecord["cls"], latency: number | null, error: string | null): SoakRecord => ({
    i,
    cls,
    kind: cls,
    latency_ms: latency,
    error,
    request_id: null,
  });

  it("counts errors per class and minute, latency over the answered requests only", () => {
    // 2 requests a second: minute 1 holds requests 0–119.
    const records = [
      record(0, "allowed", 10, null),
      record(1, "refused", 30, "x"),
      record(119, "allowed", 20, null),
      record(120, "bad_token", null, "no answer (timeout)"),
    ];
    const samples = [
      { minute: 0.1, rss_mb: 100, cpu_s: 1 },
      { minute: 0.9, rss_mb: 104, cpu_s: 13 },
      { minute: 1.5, rss_mb: 110, cpu_s: 20 },
    ];
    const [first, second] = minuteRows(records, samples, 2);
    expect(first).toMatchObject({ minute: 1, requests: 3, errors: 1, p50_ms: 20, p99_ms: 30, rss_mb: 104, gateway_cores: 0.25 });
    expect(first!.by_class.refused).toMatchObject({ requests: 1, errors: 1, error_rate: 1 });
    expect(first!.by_class.allowed.error_rate).toBe(0);
    expect(second).toMatchObject({ minute: 2, requests: 1, errors: 1, rss_mb: 110 });
    expect(Number.isNaN(second!.p50_ms)).toBe(true);
    expect(tally(records).error_rate).toBe(0.5);
    expect(errorReasons([...records, record(5, "refused", 1, "x")])[0]).toEqual({ kind: "refused", error: "x", count: 2 });
  });
});
