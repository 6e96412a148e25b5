import {
  type ASTVisitor,
  type DirectiveNode,
  type FieldNode,
  type GraphQLOutputType,
  type GraphQLSchema,
  getEnterLeaveForKind,
  getNamedType,
  type InlineFragmentNode,
  isAbstractType,
  isObjectType,
  Kind,
  type TypeInfo,
} from "graphql";

/** Where a field sits in the response: what the response-phase walkers need to find its value. */
export interface FieldPlace {
  node: FieldNode;
  responseKey: string;
  /** Declared type of the field, for null propagation and list unwrapping. */
  type: GraphQLOutputType;
  /** The object types this field is selected on, when fewer than the parent could be. */
  onlyFor: ReadonlySet<string> | null;
  /** @skip/@include on the field and on the inline fragments between it and its parent field. */
  conditions: readonly DirectiveNode[];
  /** The concrete object types whose `Type.field` this selection reaches. */
  parentTypes: readonly string[];
  /** The parent field's place; undefined for a root field. */
  parent: FieldPlace | undefined;
  /** How many fields deep this one is; a root field is at depth 1. */
  depth: number;
}

interface Scope {
  /** Object types the current selection set can apply to. */
  concrete: readonly string[];
  /** Object types the enclosing field's value can be. */
  fieldTypes: readonly string[];
  conditions: readonly DirectiveNode[];
  field: FieldPlace | undefined;
}

// Stryker disable next-line ConditionalExpression: executable documents validated against the API schema carry no other directive.
const conditionsOf = (node: { directives?: readonly DirectiveNode[] }) =>
  (node.directives ?? []).filter((d) => d.name.value === "skip" || d.name.value === "include");

/**
 * Tracks, while an operation is walked with TypeInfo, which concrete object
 * types each selection can apply to (through interfaces, unions and type
 * conditions) and where each field lands in the response. Like TypeInfo, it
 * is kept by a wrapper visitor (visitWithScope), so the query rules only read
 * it and each keeps to its own concern.
 */
export class SelectionScope {
  private readonly scopes: Scope[];
  private readonly places: FieldPlace[] = [];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly typeInfo: TypeInfo,
    rootType: string,
  ) {
    this.scopes = [{ concrete: [rootType], fieldTypes: [rootType], conditions: [], field: undefined }];
  }

  private get top(): Scope {
    return this.scopes[this.scopes.length - 1]!;
  }

  /** The place of the field being visited; only valid inside a Field visitor. */
  get field(): FieldPlace {
    return this.places[this.places.length - 1]!;
  }

  possibleObjectTypes(typeName: string): string[] {
    const type = this.schema.getType(typeName);
    if (isObjectType(type)) return [type.name];
    if (isAbstractType(type)) return this.schema.getPossibleTypes(type).map((t) => t.name);
    return [];
  }

  enterField(node: FieldNode): void {
    const scope = this.top;
    const narrowed = scope.concrete.length < scope.fieldTypes.length;
    const place: FieldPlace = {
      node,
      responseKey: node.alias?.value ?? node.name.value,
      type: this.typeInfo.getType() ?? (this.typeInfo.getFieldDef()?.type as GraphQLOutputType),
      onlyFor: narrowed ? new Set(scope.concrete) : null,
      conditions: [...scope.conditions, ...conditionsOf(node)],
      parentTypes: scope.concrete,
      parent: scope.field,
      depth: (scope.field?.depth ?? 0) + 1,
    };
    this.places.push(place);
    const named = place.type ? getNamedType(place.type) : undefined;
    const types = named ? this.possibleObjectTypes(named.name) : [];
    this.scopes.push({ concrete: types, fieldTypes: types, conditions: [], field: place });
  }

  leaveField(): void {
    this.places.pop();
    this.scopes.pop();
  }

  enterInlineFragment(node: InlineFragmentNode): void {
    const scope = this.top;
    const condition = node.typeCondition ? new Set(this.possibleObjectTypes(node.typeCondition.name.value)) : undefined;
    this.scopes.push({
      concrete: condition ? scope.concrete.filter((t) => condition.has(t)) : scope.concrete,
      fieldTypes: scope.fieldTypes,
      conditions: [...scope.conditions, ...conditionsOf(node)],
      field: scope.field,
    });
  }

  leaveInlineFragment(): void {
    this.scopes.pop();
  }
}

/**
 * Keeps `scope` in step with the walk around `visitor`, as graphql's
 * visitWithTypeInfo keeps TypeInfo: entered before the visitor enters a node,
 * left after it leaves, and left at once when the visitor skips the node.
 * Expects fragments to be inlined already.
 */
export function visitWithScope(scope: SelectionScope, visitor: ASTVisitor): ASTVisitor {
  const wrap = (kind: Kind.FIELD | Kind.INLINE_FRAGMENT, open: (node: never) => void, close: () => void) => {
    const { enter, leave } = getEnterLeaveForKind(visitor, kind);
    return {
      enter(this: unknown, ...args: Parameters<NonNullable<typeof enter>>) {
        open(args[0] as never);
        const result: unknown = enter?.apply(visitor, args);
        if (result !== undefined) close();
        return result;
      },
      leave(this: unknown, ...args: Parameters<NonNullable<typeof leave>>) {
        const result: unknown = leave?.apply(visitor, args);
        close();
        return result;
      },
    };
  };
  return {
    ...visitor,
    Field: wrap(
      Kind.FIELD,
      (node: FieldNode) => scope.enterField(node),
      () => scope.leaveField(),
    ),
    InlineFragment: wrap(
      Kind.INLINE_FRAGMENT,
      (node: InlineFragmentNode) => scope.enterInlineFragment(node),
      () => scope.leaveInlineFragment(),
    ),
  } as ASTVisitor;
}

/** `__typename` and the introspection fields: they carry no nation's data and have no labels. */
export const isMetaField = (node: FieldNode) => node.name.value.startsWith("__");
