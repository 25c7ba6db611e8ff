import { generateKeyPairSync } from 'node:crypto';
import { exportJWK } from 'jose';
import { loadConfig, ConfigError } from '../config/config.js';
import { keyBits, keyProblems, uuidV5 } from './crypto.js';
import { metadataProblems, METADATA_SCHEMA_URI } from './metadata.js';

describe('FIT-Connect building blocks', () => {
  it('UUIDv5 as RFC 4122 defines it (DNS namespace, www.example.com)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('refuses FITCONNECT_ALLOW_TEST_KEYS in production, defaults as documented in the README', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgresql://x@localhost/x', ACCESS_CODE_SECRET: 'x'.repeat(40), AUTH_ISSUER: 'https://idp.example', AUTH_JWKS_URL: 'https://idp.example/jwks' };
    expect(loadConfig(production).fitConnectAllowTestKeys).toBe(false);
    expect(() => loadConfig({ ...production, FITCONNECT_ALLOW_TEST_KEYS: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, FITCONNECT_ALLOW_TEST_KEYS: 'true' })).toThrow(/FITCONNECT_ALLOW_TEST_KEYS darf in der Produktion nicht/);
    const dev = loadConfig({ NODE_ENV: 'development' });
    expect([dev.fitConnectEnabled, dev.fitConnectApiVersion, dev.fitConnectAllowTestKeys, dev.fitConnectKeyCacheSeconds, dev.fitConnectTimeoutMs, dev.fitConnectRetryDelaySeconds, dev.fitConnectRetryMaxDelaySeconds, dev.fitConnectMaxAttempts, dev.fitConnectPollSeconds]).toEqual([false, 'v2', false, 300, 30000, 10, 3600, 30, 300]);
    expect(() => loadConfig({ NODE_ENV: 'development', FITCONNECT_API_VERSION: 'v3' })).toThrow(/FITCONNECT_API_VERSION/);
  });

  it('checks encryption keys: length, algorithm, key_ops, kid and the x5c chain outside test mode', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...(await exportJWK(publicKey)), alg: 'RSA-OAEP-256', kid: 'k1', key_ops: ['wrapKey'] };
    expect(keyBits(jwk)).toBe(2048);
    expect(keyProblems(jwk, 'k1', true)).toEqual(['Schlüssellänge 2048 Bit, mindestens 4096 nötig']);
    expect(keyProblems({ ...jwk, key_ops: ['encrypt'], kid: 'k2' }, 'k1', false)).toEqual([
      'key_ops enthält nicht wrapKey',
      'kid k2 statt k1',
      'Schlüssellänge 2048 Bit, mindestens 4096 nötig',
      'keine Zertifikatskette (x5c) der Verwaltungs-PKI',
    ]);
  });

  it('validates metadata against schemas/fit-connect/', () => {
    const hash = { type: 'sha512', content: 'a'.repeat(128) };
    const good = { $schema: METADATA_SCHEMA_URI, contentStructure: { data: { hash, submissionSchema: { schemaUri: 'urn:lotse:form:x', mimeType: 'application/xml' } }, attachments: [{ hash, purpose: 'form', mimeType: 'application/pdf', attachmentId: '2ed6657d-e927-568b-95e1-2665a8aea6a2' }] } };
    expect(metadataProblems(good)).toEqual([]);
    expect(metadataProblems({ ...good, contentStructure: { ...good.contentStructure, attachments: [{ hash, purpose: 'beleg', mimeType: 'application/pdf', attachmentId: 'x' }] } }).length).toBeGreaterThan(0);
  });
});
