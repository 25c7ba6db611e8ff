import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Role } from '../../src/auth/roles.js';
import { projectRoot } from '../../src/common/project-root.js';
import { loadConfig } from '../../src/config/config.js';
import { fakeEnv, startFakeZustelldienst, type FakeZustelldienst } from '../support/fake-zustelldienst.js';
import { freePort, reachableTempDir, withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { databaseUrl, gql, killGroup, startService, waitUntilReady, withFreshUpload, type Service } from './service.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The FIT-Connect outage scenario of issue 19: 50 submissions while the Zustelldienst is down (connection refused)
 * for LOTSE_FITCONNECT_OUTAGE_SECONDS (default 300), the service killed and restarted once meanwhile, retry delay at
 * most 60 s. When the Zustelldienst is back, every one of the 50 is submitted exactly once within 2 minutes; none is
 * lost.
 */
const EXAMPLE = JSON.parse(readFileSync(join(projectRoot(), 'catalog', 'forms', 'schuelerbefoerderung-antrag', 'examples', 'valid-bus.json'), 'utf8')).data;
const OUTAGE_SECONDS = Number(process.env.LOTSE_FITCONNECT_OUTAGE_SECONDS ?? 300);
const AFTER_RETURN_SECONDS = 120;
const SUBMISSIONS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FIT-Connect: outage of the Zustelldienst with a restart of Lotse', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let baseUrl: string;
  let pgPort: number;
  let fake: FakeZustelldienst;
  let service: Service | undefined;

  beforeAll(async () => {
    dataDir = await reachableTempDir('lotse-faults-fitconnect-');
    const port = await freePort();
    pgPort = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    fake = await startFakeZustelldienst({ port: await freePort() });
    env = {
      NODE_ENV: 'development',
      PORT: String(port),
      LOTSE_DATA_DIR: dataDir,
      LOTSE_EMBEDDED_PG_PORT: String(pgPort),
      SUBMIT_RATE_LIMIT_PER_HOUR: '0',
      ATTACHMENT_RATE_LIMIT_PER_HOUR: '0',
      QUEUE_EXPIRE_SECONDS: '3',
      QUEUE_SUPERVISE_SECONDS: '1',
      FITCONNECT_RETRY_MAX_DELAY_SECONDS: '60',
      FITCONNECT_TIMEOUT_MS: '5000',
      FITCONNECT_POLL_SECONDS: '30',
      ...fakeEnv(fake),
    };
  });

  afterAll(async () => {
    if (service && service.child.exitCode === null && service.child.signalCode === null) killGroup(service);
    await fake?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`${SUBMISSIONS} submissions during a ${OUTAGE_SECONDS} s outage, Lotse restarted once: all submitted exactly once within ${AFTER_RETURN_SECONDS} s after the return, none lost`, async () => {
    service = startService(env);
    await waitUntilReady(baseUrl, service);
    const SUBMIT = 'mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { __typename ... on SubmissionReceipt { referenceNumber organisationId } } }';
    const probe = await gql<Json>(baseUrl, SUBMIT, { i: { formId: 'schuelerbefoerderung-antrag', version: '1.0', data: await withFreshUpload(baseUrl, EXAMPLE) }, k: `probe-${randomUUID()}` });
    const organisationId = 'body' in probe ? (probe.body.data?.submitForm?.organisationId as string) : undefined;
    expect(organisationId).toBeTruthy();
    const admin = await bearer(loadConfig({ ...env }), Role.ADMIN, organisationId!);
    const set = await gql<Json>(
      baseUrl,
      'mutation($i: DeliveryDestinationInput!) { setDeliveryDestination(input: $i) { id } }',
      { i: fake.destinationInput(organisationId!) },
      admin,
    );
    expect('body' in set && set.body.errors).toBeFalsy();
    fake.callbackUrl = `${baseUrl}/callbacks/fit-connect/${'body' in set ? set.body.data!.setDeliveryDestination.id : ''}`;

    // the outage begins: connection refused
    await fake.stop();
    const outageStart = Date.now();
    const references: string[] = [];
    for (let i = 0; i < SUBMISSIONS; i++) {
      const data = await withFreshUpload(baseUrl, EXAMPLE);
      expect(data).toBeTruthy();
      const res = await gql<Json>(baseUrl, SUBMIT, { i: { formId: 'schuelerbefoerderung-antrag', version: '1.0', data }, k: `outage-${randomUUID()}` });
      const reference = 'body' in res ? (res.body.data?.submitForm?.referenceNumber as string | undefined) : undefined;
      expect(reference).toBeTruthy();
      references.push(reference!);
    }
    // Lotse dies (the whole process group, PostgreSQL included) and comes back during the outage
    await sleep(Math.min(20_000, (OUTAGE_SECONDS * 1000) / 4));
    killGroup(service);
    await service.exited;
    service = startService(env);
    await waitUntilReady(baseUrl, service);

    const rest = OUTAGE_SECONDS * 1000 - (Date.now() - outageStart);
    if (rest > 0) await sleep(rest);
    const during = await withClient(databaseUrl(dataDir, pgPort), (c) =>
      c.query(`select d.state, count(*)::int as n from fit_connect_delivery d join submission s on s.id = d.submission_id where s.reference_number = any($1) group by d.state`, [references]),
    );
    // nothing could be submitted while the Zustelldienst was away; all 50 are waiting
    expect(Object.fromEntries(during.rows.map((r) => [r.state, r.n]))).toEqual({ QUEUED: SUBMISSIONS });

    await fake.start(); // the Zustelldienst is back, on the same address
    const submitted = () => references.filter((r) => fake.byReference(r).length > 0).length;
    for (let i = 0; i < AFTER_RETURN_SECONDS * 2 && submitted() < SUBMISSIONS; i++) await sleep(500);
    expect(submitted()).toBe(SUBMISSIONS);

    // each exactly once at the Zustelldienst, every round trip complete, and Lotse agrees
    await sleep(3000); // a late duplicate would show now
    expect(references.filter((r) => fake.byReference(r).length !== 1)).toEqual([]);
    expect(references.flatMap((r) => fake.byReference(r)).filter((s) => s.submitCount !== 1 || !s.check?.ok)).toEqual([]);
    const after = await withClient(databaseUrl(dataDir, pgPort), (c) =>
      c.query(`select d.state, count(*)::int as n from fit_connect_delivery d join submission s on s.id = d.submission_id where s.reference_number = any($1) group by d.state`, [references]),
    );
    expect(Object.fromEntries(after.rows.map((r) => [r.state, r.n]))).toEqual({ SUBMITTED: SUBMISSIONS });
  }, (OUTAGE_SECONDS + AFTER_RETURN_SECONDS + 300) * 1000); // the outage itself is longer than the suite's default limit
});
