import {
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type TypeNode,
} from "graphql";

/** The directive that declares a list field's largest page (schema/page-size.graphql). */
export const PAGE_SIZE_DIRECTIVE = "pageSize";
/** The argument every list of objects takes its page size in. */
export const PAGE_SIZE_ARGUMENT = "first";
/** No declared maximum may be larger: a page is read whole into memory, at the subgraph and at the gateway. */
export const LARGEST_PAGE = 1000;

/** One list field's page: what an operation that does not say gets, and the most it may ask for. */
export interface PageSize {
  default: number;
  max: number;
}

/** A schema whose lists of objects lack a sound page size; the message lists every problem. */
export class PageSizeError extends Error {}

// Federation's and composition's own machinery, which no nation declares.
const isInternal = (name: string) => name.startsWith("join__") || name.startsWith("link__") || name.startsWith("_");

const isList = (type: TypeNode): boolean => (type.kind === Kind.NON_NULL_TYPE ? isList(type.type) : type.kind === Kind.LIST_TYPE);
const namedOf = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedOf(type.type));
const intOf = (node: { kind: Kind; value?: unknown } | undefined): number | undefined =>
  node?.kind === Kind.INT ? Number(node.value) : undefined;

/**
 * Every list-of-objects field's page size, by `Type.field`, read from an SDL
 * document: a nation's own subgraph schema or the composed supergraph. Fails
 * closed: a list of objects without `@pageSize`, or without a `first: Int`
 * argument whose default is within its maximum, fails the whole read, so a
 * list can never be unbounded by omission. Lists of scalars are not paged:
 * they are values of one record.
 */
export function readPageSizes(document: DocumentNode): Map<string, PageSize> {
  const composite = new Set<string>();
  const objects: Array<ObjectTypeDefinitionNode | ObjectTypeExtensionNode> = [];
  for (const definition of document.definitions) {
    if (!("name" in definition) || !definition.name || isInternal(definition.name.value)) continue;
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) objects.push(definition);
    if (
      [Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION, Kind.INTERFACE_TYPE_DEFINITION, Kind.UNION_TYPE_DEFINITION].includes(
        definition.kind,
      )
    )
      composite.add(definition.name.value);
  }
  const sizes = new Map<string, PageSize>();
  const problems: string[] = [];
  for (const type of objects) {
    for (const field of type.fields ?? []) {
      const at = `${type.name.value}.${field.name.value}`;
      const declared = field.directives?.filter((d) => d.name.value === PAGE_SIZE_DIRECTIVE) ?? [];
      if (!isList(field.type) || !composite.has(namedOf(field.type))) {
        if (declared.length > 0) problems.push(`${at} has @pageSize but does not return a list of objects`);
        continue;
      }
      const page = pageOf(
        field,
        declared.map((d) => intOf(d.arguments?.find((a) => a.name.value === "max")?.value)),
      );
      if (typeof page === "string") problems.push(`${at} ${page}`);
      else sizes.set(at, page);
    }
  }
  if (problems.length > 0) throw new PageSizeError(`Page sizes refused:\n  - ${problems.join("\n  - ")}`);
  return sizes;
}

/** The field's page, or what is wrong with it. */
function pageOf(field: FieldDefinitionNode, maxima: Array<number | undefined>): PageSize | string {
  if (maxima.length === 0) return "returns a list of objects without @pageSize(max:)";
  // Several applications (a field two nations resolve): the smallest maximum holds for both.
  const max = Math.min(...maxima.map((m) => m ?? Number.NaN));
  if (!Number.isInteger(max) || max < 1 || max > LARGEST_PAGE) return `@pageSize(max:) must be an integer from 1 to ${LARGEST_PAGE}`;
  const argument: InputValueDefinitionNode | undefined = field.arguments?.find((a) => a.name.value === PAGE_SIZE_ARGUMENT);
  if (!argument || argument.type.kind !== Kind.NAMED_TYPE || argument.type.name.value !== "Int")
    return `returns a list of objects without a nullable \`${PAGE_SIZE_ARGUMENT}: Int\` argument`;
  const fallback = intOf(argument.defaultValue);
  if (fallback === undefined || fallback < 0 || fallback > max)
    return `\`${PAGE_SIZE_ARGUMENT}\` needs a default from 0 to its @pageSize maximum ${max}`;
  return { default: fallback, max };
}
