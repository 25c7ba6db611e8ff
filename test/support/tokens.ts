import { signDevToken } from '../../src/auth/dev-token.js';
import type { Role } from '../../src/auth/roles.js';
import type { AppConfig } from '../../src/config/config.js';

/** Authorization headers with development tokens, as `npm run token` makes them. */
export async function bearer(config: AppConfig, role: Role, org: string, sub = `${role.toLowerCase()}@${org}`, ttlSeconds?: number) {
  const token = await signDevToken(config.devTokenSecret!, { sub, role, org, audience: config.authAudience, ttlSeconds });
  return { authorization: `Bearer ${token}` };
}
