import { checkWebhookUrl, forbiddenAddress, hostKey } from './url-policy.js';

describe('webhook URL policy', () => {
  it.each(['127.0.0.1', '127.1.2.3', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1'])(
    'refuses %s',
    (address) => expect(forbiddenAddress(address)).toBeDefined(),
  );

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '172.32.0.1', '100.128.0.1', '8.8.8.8'])('allows %s', (address) => {
    expect(forbiddenAddress(address)).toBeUndefined();
  });

  it('checks literal and named hosts, and lets WEBHOOK_ALLOWED_HOSTS through exactly (host:port)', async () => {
    const none = { allowedHosts: [] };
    expect(await checkWebhookUrl(new URL('http://127.0.0.1:5432/'), none)).toMatchObject({ allowed: false, address: '127.0.0.1' });
    expect(await checkWebhookUrl(new URL('http://[::1]:8080/'), none)).toMatchObject({ allowed: false });
    expect(await checkWebhookUrl(new URL('http://localhost:8080/'), none)).toMatchObject({ allowed: false });
    expect(await checkWebhookUrl(new URL('http://127.0.0.1:8080/hook'), { allowedHosts: ['127.0.0.1:8080'] })).toEqual({ allowed: true });
    expect(await checkWebhookUrl(new URL('http://127.0.0.1:8081/hook'), { allowedHosts: ['127.0.0.1:8080'] })).toMatchObject({ allowed: false });
    expect(await checkWebhookUrl(new URL('https://93.184.216.34/x'), none)).toEqual({ allowed: true });
    expect(hostKey(new URL('https://Example.org/x'))).toBe('example.org:443');
    expect(hostKey(new URL('http://[::1]/x'))).toBe('[::1]:80');
  });
});
