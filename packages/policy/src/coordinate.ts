/** A schema coordinate `Type.field`: what labels are indexed and decided on, whatever alias a query uses. */
export const coordinate = (typeName: string, fieldName: string): string => `${typeName}.${fieldName}`;
