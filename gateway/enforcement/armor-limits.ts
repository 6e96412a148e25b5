import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { GraphQLError, type ValidationContext, type ValidationRule } from "graphql";
import { ErrorCode } from "../../lib/error-codes.js";

/** The limits graphql-armor enforces while an operation is validated, before its fragments are expanded. */
export interface ArmorLimits {
  /** Most fields deep; fragments add no depth of their own. */
  maxDepth: number;
  /** Most aliases, those inside fragments counted at every spread. */
  maxAliases: number;
  /** Most directives (@skip, @include), those inside fragments counted at every spread. */
  maxDirectives: number;
}

// Armor's errors say "Syntax Error: …" and are thrown out of validation by default; reported instead, with our code.
const report = (context: ValidationContext | null, error: GraphQLError) =>
  context?.reportError(
    new GraphQLError(error.message.replace(/^Syntax Error: /, ""), { extensions: { code: ErrorCode.OperationTooComplex } }),
  );
const reporting = { exposeLimits: true, propagateOnRejection: false, onReject: [report] };

/**
 * graphql-armor's depth, alias and directive limits as validation rules: each
 * is a count over the document that needs no schema, which armor does as we
 * would. What armor cannot do stays ours: the expanded-field cap (counted
 * before expanding, transforms/inline-fragments.ts) and the cost model, which
 * needs the schema's page sizes and the request's variables (rules/cost-limit.ts).
 */
export function armorRules(limits: ArmorLimits): ValidationRule[] {
  return [
    // flattenFragments: a fragment is a place in the document, not a level of the answer.
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...reporting }),
    maxAliasesRule({ n: limits.maxAliases, ...reporting }),
    maxDirectivesRule({ n: limits.maxDirectives, ...reporting }),
  ] as unknown as ValidationRule[];
}
