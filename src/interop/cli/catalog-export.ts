/**
 * `npm run catalog:export -- --org <AGS> [--out <file>]`: writes the catalog bundle of an organisation (its
 * services, their published forms and the code lists they use, with versions and provenance) as JSON.
 * Uses DATABASE_URL, or the embedded default (migrated first, like `npm start`).
 */
import '../../timezone.js';
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../../config/config.js';
import { createRootLogger } from '../../common/logging/logger.js';
import { prepareDatabase } from '../../database/database-bootstrap.js';
import { ormConfig } from '../../database/orm-config.js';
import { exportBundle, UnknownOrganisationError } from '../bundle/bundle.js';

const { values } = parseArgs({ options: { org: { type: 'string' }, out: { type: 'string' } } });
if (!values.org) {
  console.error('Aufruf: npm run catalog:export -- --org <AGS> [--out <Datei>]');
  process.exit(2);
}
const config = loadConfig();
const { url, embedded } = await prepareDatabase(config, createRootLogger({ logLevel: 'warn' }));
const orm = await MikroORM.init(ormConfig(url, config));
try {
  const bundle = await exportBundle(orm.em.fork(), values.org, config.instanceName);
  const json = `${JSON.stringify(bundle, null, 2)}\n`;
  if (values.out) {
    await writeFile(values.out, json);
    const count = (kind: string) => bundle.entries.filter((e) => e.kind === kind).length;
    console.error(`Paket geschrieben: ${values.out} (${count('SERVICE')} Leistungen, ${count('FORM')} Formularversionen, ${count('CODE_LIST')} Codelisten, ${count('AREA')} Aufgabenbereiche, ${count('ORGANISATION')} Organisationen)`);
  } else {
    process.stdout.write(json);
  }
} catch (error) {
  if (!(error instanceof UnknownOrganisationError)) throw error;
  console.error(`Eine Organisation mit dem Gemeindeschlüssel oder der Kennung „${values.org}“ gibt es nicht.`);
  process.exitCode = 2;
} finally {
  await orm.close(true);
  await embedded?.stop();
}
