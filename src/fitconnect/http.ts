import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { forbiddenAddress, guardedLookup, isAllowedHost, type UrlPolicy } from '../delivery/url-policy.js';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request failed before an answer came (connection refused, timeout, forbidden address). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * One request to the Zustelldienst or its token endpoint, over node:http(s), connecting only to addresses the URL
 * policy allows (as webhooks do: loopback and private networks only when WEBHOOK_ALLOWED_HOSTS lists host:port).
 * Plain http only when `allowHttp` (FITCONNECT_ALLOW_TEST_KEYS).
 */
export function fitRequest(
  url: URL,
  options: { method: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs: number; policy: UrlPolicy; allowHttp: boolean },
): Promise<HttpAnswer> {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowHttp)) {
    return Promise.reject(new TransportError(`nur https erlaubt: ${url.origin}`, 'FITCONNECT_URL_FORBIDDEN'));
  }
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !isAllowedHost(url, options.policy) && forbiddenAddress(literal)) {
    return Promise.reject(new TransportError(`Adresse nicht erlaubt: ${url.host}`, 'WEBHOOK_URL_FORBIDDEN'));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: options.method,
        headers: { ...(options.headers ?? {}), ...(body ? { 'content-length': String(body.length) } : {}) },
        lookup: guardedLookup(url, options.policy) as never,
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (e) => reject(new TransportError(e.message)));
      },
    );
    const overall = setTimeout(() => req.destroy(new TransportError(`keine Antwort innerhalb von ${options.timeoutMs} ms`, 'TIMEOUT')), options.timeoutMs);
    req.setTimeout(options.timeoutMs, () => req.destroy(new TransportError(`keine Antwort innerhalb von ${options.timeoutMs} ms`, 'TIMEOUT')));
    req.on('close', () => clearTimeout(overall));
    req.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof TransportError ? e : new TransportError(e.message, e.code)));
    req.end(body);
  });
}
