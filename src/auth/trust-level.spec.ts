import { DEFAULT_TRUST_MAP } from '../config/config.js';
import { claimValueFor, devCitizenKeys } from './dev-citizen-token.js';
import { AccountTrustLevel, reaches, trustLevelOf } from './trust-level.js';

describe('citizen trust levels', () => {
  it('maps eIDAS and STORK values through the default map, anything else to BASIS', () => {
    expect(trustLevelOf('http://eidas.europa.eu/LoA/high', DEFAULT_TRUST_MAP)).toBe(AccountTrustLevel.HOCH);
    expect(trustLevelOf('STORK-QAA-Level-4', DEFAULT_TRUST_MAP)).toBe(AccountTrustLevel.HOCH);
    expect(trustLevelOf('http://eidas.europa.eu/LoA/substantial', DEFAULT_TRUST_MAP)).toBe(AccountTrustLevel.SUBSTANTIELL);
    expect(trustLevelOf('STORK-QAA-Level-3', DEFAULT_TRUST_MAP)).toBe(AccountTrustLevel.SUBSTANTIELL);
    for (const other of ['http://eidas.europa.eu/LoA/low', 'STORK-QAA-Level-1', '', 'toString', '__proto__', undefined, 4, ['http://eidas.europa.eu/LoA/high']]) {
      expect(trustLevelOf(other, DEFAULT_TRUST_MAP)).toBe(AccountTrustLevel.BASIS);
    }
  });

  it('takes a configured map, and a map value that is not a level counts as BASIS', () => {
    const map = { 'urn:land:niveau:hoch': 'HOCH', 'urn:land:niveau:x': 'MITTEL' };
    expect(trustLevelOf('urn:land:niveau:hoch', map)).toBe(AccountTrustLevel.HOCH);
    expect(trustLevelOf('urn:land:niveau:x', map)).toBe(AccountTrustLevel.BASIS);
  });

  it('orders BASIS < SUBSTANTIELL < HOCH', () => {
    expect(reaches(AccountTrustLevel.HOCH, AccountTrustLevel.SUBSTANTIELL)).toBe(true);
    expect(reaches(AccountTrustLevel.SUBSTANTIELL, AccountTrustLevel.SUBSTANTIELL)).toBe(true);
    expect(reaches(AccountTrustLevel.SUBSTANTIELL, AccountTrustLevel.HOCH)).toBe(false);
    expect(reaches(AccountTrustLevel.BASIS, AccountTrustLevel.SUBSTANTIELL)).toBe(false);
  });

  it('finds the claim value for a level (BASIS: one the map does not know) and derives the same dev key each time', () => {
    expect(trustLevelOf(claimValueFor('HOCH', DEFAULT_TRUST_MAP), DEFAULT_TRUST_MAP)).toBe(AccountTrustLevel.HOCH);
    expect(trustLevelOf(claimValueFor('BASIS', DEFAULT_TRUST_MAP), DEFAULT_TRUST_MAP)).toBe(AccountTrustLevel.BASIS);
    const a = devCitizenKeys('secret-one-0123456789-0123456789').publicKey.export({ format: 'jwk' });
    expect(devCitizenKeys('secret-one-0123456789-0123456789').publicKey.export({ format: 'jwk' })).toEqual(a);
    expect(devCitizenKeys('secret-two-0123456789-0123456789').publicKey.export({ format: 'jwk' })).not.toEqual(a);
  });
});
