import { Lexer, Source, TokenKind } from "graphql";

/**
 * Most brackets (`{`, `[`, `(`) open at once in a query, and most arrays and
 * objects nested in its variables. graphql-js parses, validates and coerces
 * recursively, and so do JSON.stringify and the gateway's canonical JSON:
 * a few thousand levels overflow the stack, whose message would reach the
 * client. Selections may be at most MAX_DEPTH (≤ 100) deep, so 128 leaves
 * room for arguments and never refuses an operation the depth limit allows.
 */
export const MAX_NESTING = 128;

const OPENING = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Whether the query text nests brackets deeper than `limit`, read token by
 * token (strings and comments are single tokens, so brackets inside them do
 * not count) without recursion. Stops after `maxTokens`: the parser refuses
 * a longer query anyway, and a lexical error is left for the parser to report.
 */
export function queryNestsDeeperThan(query: string, limit: number, maxTokens: number): boolean {
  const lexer = new Lexer(new Source(query));
  let depth = 0;
  try {
    for (let token = lexer.advance(), count = 0; token.kind !== TokenKind.EOF && count < maxTokens; token = lexer.advance(), count++) {
      if (OPENING.has(token.kind)) {
        if (++depth > limit) return true;
      } else if (CLOSING.has(token.kind)) depth--;
    }
  } catch {
    return false;
  }
  return false;
}

/** Whether a decoded JSON value nests arrays and objects deeper than `limit`; walked with a stack of its own, never recursively. */
export function valueNestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== "object" || next.value === null) continue;
    if (next.depth > limit) return true;
    for (const child of Array.isArray(next.value) ? next.value : Object.values(next.value))
      pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}
