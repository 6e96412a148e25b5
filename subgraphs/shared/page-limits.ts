import { GraphQLError } from "graphql";
import type { IMiddlewareFieldMap, IMiddlewareFunction } from "graphql-middleware";
import { ErrorCode } from "../../lib/error-codes.js";
import { PAGE_SIZE_ARGUMENT, type PageSize } from "../../lib/page-sizes.js";

/**
 * The nation's own page-size maximum on every list of objects it resolves,
 * from the @pageSize of its own schema: whoever asks, no resolver is asked
 * for more than the maximum. A page size past it is refused, not clamped:
 * the gateway refuses the same ask before planning, so only a caller that
 * bypassed it gets here, and a list cut short without a word would pass for
 * the whole answer. No page size at all (or null) is the declared default,
 * so the resolvers always receive a number in range.
 */
export function pageLimits(sizes: ReadonlyMap<string, PageSize>): Record<string, IMiddlewareFieldMap> {
  const map: Record<string, IMiddlewareFieldMap> = {};
  for (const [at, page] of sizes) {
    const [type, field] = at.split(".") as [string, string];
    map[type] ??= {};
    map[type][field] = limitTo(page);
  }
  return map;
}

function limitTo(page: PageSize): IMiddlewareFunction {
  return async (resolve, parent, args: Record<string, unknown>, context, info) => {
    const asked = args[PAGE_SIZE_ARGUMENT];
    if (asked === undefined || asked === null) return resolve(parent, { ...args, [PAGE_SIZE_ARGUMENT]: page.default }, context, info);
    if (typeof asked !== "number" || !Number.isInteger(asked) || asked < 0 || asked > page.max)
      throw new GraphQLError(`${PAGE_SIZE_ARGUMENT} must be from 0 to ${page.max} here`, { extensions: { code: ErrorCode.BadUserInput } });
    return resolve(parent, args, context, info);
  };
}
