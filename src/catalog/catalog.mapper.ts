import type { Contact as ContactFile, Address as AddressFile, LocalizedText, Unverified } from '../generated/catalog-common.js';
import type { OrganisationFile, ServiceAreaFile, ServicePointFile } from './catalog.types.js';
import { Localizer } from './localize.js';
import type { MergedService } from './override.merge.js';
import type { Address, CodeLabel, Contact, UnverifiedFact } from './models/common.model.js';
import { Audience, OnlineAvailability, OrganisationKind, ResponsibilityLevel, ServicePointKind, ServiceStatus, TrustLevel, Weekday } from './models/enums.js';
import type { Organisation } from './models/organisation.model.js';
import type { ServiceArea } from './models/service-area.model.js';
import type { OpeningHours, ServicePoint } from './models/service-point.model.js';
import type { Service } from './models/service.model.js';
import { weeklyTable } from './opening-hours.js';

const address = (a: AddressFile | undefined): Address | undefined => (a ? { ...a } : undefined);
const contact = (c: ContactFile | undefined, l: Localizer, field: string): Contact | undefined =>
  c ? { phone: c.phone, email: c.email, url: c.url, note: l.text(c.note, field) } : undefined;
const unverified = (u: Unverified | undefined): UnverifiedFact[] => (u ?? []).map((x) => ({ ...x }));

const MAIN_FIELDS = ['title', 'teaser', 'description'];

export interface ServiceView {
  data: MergedService;
  version: number;
  ags?: string;
  overriddenFields: string[];
  locale: string;
  lifeSituationLabels: ReadonlyMap<string, LocalizedText>;
}

/** A catalog service (merged for a municipality where asked) as the GraphQL model, in one language. */
export function toServiceModel(view: ServiceView): Service {
  const { data } = view;
  const l = new Localizer(view.locale);
  const service: Service = {
    id: data.id,
    version: view.version,
    status: data.status as ServiceStatus,
    title: l.text(data.title, 'title'),
    teaser: l.text(data.teaser, 'teaser'),
    description: l.text(data.description, 'description'),
    prerequisites: l.list(data.prerequisites, 'prerequisites'),
    requiredDocuments: l.list(data.requiredDocuments, 'requiredDocuments'),
    costs: (data.costs ?? []).map((c) => ({
      description: l.text(c.description, 'costs'),
      amount: c.amount,
      amountFrom: c.amountFrom,
      amountTo: c.amountTo,
      currency: 'EUR',
      text: l.text(c.text, 'costs'),
    })),
    deadlines: l.list(data.deadlines, 'deadlines'),
    processingTime: data.processingTime ? { text: l.text(data.processingTime.text, 'processingTime'), days: data.processingTime.days } : undefined,
    procedure: l.list(data.procedure, 'procedure'),
    legalBases: data.legalBases.map((b) => ({ ...b })),
    formLinks: (data.forms ?? []).map((f) => ({ title: l.text(f.title, 'forms'), formId: f.formId, url: f.url })),
    furtherInformation: (data.furtherInformation ?? []).map((f) => ({ title: l.text(f.title, 'furtherInformation'), url: f.url })),
    hints: l.text(data.hints, 'hints'),
    additionalText: l.text(data.additionalText, 'additionalText'),
    contact: contact(data.contact, l, 'contact'),
    leikaKey: data.leikaKey,
    ozgThemenfeld: data.ozgThemenfeld,
    lifeSituations: (data.lifeSituations ?? []).map(
      (code): CodeLabel => ({ code, label: l.text(view.lifeSituationLabels.get(code), 'lifeSituations') ?? code }),
    ),
    audience: data.audience as Audience[],
    keywords: [...(data.keywords ?? [])],
    synonyms: [...(data.synonyms ?? [])],
    onlineAvailability: data.onlineAvailability as OnlineAvailability,
    onlineServiceUrl: data.onlineServiceUrl,
    trustLevel: data.trustLevel as TrustLevel | undefined,
    responsibilityLevel: data.responsibilityLevel as ResponsibilityLevel,
    responsibleUnitId: data.responsibleUnitId,
    servicePointIds: [...(data.servicePointIds ?? [])],
    validFrom: data.validFrom,
    validTo: data.validTo,
    lastReviewed: data.lastReviewed,
    unverified: unverified(data.unverified),
    ags: view.ags,
    overriddenFields: view.overriddenFields,
    locale: 'de',
    fallbackFields: [],
    areaId: data.areaId,
    requestedLocale: view.locale,
  };
  service.locale = l.served(MAIN_FIELDS);
  service.fallbackFields = [...l.fallbackFields].sort();
  return service;
}

export function toAreaModel(data: ServiceAreaFile, serviceCount: number, locale: string): ServiceArea {
  const l = new Localizer(locale);
  return { id: data.id, position: data.position, name: l.text(data.name, 'name'), description: l.text(data.description, 'description'), serviceCount };
}

export function toOrganisationModel(data: OrganisationFile, locale = 'de'): Organisation {
  const l = new Localizer(locale);
  return {
    id: data.id,
    kind: data.kind as OrganisationKind,
    name: l.text(data.name, 'name'),
    shortName: data.shortName,
    ags: data.ags,
    parentId: data.parentId,
    description: l.text(data.description, 'description'),
    address: address(data.address),
    contact: contact(data.contact, l, 'contact'),
    unverified: unverified(data.unverified),
  };
}

function openingHours(raw: string, note: LocalizedText | undefined, l: Localizer): OpeningHours {
  return {
    raw,
    weekly: weeklyTable(raw).map((d) => ({ day: d.day as Weekday, ranges: d.ranges })),
    note: l.text(note, 'openingHoursNote'),
  };
}

export function toServicePointModel(data: ServicePointFile, locale = 'de'): ServicePoint {
  const l = new Localizer(locale);
  return {
    id: data.id,
    kind: data.kind as ServicePointKind,
    name: l.text(data.name, 'name'),
    description: l.text(data.description, 'description'),
    organisationId: data.organisationId,
    ags: data.ags,
    servesAgs: [...(data.servesAgs ?? [])],
    address: address(data.address),
    contact: contact(data.contact, l, 'contact'),
    openingHours: data.openingHours ? openingHours(data.openingHours, data.openingHoursNote, l) : undefined,
    closures: (data.closures ?? []).map((c) => ({ from: c.from, to: c.to, reason: l.text(c.reason, 'closures') })),
    stops: (data.stops ?? []).map((s) => ({
      id: s.id,
      ags: s.ags,
      place: l.text(s.place, 'stops'),
      address: address(s.address),
      schedule: openingHours(s.schedule, undefined, l),
    })),
    wheelchairAccessible: data.accessibility?.wheelchairAccessible,
    unverified: unverified(data.unverified),
    source: data,
  };
}
