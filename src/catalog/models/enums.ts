import { registerEnumType } from '@nestjs/graphql';

export enum ResponsibilityLevel {
  COUNTY = 'COUNTY',
  MUNICIPALITY = 'MUNICIPALITY',
  STATE = 'STATE',
  FEDERAL = 'FEDERAL',
  OTHER = 'OTHER',
}
export enum ServiceStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  RETIRED = 'RETIRED',
}
export enum Audience {
  CITIZENS = 'CITIZENS',
  BUSINESSES = 'BUSINESSES',
}
export enum OnlineAvailability {
  ONLINE = 'ONLINE',
  PARTLY_ONLINE = 'PARTLY_ONLINE',
  OFFLINE = 'OFFLINE',
}
export enum TrustLevel {
  NONE = 'NONE',
  LOW = 'LOW',
  SUBSTANTIAL = 'SUBSTANTIAL',
  HIGH = 'HIGH',
}
export enum OrganisationKind {
  COUNTY = 'COUNTY',
  MUNICIPALITY = 'MUNICIPALITY',
  UNIT = 'UNIT',
}
export enum ServicePointKind {
  OFFICE = 'OFFICE',
  CONSULTATION = 'CONSULTATION',
  SERVICEMOBIL = 'SERVICEMOBIL',
}
export enum Weekday {
  MONDAY = 'MONDAY',
  TUESDAY = 'TUESDAY',
  WEDNESDAY = 'WEDNESDAY',
  THURSDAY = 'THURSDAY',
  FRIDAY = 'FRIDAY',
  SATURDAY = 'SATURDAY',
  SUNDAY = 'SUNDAY',
}

registerEnumType(ResponsibilityLevel, { name: 'ResponsibilityLevel', description: 'Which level of government is responsible.' });
registerEnumType(ServiceStatus, { name: 'ServiceStatus' });
registerEnumType(Audience, { name: 'Audience' });
registerEnumType(OnlineAvailability, { name: 'OnlineAvailability' });
registerEnumType(TrustLevel, { name: 'TrustLevel', description: 'Vertrauensniveau (eIDAS) of the online service.' });
registerEnumType(OrganisationKind, { name: 'OrganisationKind' });
registerEnumType(ServicePointKind, { name: 'ServicePointKind' });
registerEnumType(Weekday, { name: 'Weekday' });
