import { bannerPlanRule } from "./banner-plan.js";
import type { QueryRule } from "./context.js";
import { costLimitRule } from "./cost-limit.js";
import { labelCheckRule } from "./label-check.js";
import { reservedAliasesRule } from "./reserved-aliases.js";

/**
 * The rules every operation is walked with, once, in parallel. Order matters
 * only where a rule reads what an earlier one reported: the cost model and
 * the banner plan skip the fields the label check denied. (Depth, aliases and
 * directives are limited earlier, by graphql-armor while validating.)
 */
export const specifiedQueryRules: readonly QueryRule[] = [reservedAliasesRule, labelCheckRule, costLimitRule, bannerPlanRule];
