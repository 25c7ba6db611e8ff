/**
 * The archive workflow for scripts: `offer`, `evaluation`, `handover`, `receipt`, `delete` (see README, "Archiving").
 * Prints `key=value` lines on stdout; on an expected failure `error=<CODE>` and a German message, exit code 1.
 * Uses DATABASE_URL, or the embedded default (migrated first, like `npm start`).
 */
import '../../timezone.js';
import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../../config/config.js';
import { createRootLogger } from '../../common/logging/logger.js';
import { LotseError } from '../../common/errors/lotse.error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { prepareDatabase } from '../../database/database-bootstrap.js';
import { ormConfig } from '../../database/orm-config.js';
import { createArchiveService } from '../archive.factory.js';
import { MAX_ANSWER_BYTES } from '../xdomea.parser.js';

const USAGE: Record<string, string> = {
  offer: 'npm run archive:offer -- --org <AGS> [--as-of <JJJJ-MM-TT>] [--out <Ordner>]',
  evaluation: 'npm run archive:evaluation -- <0502-Datei> | --offer <ProzessID> --all ARCHIVE|DESTROY',
  handover: 'npm run archive:handover -- --offer <ProzessID> [--out <Ordner>]',
  receipt: 'npm run archive:receipt -- <0504/0506-Datei> | --offer <ProzessID> --confirmed-by <Name>',
  delete: 'npm run archive:delete -- [--as-of <JJJJ-MM-TT>]',
};

const [command, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: {
    org: { type: 'string' },
    'as-of': { type: 'string' },
    out: { type: 'string' },
    offer: { type: 'string' },
    all: { type: 'string' },
    'confirmed-by': { type: 'string' },
  },
});

const usage = (): never => {
  console.error(`Aufruf: ${USAGE[command ?? ''] ?? Object.values(USAGE).join('\n        ')}`);
  process.exit(2);
};
const print = (pairs: Record<string, string | number | boolean | undefined>) => {
  for (const [k, v] of Object.entries(pairs)) if (v !== undefined) process.stdout.write(`${k}=${v}\n`);
};
const asOf = values['as-of'];
if (!command || !(command in USAGE)) usage();
if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) usage();
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (values.offer !== undefined && !uuid.test(values.offer)) usage();

async function readAnswer(path: string): Promise<string> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new LotseError(ErrorCode.BAD_USER_INPUT, `Die Datei ${path} lässt sich nicht lesen (${error.code ?? error.message}).`);
  });
  if (bytes.length > MAX_ANSWER_BYTES) throw new LotseError(ErrorCode.ARCHIVE_MESSAGE_MALFORMED, `Die Datei ist größer als ${MAX_ANSWER_BYTES} Byte.`);
  return bytes.toString('utf8');
}

const config = loadConfig();
const logger = createRootLogger({ logLevel: 'warn' });
const { url, embedded } = await prepareDatabase(config, logger);
const orm = await MikroORM.init(ormConfig(url, config));
try {
  const archive = createArchiveService(orm.em.fork(), config, logger);
  if (command === 'offer') {
    if (!values.org) usage();
    const r = await archive.offer(values.org as string, asOf, values.out ?? '.');
    print({ offerId: r.offerId, messageId: r.messageId, records: r.records, file: r.file });
  } else if (command === 'evaluation') {
    let r;
    if (values.offer && (values.all === 'ARCHIVE' || values.all === 'DESTROY')) r = await archive.evaluationForAll(values.offer.toLowerCase(), values.all);
    else if (positionals.length === 1 && !values.offer) r = await archive.evaluationFromMessage(await readAnswer(positionals[0]));
    else usage();
    print({ offerId: r!.offerId, archive: r!.archive, destroy: r!.destroy, undecided: r!.undecided });
  } else if (command === 'handover') {
    if (!values.offer) usage();
    const r = await archive.handover((values.offer as string).toLowerCase(), values.out ?? '.');
    print({ offerId: r.offerId, messageId: r.messageId, records: r.records, sha256: r.sha256, file: r.file, closed: r.closed });
  } else if (command === 'receipt') {
    let r;
    if (values.offer && values['confirmed-by']) r = await archive.receiptOnPaper(values.offer.toLowerCase(), values['confirmed-by']);
    else if (positionals.length === 1 && !values.offer) r = await archive.receiptFromMessage(await readAnswer(positionals[0]));
    else usage();
    print({ offerId: r!.offerId, closed: r!.closed, imported: r!.imported, failed: r!.failed.join(',') || undefined, acknowledgedOnly: r!.acknowledgedOnly || undefined });
  } else if (command === 'delete') {
    const r = await archive.deleteDue(asOf);
    print({ deleted: r.deleted, held: r.held });
  }
} catch (error) {
  if (!(error instanceof LotseError)) throw error;
  print({ error: error.code });
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await orm.close(true);
  await embedded?.stop();
}
