import { signWebhook, verifyWebhook } from './signature.js';

describe('webhook signatures', () => {
  it('verify with the right secret and body, within the tolerance', () => {
    const header = signWebhook('geheim', '{"a":1}', 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook('geheim', '{"a":1}', header, 300, 1_700_000_100)).toBe(true);
    expect(verifyWebhook('anders', '{"a":1}', header, 300, 1_700_000_100)).toBe(false);
    expect(verifyWebhook('geheim', '{"a":2}', header, 300, 1_700_000_100)).toBe(false);
    expect(verifyWebhook('geheim', '{"a":1}', header, 300, 1_700_001_000)).toBe(false);
    expect(verifyWebhook('geheim', '{"a":1}', 'kaputt', 300, 1_700_000_100)).toBe(false);
  });
});
