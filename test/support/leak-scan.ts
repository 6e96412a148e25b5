import { expect } from "vitest";

/**
 * What no error a client reads may hold: a URL or address, a library's name, a stack frame or a runtime's own
 * error, a label value or a compartment name (CONTRIBUTING: a path, a code and a reason category only).
 */
export const LEAKS: readonly RegExp[] = [
  /https?:\/\//i,
  /\b\d{1,3}(\.\d{1,3}){3}\b/,
  /localhost/i,
  /apollo/i,
  /graphql-js/i,
  /undici/i,
  /\bjose\b/i,
  /\bpino\b/i,
  /\bzod\b/i,
  /\bat .*[(/].*:\d+/,
  /node:internal|node_modules/,
  /\b(TypeError|RangeError|SyntaxError|ReferenceError|ECONNREFUSED|ECONNRESET|EPIPE)\b/,
  /\b(TOP_SECRET|SECRET|CONFIDENTIAL|RESTRICTED|UNCLASSIFIED)\b/,
  /\b(NATO|FVEY|ORCHID|HARBOR)\b/,
];

/** Fails on the first leak found in `text` (an answer's errors, or its whole body). */
export function expectNoLeak(text: string, more: readonly RegExp[] = []): void {
  for (const pattern of [...LEAKS, ...more]) expect(text, `${pattern} in ${text.slice(0, 300)}`).not.toMatch(pattern);
}
