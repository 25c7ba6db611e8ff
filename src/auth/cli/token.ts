/**
 * `npm run token -- --role CASEWORKER --org 03453 [--sub name] [--ttl seconds]`: prints a bearer token signed
 * with the development key. The service accepts such tokens only outside production.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.js';
import { signDevToken } from '../dev-token.js';
import { Role } from '../roles.js';

const { values } = parseArgs({ options: { role: { type: 'string' }, org: { type: 'string' }, sub: { type: 'string' }, name: { type: 'string' }, ttl: { type: 'string' } } });
const config = loadConfig();
if (config.nodeEnv === 'production' || !config.devTokenSecret) {
  console.error('Entwicklungstoken gibt es nur außerhalb der Produktion (NODE_ENV=production).');
  process.exit(1);
}
const role = values.role as Role;
if (!Object.values(Role).includes(role) || !values.org) {
  console.error(`Aufruf: npm run token -- --role ${Object.values(Role).join('|')} --org <Organisation, z. B. 03453> [--sub <Kennung>] [--ttl <Sekunden>]`);
  process.exit(2);
}
console.log(
  await signDevToken(config.devTokenSecret, {
    sub: values.sub ?? `dev-${role.toLowerCase()}-${values.org}`,
    name: values.name,
    role,
    org: values.org,
    audience: config.authAudience,
    ttlSeconds: values.ttl ? Number(values.ttl) : undefined,
  }),
);
