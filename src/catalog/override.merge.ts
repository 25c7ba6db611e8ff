import type { LocalizedText } from '../generated/catalog-common.js';
import type { MunicipalOverrideFile, ServiceFile } from './catalog.types.js';

export type MergedService = ServiceFile & { additionalText?: LocalizedText };

/**
 * A municipality's view of a service: every field the override names replaces the base's, every other field
 * is the base's as it is now (so later changes to the base flow through).
 */
export function mergeOverride(base: ServiceFile, override?: MunicipalOverrideFile): { data: MergedService; overriddenFields: string[] } {
  if (!override) return { data: base, overriddenFields: [] };
  const fields = override.fields as Partial<MergedService>;
  const overriddenFields = Object.keys(fields).sort();
  return { data: { ...base, ...fields }, overriddenFields };
}
