import { describe, expect, it } from "vitest";
import type { Detector, Limit } from "../../gateway/oversight/anomaly/detector.js";
import { classifiedOperations } from "../../gateway/oversight/anomaly/detectors/classified-operations.js";
import { deniedFields } from "../../gateway/oversight/anomaly/detectors/denied-fields.js";
import { specifiedDetectors } from "../../gateway/oversight/anomaly/detectors/index.js";
import { newPurpose } from "../../gateway/oversight/anomaly/detectors/new-purpose.js";
import { requestRate } from "../../gateway/oversight/anomaly/detectors/request-rate.js";
import type { Observation } from "../../gateway/oversight/anomaly/observation.js";
import { limit, observation } from "../support/anomaly-fixture.js";

const SUBJECTS = 100;

// Each detector, threshold 2 in a 10 s window: the operations one subject makes (at, in seconds), and which of them
// raise a flag (with the window's count). Below, at and above the threshold, the window sliding, and re-arming.
interface Row {
  name: string;
  steps: Array<[at: number, operation: Partial<Observation>, flagged?: number]>;
}

const DENIED = { denied: 1, deniedOwners: ["FRA"] };
const CLASSIFIED = { classified: 1 as const, classifiedOwners: ["DEU"] };

const tables: Record<string, { detector: (limit: Limit) => Detector; rows: Row[] }> = {
  REQUEST_RATE: {
    detector: (l) => requestRate(l, SUBJECTS),
    rows: [
      { name: "below", steps: [[0, {}]] },
      {
        name: "at",
        steps: [
          [0, {}],
          [1, {}],
        ],
      },
      {
        name: "above",
        steps: [
          [0, {}],
          [1, {}],
          [2, {}, 3],
        ],
      },
      {
        name: "refused operations count too",
        steps: [
          [0, { owners: [] }],
          [1, { owners: [] }],
          [2, { owners: [] }, 3],
        ],
      },
      {
        name: "the window slides",
        steps: [
          [0, {}],
          [1, {}],
          [10, {}],
          [11, {}],
        ],
      },
      {
        name: "re-arms once back at the threshold",
        steps: [
          [0, {}],
          [0, {}],
          [0, {}, 3],
          [0, {}],
          [10, {}],
          [10, {}],
          [10, {}, 3],
        ],
      },
    ],
  },
  DENIED_FIELDS: {
    detector: (l) => deniedFields(l, SUBJECTS),
    rows: [
      {
        name: "allowed fields count for nothing",
        steps: [
          [0, {}],
          [1, {}],
          [2, {}],
          [3, {}],
        ],
      },
      { name: "below", steps: [[0, DENIED]] },
      {
        name: "at",
        steps: [
          [0, DENIED],
          [1, DENIED],
        ],
      },
      {
        name: "above",
        steps: [
          [0, DENIED],
          [1, {}],
          [2, DENIED],
          [3, DENIED, 3],
        ],
      },
      { name: "every denied field of one operation counts", steps: [[0, { denied: 3, deniedOwners: ["FRA"] }, 3]] },
      {
        name: "the window slides",
        steps: [
          [0, DENIED],
          [1, DENIED],
          [10, DENIED],
          [11, DENIED],
        ],
      },
      {
        name: "re-arms once back at the threshold",
        steps: [
          [0, { denied: 5 }, 5],
          [1, DENIED],
          [10, {}],
          [11, { denied: 3 }, 3],
        ],
      },
    ],
  },
  CLASSIFIED_OPERATIONS: {
    detector: (l) => classifiedOperations(l, SUBJECTS),
    rows: [
      {
        name: "unclassified reads count for nothing",
        steps: [
          [0, {}],
          [1, {}],
          [2, {}],
        ],
      },
      { name: "below", steps: [[0, CLASSIFIED]] },
      {
        name: "at",
        steps: [
          [0, CLASSIFIED],
          [1, CLASSIFIED],
        ],
      },
      {
        name: "above",
        steps: [
          [0, CLASSIFIED],
          [1, CLASSIFIED],
          [2, CLASSIFIED, 3],
        ],
      },
      {
        name: "the window slides",
        steps: [
          [0, CLASSIFIED],
          [5, CLASSIFIED],
          [10, CLASSIFIED],
          [15, CLASSIFIED],
        ],
      },
      {
        name: "re-arms once back at the threshold",
        steps: [
          [0, CLASSIFIED],
          [0, CLASSIFIED],
          [0, CLASSIFIED, 3],
          [9, CLASSIFIED],
          [9.5, CLASSIFIED, undefined],
          [10, CLASSIFIED, 3],
        ],
      },
    ],
  },
  NEW_PURPOSE: {
    detector: (l) => newPurpose(l, { subjects: SUBJECTS, purposesPerSubject: 8 }),
    rows: [
      {
        name: "the first purpose is the subject's baseline",
        steps: [
          [0, { purpose: "CT" }],
          [1, { purpose: "CT" }],
        ],
      },
      {
        name: "below",
        steps: [
          [0, { purpose: "CT" }],
          [1, { purpose: "CYBER" }],
        ],
      },
      {
        name: "at",
        steps: [
          [0, { purpose: "CT" }],
          [1, { purpose: "CYBER" }],
          [2, { purpose: "CP" }],
        ],
      },
      {
        name: "above",
        steps: [
          [0, { purpose: "CT" }],
          [1, { purpose: "CYBER" }],
          [2, { purpose: "CT" }],
          [3, { purpose: "CP" }],
          [4, { purpose: "OSINT" }, 3],
        ],
      },
      {
        name: "a purpose used before is not new again",
        steps: [
          [0, { purpose: "CT" }],
          [1, { purpose: "CYBER" }],
          ...[2, 3, 4, 5].map((at) => [at, { purpose: "CYBER" }] as [number, Partial<Observation>]),
        ],
      },
      {
        name: "the window slides",
        steps: [
          [0, { purpose: "CT" }],
          [1, { purpose: "CYBER" }],
          [2, { purpose: "CP" }],
          [11, { purpose: "OSINT" }],
          [12, { purpose: "POLICY" }],
        ],
      },
    ],
  },
};

describe.each(Object.entries(tables))("the %s detector, threshold 2 in 10 s", (flag, { detector, rows }) => {
  it.each(rows)("$name", ({ steps }) => {
    const watched = detector(limit(2, 10));
    expect(watched.flag).toBe(flag);
    const flagged = steps.map(([at, operation]) => watched.observe(observation({ at: at * 1000, ...operation }))?.count);
    expect(flagged).toEqual(steps.map(([, , count]) => count));
  });

  it("counts each subject apart", () => {
    const watched = detector(limit(0, 10));
    const flags = ["a", "b", "a", "b"].map((sub, i) =>
      watched.observe(observation({ sub, at: i, purpose: i < 2 ? "CT" : "CYBER", ...DENIED, ...CLASSIFIED })),
    );
    expect(flags.map((crossing) => crossing !== undefined)).toEqual(
      flag === "NEW_PURPOSE" ? [false, false, true, true] : [true, true, false, false],
    );
  });

  it(`remembers at most ${SUBJECTS} subjects, forgetting the least recently seen`, () => {
    const watched = detector(limit(1000, 10));
    for (let i = 0; i < SUBJECTS * 3; i++) watched.observe(observation({ sub: `analyst-${i}`, at: i, ...DENIED, ...CLASSIFIED }));
    expect(watched.subjects).toBeLessThanOrEqual(SUBJECTS);
    expect(watched.subjects).toBeGreaterThan(0);
  });
});

describe("what a flag names", () => {
  it("the owners of the data reached for within the window, sorted", () => {
    const watched = requestRate(limit(1, 10), SUBJECTS);
    watched.observe(observation({ at: 0, owners: ["FRA"] }));
    expect(watched.observe(observation({ at: 1000, owners: ["EST", "DEU"] }))).toEqual({ count: 2, owners: ["DEU", "EST", "FRA"] });
  });

  it("for denied fields, only the owners of the fields denied; for classified reads, the subgraphs that returned them", () => {
    const denied = deniedFields(limit(0, 10), SUBJECTS).observe(observation({ owners: ["GBR", "FRA"], denied: 1, deniedOwners: ["FRA"] }));
    expect(denied?.owners).toEqual(["FRA"]);
    const classified = classifiedOperations(limit(0, 10), SUBJECTS).observe(observation({ owners: ["GBR", "EST"], ...CLASSIFIED }));
    expect(classified?.owners).toEqual(["DEU"]);
  });

  it("for a new purpose, the purpose that was new (the crossing's own); no other kind names one", () => {
    const watched = newPurpose(limit(1, 10), { subjects: SUBJECTS, purposesPerSubject: 8 });
    const crossings = ["CT", "CYBER", "CT", "CP"].map((purpose, i) => watched.observe(observation({ purpose, at: i * 1000 })));
    expect(crossings).toEqual([undefined, undefined, undefined, { count: 2, owners: ["GBR"], purpose: "CP" }]);
    expect(requestRate(limit(0, 10), SUBJECTS).observe(observation({ purpose: "CT" }))).not.toHaveProperty("purpose");
  });

  it("forgets a subject's least recently used purpose past its bound, which is then new again", () => {
    const watched = newPurpose(limit(0, 10), { subjects: SUBJECTS, purposesPerSubject: 2 });
    const crossed = ["CT", "CYBER", "CP", "CT"].map(
      (purpose, i) => watched.observe(observation({ purpose, at: i * 20_000 })) !== undefined,
    );
    expect(crossed).toEqual([false, true, true, true]);
  });
});

describe("the list of detectors", () => {
  it("runs every kind, in the order flags are raised", () => {
    const every = limit(1);
    const detectors = specifiedDetectors(
      { REQUEST_RATE: every, DENIED_FIELDS: every, CLASSIFIED_OPERATIONS: every, NEW_PURPOSE: every },
      { subjects: 10, purposesPerSubject: 4 },
    );
    expect(detectors.map((detector) => detector.flag)).toEqual(["REQUEST_RATE", "DENIED_FIELDS", "CLASSIFIED_OPERATIONS", "NEW_PURPOSE"]);
  });
});
