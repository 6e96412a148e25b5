import { aliasLimitRule } from "./alias-limit.js";
import { bannerPlanRule } from "./banner-plan.js";
import type { QueryRule } from "./context.js";
import { depthLimitRule } from "./depth-limit.js";
import { labelCheckRule } from "./label-check.js";
import { reservedAliasesRule } from "./reserved-aliases.js";

/**
 * The rules every operation is walked with, once, in parallel. Order matters
 * only where a rule reads what an earlier one reported: the banner plan skips
 * the fields the label check denied.
 */
export const specifiedQueryRules: readonly QueryRule[] = [
  reservedAliasesRule,
  depthLimitRule,
  aliasLimitRule,
  labelCheckRule,
  bannerPlanRule,
];
