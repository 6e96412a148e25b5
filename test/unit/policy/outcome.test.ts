import { type DenyMode, type EnforcementMode, operationOutcome } from "@tearline/policy";
import { describe, expect, it } from "vitest";

const denials = (...modes: DenyMode[]) => modes.map((onDeny) => ({ onDeny }));

describe("operationOutcome: what denials do to an operation, decided in one place", () => {
  it.each<[string, { onDeny: DenyMode }[], EnforcementMode, "execute" | "reject"]>([
    ["no denial, redact mode", denials(), "redact", "execute"],
    ["no denial, reject mode", denials(), "reject", "execute"],
    ["one REDACT denial, redact mode", denials("REDACT"), "redact", "execute"],
    ["REDACT denials, redact mode", denials("REDACT", "REDACT"), "redact", "execute"],
    ["a REJECT denial after REDACT ones", denials("REDACT", "REDACT", "REJECT"), "redact", "reject"],
    ["a REJECT denial before a REDACT one", denials("REJECT", "REDACT"), "redact", "reject"],
    ["only REJECT denials", denials("REJECT"), "redact", "reject"],
    ["a REDACT denial, reject mode", denials("REDACT"), "reject", "reject"],
    ["a REJECT denial, reject mode", denials("REJECT"), "reject", "reject"],
  ])("%s → %s", (_name, list, mode, outcome) => {
    expect(operationOutcome(list, mode)).toBe(outcome);
  });
});
