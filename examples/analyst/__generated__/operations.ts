/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Probability yardstick of the assessment. */
export type Confidence =
  | 'HIGH'
  | 'LOW'
  | 'MEDIUM';

export type IndicatorKind =
  | 'DOMAIN'
  | 'IPV4'
  | 'SHA256';

export type Motivation =
  | 'ESPIONAGE'
  | 'FINANCIAL'
  | 'HACKTIVISM'
  | 'INFLUENCE'
  | 'SABOTAGE';

export type Sector =
  | 'DEFENCE'
  | 'ENERGY'
  | 'FINANCE'
  | 'GOVERNMENT'
  | 'HEALTH'
  | 'TELECOM'
  | 'TRANSPORT';

export type ThreatLevel =
  | 'CRITICAL'
  | 'LOW'
  | 'MODERATE'
  | 'SEVERE'
  | 'SUBSTANTIAL';

export type ActorDossierQueryVariables = Exact<{
  id: string | number;
}>;


export type ActorDossierQuery = { threatActor: { id: string, name: string, aliases: Array<string>, motivation: Motivation, watchlistEntry: string | null, assessment: { threatLevel: ThreatLevel, confidence: Confidence, assessedAt: string } | null, sightings: Array<{ observedAt: string, country: string, sector: Sector }> | null, indicators: Array<{ kind: IndicatorKind, value: string, lastSeen: string }> | null } | null };

export type IndicatorLookupQueryVariables = Exact<{
  value: string;
}>;


export type IndicatorLookupQuery = { indicator: { kind: IndicatorKind, value: string, firstSeen: string, lastSeen: string, confidence: number, tags: Array<string>, actor: { id: string, name: string, motivation: Motivation, assessment: { threatLevel: ThreatLevel, confidence: Confidence } | null, sightings: Array<{ observedAt: string, country: string, sector: Sector }> | null } | null } | null };

export type RecentReportingQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type RecentReportingQuery = { gbrReports: Array<{ __typename: 'GbrReport', id: string, title: string, admiralty: string, collectedAt: string, originator: string, actor: { id: string, name: string, assessment: { threatLevel: ThreatLevel } | null } | null }> | null, fraReports: Array<{ __typename: 'FraReport', id: string, title: string, admiralty: string, collectedAt: string, originator: string, actor: { id: string, name: string, assessment: { threatLevel: ThreatLevel } | null } | null }> | null, deuReports: Array<{ __typename: 'DeuReport', id: string, title: string, admiralty: string, collectedAt: string, originator: string, actor: { id: string, name: string, assessment: { threatLevel: ThreatLevel } | null } | null }> | null, estReports: Array<{ __typename: 'EstReport', id: string, title: string, admiralty: string, collectedAt: string, originator: string, actor: { id: string, name: string, assessment: { threatLevel: ThreatLevel } | null } | null }> | null };

type ReportCard_DeuReport_Fragment = { __typename: 'DeuReport', id: string, title: string, admiralty: string, collectedAt: string, originator: string, actor: { id: string, name: string, assessment: { threatLevel: ThreatLevel } | null } | null };

type ReportCard_EstReport_Fragment = { __typename: 'EstReport', id: string, title: string, admiralty: string, collectedAt: string, originator: string, actor: { id: string, name: string, assessment: { threatLevel: ThreatLevel } | null } | null };

type ReportCard_FraReport_Fragment = { __typename: 'FraReport', id: string, title: string, admiralty: string, collectedAt: string, originator: string, actor: { id: string, name: string, assessment: { threatLevel: ThreatLevel } | null } | null };

type ReportCard_GbrReport_Fragment = { __typename: 'GbrReport', id: string, title: string, admiralty: string, collectedAt: string, originator: string, actor: { id: string, name: string, assessment: { threatLevel: ThreatLevel } | null } | null };

export type ReportCardFragment =
  | ReportCard_DeuReport_Fragment
  | ReportCard_EstReport_Fragment
  | ReportCard_FraReport_Fragment
  | ReportCard_GbrReport_Fragment
;

export const ReportCardFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ReportCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Report"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"admiralty"}},{"kind":"Field","name":{"kind":"Name","value":"collectedAt"}},{"kind":"Field","name":{"kind":"Name","value":"originator"}},{"kind":"Field","name":{"kind":"Name","value":"actor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"assessment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"threatLevel"}}]}}]}}]}}]} as unknown as DocumentNode<ReportCardFragment, unknown>;
export const ActorDossierDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ActorDossier"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"threatActor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"motivation"}},{"kind":"Field","name":{"kind":"Name","value":"assessment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"threatLevel"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"assessedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sightings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"observedAt"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"sector"}}]}},{"kind":"Field","name":{"kind":"Name","value":"watchlistEntry"}},{"kind":"Field","name":{"kind":"Name","value":"indicators"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"lastSeen"}}]}}]}}]}}]} as unknown as DocumentNode<ActorDossierQuery, ActorDossierQueryVariables>;
export const IndicatorLookupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IndicatorLookup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"value"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"indicator"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"value"},"value":{"kind":"Variable","name":{"kind":"Name","value":"value"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"firstSeen"}},{"kind":"Field","name":{"kind":"Name","value":"lastSeen"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"actor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"motivation"}},{"kind":"Field","name":{"kind":"Name","value":"assessment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"threatLevel"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sightings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"observedAt"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"sector"}}]}}]}}]}}]}}]} as unknown as DocumentNode<IndicatorLookupQuery, IndicatorLookupQueryVariables>;
export const RecentReportingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RecentReporting"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gbrReports"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ReportCard"}}]}},{"kind":"Field","name":{"kind":"Name","value":"fraReports"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ReportCard"}}]}},{"kind":"Field","name":{"kind":"Name","value":"deuReports"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ReportCard"}}]}},{"kind":"Field","name":{"kind":"Name","value":"estReports"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ReportCard"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ReportCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Report"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"admiralty"}},{"kind":"Field","name":{"kind":"Name","value":"collectedAt"}},{"kind":"Field","name":{"kind":"Name","value":"originator"}},{"kind":"Field","name":{"kind":"Name","value":"actor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"assessment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"threatLevel"}}]}}]}}]}}]} as unknown as DocumentNode<RecentReportingQuery, RecentReportingQueryVariables>;