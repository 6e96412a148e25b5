import {
  getNamedType,
  isAbstractType,
  isObjectType,
  type DirectiveNode,
  type FieldNode,
  type GraphQLOutputType,
  type GraphQLSchema,
  type InlineFragmentNode,
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
}

interface Scope {
  /** Object types the current selection set can apply to. */
  concrete: readonly string[];
  /** Object types the enclosing field's value can be. */
  fieldTypes: readonly string[];
  conditions: readonly DirectiveNode[];
  field: FieldPlace | undefined;
}

const conditionsOf = (node: { directives?: readonly DirectiveNode[] }) =>
  (node.directives ?? []).filter((d) => d.name.value === "skip" || d.name.value === "include");

/**
 * Tracks, while a visitor walks an operation with TypeInfo, which concrete
 * object types each selection can apply to (through interfaces, unions and
 * type conditions) and where each field lands in the response. Shared by the
 * visitors so that each one keeps to its own concern.
 */
export class SelectionScope {
  private readonly scopes: Scope[];

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

  possibleObjectTypes(typeName: string): string[] {
    const type = this.schema.getType(typeName);
    if (isObjectType(type)) return [type.name];
    if (isAbstractType(type)) return this.schema.getPossibleTypes(type).map((t) => t.name);
    return [];
  }

  /** Call on entering a Field; returns its place. Pair with leaveField when its selection set is visited. */
  enterField(node: FieldNode): FieldPlace {
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
    };
    return place;
  }

  /** Opens the field's selection set as the current scope. */
  pushField(place: FieldPlace): void {
    const named = place.type ? getNamedType(place.type) : undefined;
    const types = named ? this.possibleObjectTypes(named.name) : [];
    this.scopes.push({ concrete: types, fieldTypes: types, conditions: [], field: place });
  }

  leaveField(): void {
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

  /** The InlineFragment handlers every visitor that uses this scope needs. */
  readonly inlineFragmentVisitor = {
    enter: (node: InlineFragmentNode) => this.enterInlineFragment(node),
    leave: () => this.leaveInlineFragment(),
  };
}

export const isTypename = (node: FieldNode) => node.name.value === "__typename";
export const isIntrospection = (node: FieldNode) => node.name.value.startsWith("__");
