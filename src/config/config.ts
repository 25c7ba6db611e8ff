import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import type { AppConfig } from '../generated/config.js';
import { projectRoot } from '../common/project-root.js';

export type { AppConfig };

/** eIDAS levels of assurance and their STORK predecessors, as BundID and its brokers send them in `acr`. */
export const DEFAULT_TRUST_MAP: Readonly<Record<string, 'SUBSTANTIELL' | 'HOCH'>> = {
  'http://eidas.europa.eu/LoA/substantial': 'SUBSTANTIELL',
  'STORK-QAA-Level-3': 'SUBSTANTIELL',
  'http://eidas.europa.eu/LoA/high': 'HOCH',
  'STORK-QAA-Level-4': 'HOCH',
};

type Kind = 'string' | 'integer' | 'boolean' | 'list' | 'json';

/** Every setting, the environment variable it comes from, how to read it and its default. */
const VARIABLES: ReadonlyArray<{
  key: keyof AppConfig;
  env: string;
  kind: Kind;
  fallback?: (env: NodeJS.ProcessEnv) => string | undefined;
}> = [
  { key: 'nodeEnv', env: 'NODE_ENV', kind: 'string', fallback: () => 'development' },
  { key: 'host', env: 'HOST', kind: 'string', fallback: () => '127.0.0.1' },
  { key: 'port', env: 'PORT', kind: 'integer', fallback: () => '3000' },
  { key: 'logLevel', env: 'LOG_LEVEL', kind: 'string', fallback: () => 'info' },
  { key: 'databaseUrl', env: 'DATABASE_URL', kind: 'string' },
  { key: 'dataDir', env: 'LOTSE_DATA_DIR', kind: 'string', fallback: () => '.data' },
  { key: 'embeddedPostgresPort', env: 'LOTSE_EMBEDDED_PG_PORT', kind: 'integer', fallback: () => '54329' },
  { key: 'dbPoolMax', env: 'DB_POOL_MAX', kind: 'integer', fallback: () => '10' },
  { key: 'dbPoolMin', env: 'DB_POOL_MIN', kind: 'integer', fallback: () => '2' },
  { key: 'dbConnectTimeoutMs', env: 'DB_CONNECT_TIMEOUT_MS', kind: 'integer', fallback: () => '2000' },
  { key: 'dbStatementTimeoutMs', env: 'DB_STATEMENT_TIMEOUT_MS', kind: 'integer', fallback: () => '15000' },
  {
    key: 'graphqlIntrospection',
    env: 'GRAPHQL_INTROSPECTION',
    kind: 'boolean',
    fallback: (env) => String(env.NODE_ENV !== 'production'),
  },
  { key: 'graphqlMaxDepth', env: 'GRAPHQL_MAX_DEPTH', kind: 'integer', fallback: () => '12' },
  { key: 'graphqlMaxComplexity', env: 'GRAPHQL_MAX_COMPLEXITY', kind: 'integer', fallback: () => '2000' },
  { key: 'graphqlMaxAliases', env: 'GRAPHQL_MAX_ALIASES', kind: 'integer', fallback: () => '30' },
  { key: 'bodyLimitBytes', env: 'BODY_LIMIT_BYTES', kind: 'integer', fallback: () => '102400' },
  { key: 'jsonMaxDepth', env: 'JSON_MAX_DEPTH', kind: 'integer', fallback: () => '64' },
  { key: 'jsonMaxNodes', env: 'JSON_MAX_NODES', kind: 'integer', fallback: () => '100000' },
  { key: 'importMaxBytes', env: 'IMPORT_MAX_BYTES', kind: 'integer', fallback: () => String(5 * 1024 * 1024) },
  { key: 'xdatenfelderXsdDir', env: 'XDATENFELDER_XSD_DIR', kind: 'string' },
  { key: 'xdomeaXsdDir', env: 'XDOMEA_XSD_DIR', kind: 'string' },
  { key: 'archiveRecipientName', env: 'ARCHIVE_RECIPIENT_NAME', kind: 'string', fallback: () => 'Niedersächsisches Landesarchiv' },
  // only the code seen in a real xdomea 3.0.0 message (Unicode text); the county adds the others from the code list
  { key: 'xdomeaFormatCodes', env: 'XDOMEA_FORMAT_CODES', kind: 'string', fallback: () => 'text/plain=045' },
  { key: 'shutdownTimeoutMs', env: 'SHUTDOWN_TIMEOUT_MS', kind: 'integer', fallback: () => '10000' },
  { key: 'corsOrigins', env: 'CORS_ORIGINS', kind: 'list', fallback: () => '' },
  { key: 'instanceName', env: 'LOTSE_INSTANCE_NAME', kind: 'string' },
  { key: 'catalogDir', env: 'LOTSE_CATALOG_DIR', kind: 'string', fallback: () => 'catalog' },
  { key: 'catalogSyncOnStart', env: 'CATALOG_SYNC_ON_START', kind: 'boolean', fallback: () => 'true' },
  { key: 'catalogPollSeconds', env: 'CATALOG_POLL_SECONDS', kind: 'integer', fallback: () => '10' },
  {
    key: 'accessCodeSecret',
    env: 'ACCESS_CODE_SECRET',
    kind: 'string',
    // only outside production: a fixed development key (production must set its own)
    fallback: (env) => (env.NODE_ENV === 'production' ? undefined : 'lotse-development-access-code-secret-not-for-production'),
  },
  { key: 'draftTtlDays', env: 'DRAFT_TTL_DAYS', kind: 'integer', fallback: () => '30' },
  { key: 'idempotencyTtlHours', env: 'IDEMPOTENCY_TTL_HOURS', kind: 'integer', fallback: () => '72' },
  { key: 'submitRateLimitPerHour', env: 'SUBMIT_RATE_LIMIT_PER_HOUR', kind: 'integer', fallback: () => '60' },
  { key: 'attachmentMaxBytes', env: 'ATTACHMENT_MAX_BYTES', kind: 'integer', fallback: () => String(25 * 1024 * 1024) },
  { key: 'attachmentTtlHours', env: 'ATTACHMENT_TTL_HOURS', kind: 'integer', fallback: () => '24' },
  { key: 'attachmentRateLimitPerHour', env: 'ATTACHMENT_RATE_LIMIT_PER_HOUR', kind: 'integer', fallback: () => '300' },
  { key: 'attachmentChunkBytes', env: 'ATTACHMENT_CHUNK_BYTES', kind: 'integer', fallback: () => String(256 * 1024) },
  { key: 'attachmentXoevContent', env: 'ATTACHMENT_XOEV_CONTENT', kind: 'string', fallback: () => 'reference' },
  { key: 'downloadUrlTtlMinutes', env: 'DOWNLOAD_URL_TTL_MINUTES', kind: 'integer', fallback: () => '1440' },
  { key: 'clamavUrl', env: 'CLAMAV_URL', kind: 'string' },
  { key: 'publicBaseUrl', env: 'PUBLIC_BASE_URL', kind: 'string' },
  { key: 'referencePrefix', env: 'REFERENCE_PREFIX', kind: 'string', fallback: () => 'CLP' },
  { key: 'trustProxy', env: 'TRUST_PROXY', kind: 'boolean', fallback: () => 'false' },
  { key: 'queueEnabled', env: 'QUEUE_ENABLED', kind: 'boolean', fallback: () => 'true' },
  { key: 'smtpUrl', env: 'SMTP_URL', kind: 'string' },
  { key: 'xoevTest', env: 'XOEV_TEST', kind: 'boolean', fallback: (env) => String(env.NODE_ENV !== 'production') },
  { key: 'xoevAuthorId', env: 'XOEV_AUTHOR_ID', kind: 'string', fallback: () => 'lotse' },
  { key: 'xoevAuthorName', env: 'XOEV_AUTHOR_NAME', kind: 'string', fallback: () => 'Bürgerportal Landkreis Cloppenburg (Lotse)' },
  { key: 'xoevDirectoryCode', env: 'XOEV_DIRECTORY_CODE', kind: 'string', fallback: () => '' },
  { key: 'xoevDirectoryListVersion', env: 'XOEV_DIRECTORY_LIST_VERSION', kind: 'string', fallback: () => '' },
  { key: 'mailFrom', env: 'MAIL_FROM', kind: 'string', fallback: () => 'Bürgerportal Landkreis Cloppenburg <noreply@localhost>' },
  { key: 'workerEnabled', env: 'WORKER_ENABLED', kind: 'boolean', fallback: () => 'true' },
  { key: 'webhookMaxAttempts', env: 'WEBHOOK_MAX_ATTEMPTS', kind: 'integer', fallback: () => '8' },
  { key: 'webhookRetryDelaySeconds', env: 'WEBHOOK_RETRY_DELAY_SECONDS', kind: 'integer', fallback: () => '10' },
  { key: 'webhookTimeoutMs', env: 'WEBHOOK_TIMEOUT_MS', kind: 'integer', fallback: () => '10000' },
  { key: 'webhookConcurrency', env: 'WEBHOOK_CONCURRENCY', kind: 'integer', fallback: () => '8' },
  { key: 'webhookDisableAfter', env: 'WEBHOOK_DISABLE_AFTER', kind: 'string', fallback: () => '24h' },
  { key: 'webhookAllowedHosts', env: 'WEBHOOK_ALLOWED_HOSTS', kind: 'list', fallback: () => '' },
  { key: 'queueExpireSeconds', env: 'QUEUE_EXPIRE_SECONDS', kind: 'integer', fallback: () => '120' },
  { key: 'queueSuperviseSeconds', env: 'QUEUE_SUPERVISE_SECONDS', kind: 'integer', fallback: () => '30' },
  { key: 'fitConnectEnabled', env: 'FITCONNECT_ENABLED', kind: 'boolean', fallback: () => 'false' },
  { key: 'fitConnectApiVersion', env: 'FITCONNECT_API_VERSION', kind: 'string', fallback: () => 'v2' },
  { key: 'fitConnectAllowTestKeys', env: 'FITCONNECT_ALLOW_TEST_KEYS', kind: 'boolean', fallback: () => 'false' },
  { key: 'fitConnectKeyCacheSeconds', env: 'FITCONNECT_KEY_CACHE_SECONDS', kind: 'integer', fallback: () => '300' },
  { key: 'fitConnectTimeoutMs', env: 'FITCONNECT_TIMEOUT_MS', kind: 'integer', fallback: () => '30000' },
  { key: 'fitConnectRetryDelaySeconds', env: 'FITCONNECT_RETRY_DELAY_SECONDS', kind: 'integer', fallback: () => '10' },
  { key: 'fitConnectRetryMaxDelaySeconds', env: 'FITCONNECT_RETRY_MAX_DELAY_SECONDS', kind: 'integer', fallback: () => '3600' },
  { key: 'fitConnectMaxAttempts', env: 'FITCONNECT_MAX_ATTEMPTS', kind: 'integer', fallback: () => '30' },
  { key: 'fitConnectPollSeconds', env: 'FITCONNECT_POLL_SECONDS', kind: 'integer', fallback: () => '300' },
  { key: 'authIssuer', env: 'AUTH_ISSUER', kind: 'string' },
  { key: 'authAudience', env: 'AUTH_AUDIENCE', kind: 'string', fallback: () => 'lotse' },
  { key: 'authJwksUrl', env: 'AUTH_JWKS_URL', kind: 'string' },
  { key: 'authPublicKey', env: 'AUTH_PUBLIC_KEY', kind: 'string' },
  { key: 'authClockSkewSeconds', env: 'AUTH_CLOCK_SKEW_SECONDS', kind: 'integer', fallback: () => '60' },
  { key: 'citizenOidcIssuer', env: 'CITIZEN_OIDC_ISSUER', kind: 'string' },
  { key: 'citizenOidcAudience', env: 'CITIZEN_OIDC_AUDIENCE', kind: 'string', fallback: () => 'lotse-portal' },
  { key: 'citizenClockSkewSeconds', env: 'CITIZEN_CLOCK_SKEW_SECONDS', kind: 'integer', fallback: () => '60' },
  { key: 'citizenTrustClaim', env: 'CITIZEN_TRUST_CLAIM', kind: 'string', fallback: () => 'acr' },
  { key: 'citizenTrustMap', env: 'CITIZEN_TRUST_MAP', kind: 'json', fallback: () => JSON.stringify(DEFAULT_TRUST_MAP) },
  { key: 'citizenJwksCooldownSeconds', env: 'CITIZEN_JWKS_COOLDOWN_SECONDS', kind: 'integer', fallback: () => '30' },
  {
    key: 'devTokenSecret',
    env: 'DEV_TOKEN_SECRET',
    kind: 'string',
    fallback: (env) => (env.NODE_ENV === 'production' ? undefined : 'lotse-development-token-secret-not-for-production'),
  },
];

/** Thrown when the environment does not describe a valid configuration; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Ungültige Konfiguration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function read(kind: Kind, raw: string): unknown {
  const value = raw.trim();
  switch (kind) {
    case 'integer':
      return /^-?\d+$/.test(value) ? Number(value) : raw;
    case 'boolean':
      if (['true', '1', 'yes', 'on'].includes(value.toLowerCase())) return true;
      if (['false', '0', 'no', 'off'].includes(value.toLowerCase())) return false;
      return raw;
    case 'list':
      return value === '' ? [] : value.split(',').map((s) => s.trim());
    case 'json':
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return raw; // fails the schema's type check, which names the variable
      }
    default:
      return raw;
  }
}

function describe(error: ErrorObject, env: string, raw: string | undefined): string {
  const got = raw === undefined ? '' : ` (erhalten: ${JSON.stringify(raw)})`;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `${env} muss vom Typ ${p.type === 'integer' ? 'ganze Zahl' : p.type === 'boolean' ? 'Wahrheitswert (true/false)' : String(p.type)} sein${got}`;
    case 'minimum':
      return `${env} muss mindestens ${String(p.limit)} sein${got}`;
    case 'maximum':
      return `${env} darf höchstens ${String(p.limit)} sein${got}`;
    case 'enum':
      return `${env} muss einer dieser Werte sein: ${(p.allowedValues as unknown[]).join(', ')}${got}`;
    case 'pattern':
      return `${env} hat kein gültiges Format${got}`;
    case 'minLength':
      return Number(p.limit) <= 1 ? `${env} darf nicht leer sein${got}` : `${env} muss mindestens ${String(p.limit)} Zeichen lang sein`;
    case 'required':
      return `${env} muss gesetzt sein`;
    default:
      return `${env} ist ungültig (${error.keyword})${got}`;
  }
}

let validator: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } = undefined as never;

function compileValidator() {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(projectRoot(), 'schemas', 'config.schema.json'), 'utf8'));
    delete schema.$schema;
    validator = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return validator;
}

/** Reads and validates the configuration. Throws a {@link ConfigError} that names each offending variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const data: Record<string, unknown> = {};
  const rawByKey = new Map<string, { env: string; raw: string | undefined }>();
  for (const v of VARIABLES) {
    const given = env[v.env];
    const raw = given !== undefined && given !== '' ? given : v.fallback?.(env);
    rawByKey.set(v.key, { env: v.env, raw });
    if (raw !== undefined) data[v.key] = read(v.kind, raw);
  }
  const validate = compileValidator();
  if (!validate(data)) {
    const problems = (validate.errors ?? []).map((e) => {
      const key = e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : (e.instancePath.split('/')[1] ?? '');
      const entry = rawByKey.get(key);
      return describe(e, entry?.env ?? key, entry?.raw);
    });
    throw new ConfigError([...new Set(problems)]);
  }
  const config = data as unknown as AppConfig;
  if (config.citizenOidcIssuer && config.citizenOidcIssuer === config.authIssuer) {
    throw new ConfigError(['CITIZEN_OIDC_ISSUER und AUTH_ISSUER müssen verschieden sein: ein Aussteller stellt entweder Bürger- oder Mitarbeitertokens aus']);
  }
  if (config.fitConnectAllowTestKeys && config.nodeEnv === 'production') {
    throw new ConfigError(['FITCONNECT_ALLOW_TEST_KEYS darf in der Produktion nicht gesetzt sein (Testschlüssel und http sind dort verboten)']);
  }
  if (!isAbsolute(config.dataDir)) config.dataDir = join(projectRoot(), config.dataDir);
  if (!isAbsolute(config.catalogDir)) config.catalogDir = join(projectRoot(), config.catalogDir);
  if (config.xdatenfelderXsdDir && !isAbsolute(config.xdatenfelderXsdDir)) config.xdatenfelderXsdDir = join(projectRoot(), config.xdatenfelderXsdDir);
  if (config.xdomeaXsdDir && !isAbsolute(config.xdomeaXsdDir)) config.xdomeaXsdDir = join(projectRoot(), config.xdomeaXsdDir);
  return config;
}
