import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import { validateAgainstXsd, type XmlValidation, type XsdFile } from '../xoev/xml-validator.js';
import { XDOMEA_NAMESPACE } from './xdomea.serializer.js';

/** The official message schema of the Aussonderung; it includes the Baukasten, the types and the XÖV code schema. */
const MAIN = 'xdomea-Nachrichten-AussonderungDurchfuehren.xsd';
const XOEV_CODE = '../xoev/code/1_0/xoev-code.xsd';

const cache = new Map<string, XsdFile[]>();

/**
 * The xdomea 3.0.0 XSD set from `dir` (`xsd-3.0.0/*.xsd` and `xoev/code/1_0/xoev-code.xsd`, the layout of the
 * official distribution). ARCHIVE_SCHEMA_UNAVAILABLE when the folder is not configured or incomplete.
 */
export function loadXdomeaSchemas(dir: string | undefined): XsdFile[] {
  if (!dir) throw new LotseError(ErrorCode.ARCHIVE_SCHEMA_UNAVAILABLE);
  const cached = cache.get(dir);
  if (cached) return cached;
  const folder = join(dir, 'xsd-3.0.0');
  const code = join(dir, 'xoev', 'code', '1_0', 'xoev-code.xsd');
  if (!existsSync(join(folder, MAIN)) || !existsSync(code)) {
    throw new LotseError(ErrorCode.ARCHIVE_SCHEMA_UNAVAILABLE, `Im Ordner ${dir} fehlen die xdomea-3.0.0-Schemata (${MAIN} oder ${XOEV_CODE.slice(3)}).`);
  }
  const others = readdirSync(folder)
    .filter((f) => f.endsWith('.xsd') && f !== MAIN && f !== 'xdomea.xsd')
    .map((fileName) => ({ fileName, contents: readFileSync(join(folder, fileName), 'utf8') }));
  const schemas: XsdFile[] = [
    { fileName: MAIN, contents: readFileSync(join(folder, MAIN), 'utf8'), namespace: XDOMEA_NAMESPACE },
    ...others,
    { fileName: XOEV_CODE, contents: readFileSync(code, 'utf8') },
  ];
  cache.set(dir, schemas);
  return schemas;
}

export async function validateXdomea(xml: string, dir: string | undefined): Promise<XmlValidation> {
  return validateAgainstXsd(xml, loadXdomeaSchemas(dir));
}
