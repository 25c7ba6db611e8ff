import { mergeOverride } from './override.merge.js';
import type { ServiceFile } from './catalog.types.js';

const base = {
  id: 's',
  status: 'PUBLISHED',
  areaId: 'a',
  title: { de: 'Titel' },
  teaser: { de: 'Kurz' },
  description: { de: 'Lang' },
  responsibilityLevel: 'COUNTY',
  responsibleUnitId: 'lk-unit',
  audience: ['CITIZENS'],
  ozgThemenfeld: 'umwelt',
  onlineAvailability: 'OFFLINE',
  legalBases: [{ citation: '§ 1' }],
  lastReviewed: '2026-01-01',
  costs: [{ amount: 10 }],
} as ServiceFile;

describe('mergeOverride', () => {
  it('returns the base unchanged without an override', () => {
    expect(mergeOverride(base)).toEqual({ data: base, overriddenFields: [] });
  });

  it('replaces exactly the fields the municipality overrides and keeps the rest of the base', () => {
    const { data, overriddenFields } = mergeOverride(base, {
      serviceId: 's',
      ags: '03453004',
      fields: { costs: [{ amount: 5 }], additionalText: { de: 'Auch im Rathaus.' } },
    });
    expect(overriddenFields).toEqual(['additionalText', 'costs']);
    expect(data.costs).toEqual([{ amount: 5 }]);
    expect(data.additionalText).toEqual({ de: 'Auch im Rathaus.' });
    expect(data.responsibleUnitId).toBe('lk-unit');
    expect(data.title).toEqual({ de: 'Titel' });
  });

  it('lets later changes to the base flow through to fields not overridden', () => {
    const changed = { ...base, teaser: { de: 'Neu' }, costs: [{ amount: 99 }] } as ServiceFile;
    const { data } = mergeOverride(changed, { serviceId: 's', ags: '03453004', fields: { costs: [{ amount: 5 }] } });
    expect(data.teaser).toEqual({ de: 'Neu' });
    expect(data.costs).toEqual([{ amount: 5 }]);
  });
});
