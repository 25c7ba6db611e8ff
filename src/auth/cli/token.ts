/**
 * `npm run token -- --role CASEWORKER --org 03453 [--sub name] [--ttl seconds]`: prints a staff bearer token signed
 * with the development key.
 * `npm run token -- --citizen --sub S [--level BASIS|SUBSTANTIELL|HOCH] [--ttl seconds]`: prints a citizen token of
 * the development citizen issuer (ES256, key derived from DEV_TOKEN_SECRET). The service accepts both only outside
 * production.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.js';
import { signDevToken } from '../dev-token.js';
import { claimValueFor, signDevCitizenToken } from '../dev-citizen-token.js';
import { Role } from '../roles.js';
import { AccountTrustLevel } from '../trust-level.js';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    org: { type: 'string' },
    sub: { type: 'string' },
    name: { type: 'string' },
    ttl: { type: 'string' },
    citizen: { type: 'boolean' },
    level: { type: 'string' },
  },
});
const config = loadConfig();
if (config.nodeEnv === 'production' || !config.devTokenSecret) {
  console.error('Entwicklungstoken gibt es nur außerhalb der Produktion (NODE_ENV=production).');
  process.exit(1);
}
const ttlSeconds = values.ttl ? Number(values.ttl) : undefined;
if (values.citizen) {
  const level = (values.level ?? AccountTrustLevel.BASIS) as AccountTrustLevel;
  if (!values.sub || !Object.values(AccountTrustLevel).includes(level)) {
    console.error(`Aufruf: npm run token -- --citizen --sub <Kennung> [--level ${Object.values(AccountTrustLevel).join('|')}] [--ttl <Sekunden>]`);
    process.exit(2);
  }
  console.log(
    await signDevCitizenToken(config.devTokenSecret, {
      sub: values.sub,
      trust: [config.citizenTrustClaim, claimValueFor(level, config.citizenTrustMap)],
      audience: config.citizenOidcAudience,
      ttlSeconds,
    }),
  );
  process.exit(0);
}
const role = values.role as Role;
if (!Object.values(Role).includes(role) || !values.org) {
  console.error(`Aufruf: npm run token -- --role ${Object.values(Role).join('|')} --org <Organisation, z. B. 03453> [--sub <Kennung>] [--ttl <Sekunden>]`);
  console.error(`        npm run token -- --citizen --sub <Kennung> [--level ${Object.values(AccountTrustLevel).join('|')}]`);
  process.exit(2);
}
console.log(
  await signDevToken(config.devTokenSecret, {
    sub: values.sub ?? `dev-${role.toLowerCase()}-${values.org}`,
    name: values.name,
    role,
    org: values.org,
    audience: config.authAudience,
    ttlSeconds,
  }),
);
