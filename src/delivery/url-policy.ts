import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Where webhooks may go. Receivers whose address is loopback, private, link-local, unspecified, multicast, shared
 * (CGNAT) or one of this machine's own addresses are refused, unless `host:port` is listed in WEBHOOK_ALLOWED_HOSTS.
 * The check runs at registration and again for every delivery, on the address the connection then really uses
 * (see {@link guardedLookup}), so a name that later resolves elsewhere (DNS rebinding) gains nothing.
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) FORBIDDEN.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) FORBIDDEN.addSubnet(net, prefix, 'ipv6');

export interface UrlPolicy {
  /** `host:port` entries from WEBHOOK_ALLOWED_HOSTS. */
  allowedHosts: readonly string[];
}

export type AddressVerdict = { allowed: true } | { allowed: false; address: string; reason: string };

function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) own.add(i.address.toLowerCase());
  return own;
}

/** Why an address is no place for a webhook (undefined when it is fine). */
export function forbiddenAddress(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'keine IP-Adresse';
  let plain = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  if (mapped) plain = mapped[1];
  const type = isIP(plain) === 4 ? 'ipv4' : 'ipv6';
  if (FORBIDDEN.check(plain, type)) return 'lokale, private oder reservierte Adresse';
  if (ownAddresses().has(plain)) return 'Adresse dieses Servers';
  return undefined;
}

/** `host:port` of a URL as WEBHOOK_ALLOWED_HOSTS lists it (default ports filled in, IPv6 in brackets). */
export function hostKey(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname.toLowerCase()}:${port}`;
}

export const isAllowedHost = (url: URL, policy: UrlPolicy) => policy.allowedHosts.some((h) => h.toLowerCase() === hostKey(url));

/** Resolves the URL's host and checks every address (the registration check). */
export async function checkWebhookUrl(url: URL, policy: UrlPolicy): Promise<AddressVerdict> {
  if (isAllowedHost(url, policy)) return { allowed: true };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  for (const address of addresses) {
    const reason = forbiddenAddress(address);
    if (reason) return { allowed: false, address, reason };
  }
  return { allowed: true };
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses forbidden addresses: the connection goes to the address that was
 * checked, never to one resolved a moment later.
 */
export function guardedLookup(url: URL, policy: UrlPolicy) {
  const allowed = isAllowedHost(url, policy);
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    lookup(hostname, { all: true, verbatim: true })
      .then((found) => {
        const usable = allowed ? found : found.filter((a) => !forbiddenAddress(a.address));
        if (usable.length === 0) {
          const error = Object.assign(new Error(`WEBHOOK_URL_FORBIDDEN: ${hostname} resolves to ${found.map((a) => a.address).join(', ')}`), { code: 'WEBHOOK_URL_FORBIDDEN' });
          callback(error, options.all ? [] : '', 0);
          return;
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, options.all ? [] : '', 0));
  };
}
