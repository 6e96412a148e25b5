import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ReportRow } from '../../shared/reports.js';
import type { NationContext } from '../../shared/context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO 8601 date-time in UTC. */
  DateTime: { input: string; output: Date | string; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** Classification levels, lowest first. */
export type Classification =
  | 'CONFIDENTIAL'
  | 'RESTRICTED'
  | 'SECRET'
  | 'TOP_SECRET'
  | 'UNCLASSIFIED';

/** Probability yardstick of the assessment. */
export type Confidence =
  | 'HIGH'
  | 'LOW'
  | 'MEDIUM';

/** What happens to an operation that touches a field the caller may not see. */
export type DenyMode =
  /** Remove the field before planning; the response has null and an error at its path. */
  | 'REDACT'
  /** Refuse the whole operation. */
  | 'REJECT';

export type FraReport = Report & {
  __typename?: 'FraReport';
  actor?: Maybe<ThreatActor>;
  admiralty: Scalars['String']['output'];
  body?: Maybe<Scalars['String']['output']>;
  collectedAt: Scalars['DateTime']['output'];
  credibility: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  originator: Scalars['String']['output'];
  reliability: SourceReliability;
  summary: Scalars['String']['output'];
  title: Scalars['String']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** FRA's reports, newest first, optionally about one actor. */
  fraReports?: Maybe<Array<FraReport>>;
};


export type QueryFraReportsArgs = {
  actorId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  offset?: InputMaybe<Scalars['Int']['input']>;
};

/** A finished intelligence report. Each nation publishes its own implementation. */
export type Report = {
  actor?: Maybe<ThreatActor>;
  /** The combined Admiralty grading, for example B2. */
  admiralty: Scalars['String']['output'];
  body?: Maybe<Scalars['String']['output']>;
  collectedAt: Scalars['DateTime']['output'];
  /** Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged). */
  credibility: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  /** ISO 3166 alpha-3 code of the nation that wrote the report. */
  originator: Scalars['String']['output'];
  /** Admiralty source reliability, A to F. */
  reliability: SourceReliability;
  summary: Scalars['String']['output'];
  title: Scalars['String']['output'];
};

/** Admiralty code, source reliability: A (completely reliable) to F (cannot be judged). */
export type SourceReliability =
  | 'A'
  | 'B'
  | 'C'
  | 'D'
  | 'E'
  | 'F';

export type ThreatActor = {
  __typename?: 'ThreatActor';
  /** FRA's current assessment of the actor. */
  assessment?: Maybe<ThreatAssessment>;
  /** FRA's reports about this actor, newest first. */
  fraReports?: Maybe<Array<FraReport>>;
  id: Scalars['ID']['output'];
};


export type ThreatActorFraReportsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ThreatAssessment = {
  __typename?: 'ThreatAssessment';
  assessedAt: Scalars['DateTime']['output'];
  confidence: Confidence;
  judgement?: Maybe<Scalars['String']['output']>;
  sectorsTargeted: Array<Scalars['String']['output']>;
  threatLevel: ThreatLevel;
};

export type ThreatLevel =
  | 'CRITICAL'
  | 'LOW'
  | 'MODERATE'
  | 'SEVERE'
  | 'SUBSTANTIAL';

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  FraReport: FraReport;
  ThreatActor: ThreatActor;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  FraReport:
    ( { __typename: 'FraReport' }
    & GraphQLRecursivePick<FederationTypes['FraReport'], {"id":true}> );
  ThreatActor:
    ( { __typename: 'ThreatActor' }
    & GraphQLRecursivePick<FederationTypes['ThreatActor'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Classification: ResolverTypeWrapper<Partial<Classification>>;
  Confidence: ResolverTypeWrapper<Partial<Confidence>>;
  DateTime: ResolverTypeWrapper<Partial<Scalars['DateTime']['output']>>;
  DenyMode: ResolverTypeWrapper<Partial<DenyMode>>;
  FraReport: ResolverTypeWrapper<ReportRow>;
  ID: ResolverTypeWrapper<Partial<Scalars['ID']['output']>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Report: ResolverTypeWrapper<ReportRow>;
  SourceReliability: ResolverTypeWrapper<Partial<SourceReliability>>;
  ThreatActor: ResolverTypeWrapper<Partial<Omit<ThreatActor, 'fraReports'> & { fraReports?: Maybe<Array<ResolversTypes['FraReport']>> }>>;
  ThreatAssessment: ResolverTypeWrapper<Partial<ThreatAssessment>>;
  ThreatLevel: ResolverTypeWrapper<Partial<ThreatLevel>>;
  String: ResolverTypeWrapper<Partial<Scalars['String']['output']>>;
  Int: ResolverTypeWrapper<Partial<Scalars['Int']['output']>>;
  Boolean: ResolverTypeWrapper<Partial<Scalars['Boolean']['output']>>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  DateTime: Partial<Scalars['DateTime']['output']>;
  FraReport: ReportRow;
  ID: Partial<Scalars['ID']['output']>;
  Query: Record<PropertyKey, never>;
  Report: ReportRow;
  ThreatActor: Partial<Omit<ThreatActor, 'fraReports'> & { fraReports?: Maybe<Array<ResolversParentTypes['FraReport']>> } | FederationReferenceTypes['ThreatActor']>;
  ThreatAssessment: Partial<ThreatAssessment>;
  String: Partial<Scalars['String']['output']>;
  Int: Partial<Scalars['Int']['output']>;
  Boolean: Partial<Scalars['Boolean']['output']>;
}>;

export type LabelDirectiveArgs = {
  compartments?: Maybe<Array<Scalars['String']['input']>>;
  level: Classification;
  onDeny?: Maybe<DenyMode>;
  owner?: Maybe<Scalars['String']['input']>;
  purposes?: Maybe<Array<Scalars['String']['input']>>;
  releasableTo?: Maybe<Array<Scalars['String']['input']>>;
  scopes?: Maybe<Array<Scalars['String']['input']>>;
};

export type LabelDirectiveResolver<Result, Parent, ContextType = NationContext, Args = LabelDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type PageSizeDirectiveArgs = {
  max: Scalars['Int']['input'];
};

export type PageSizeDirectiveResolver<Result, Parent, ContextType = NationContext, Args = PageSizeDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type FraReportResolvers<ContextType = NationContext, ParentType extends ResolversParentTypes['FraReport'] = ResolversParentTypes['FraReport'], FederationReferenceType extends FederationReferenceTypes['FraReport'] = FederationReferenceTypes['FraReport']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['FraReport']> | FederationReferenceType, FederationReferenceType, ContextType>;
  actor?: Resolver<Maybe<ResolversTypes['ThreatActor']>, ParentType, ContextType>;
  admiralty?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  body?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  collectedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  credibility?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  originator?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reliability?: Resolver<ResolversTypes['SourceReliability'], ParentType, ContextType>;
  summary?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = NationContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  fraReports?: Resolver<Maybe<Array<ResolversTypes['FraReport']>>, ParentType, ContextType, RequireFields<QueryFraReportsArgs, 'first' | 'offset'>>;
}>;

export type ReportResolvers<ContextType = NationContext, ParentType extends ResolversParentTypes['Report'] = ResolversParentTypes['Report']> = ResolversObject<{
  __resolveType: TypeResolveFn<'FraReport', ParentType, ContextType>;
}>;

export type ThreatActorResolvers<ContextType = NationContext, ParentType extends ResolversParentTypes['ThreatActor'] = ResolversParentTypes['ThreatActor'], FederationReferenceType extends FederationReferenceTypes['ThreatActor'] = FederationReferenceTypes['ThreatActor']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['ThreatActor']> | FederationReferenceType, FederationReferenceType, ContextType>;
  assessment?: Resolver<Maybe<ResolversTypes['ThreatAssessment']>, ParentType, ContextType>;
  fraReports?: Resolver<Maybe<Array<ResolversTypes['FraReport']>>, ParentType, ContextType, RequireFields<ThreatActorFraReportsArgs, 'first'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type ThreatAssessmentResolvers<ContextType = NationContext, ParentType extends ResolversParentTypes['ThreatAssessment'] = ResolversParentTypes['ThreatAssessment']> = ResolversObject<{
  assessedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  confidence?: Resolver<ResolversTypes['Confidence'], ParentType, ContextType>;
  judgement?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sectorsTargeted?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  threatLevel?: Resolver<ResolversTypes['ThreatLevel'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = NationContext> = ResolversObject<{
  DateTime?: GraphQLScalarType;
  FraReport?: FraReportResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Report?: ReportResolvers<ContextType>;
  ThreatActor?: ThreatActorResolvers<ContextType>;
  ThreatAssessment?: ThreatAssessmentResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = NationContext> = ResolversObject<{
  label?: LabelDirectiveResolver<any, any, ContextType>;
  pageSize?: PageSizeDirectiveResolver<any, any, ContextType>;
}>;
