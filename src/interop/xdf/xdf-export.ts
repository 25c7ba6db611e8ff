import { createHash } from 'node:crypto';
import { notFound } from '../../common/errors/lotse.error.js';
import type { Element, FimStammdatenschema } from '../../generated/fim-stammdatenschema.js';
import type { FormVersionEntity } from '../../forms/entities/form-version.entity.js';
import { walkSchema } from '../../forms/form-schema.js';
import type { FormSchemaNode } from '../../forms/form.types.js';
import type { GenericodeList, ImportProblem } from '../import.problems.js';
import { genericodeFileName, genericodeXml } from './genericode.serializer.js';
import { stammdatenschemaToXdf2, xdf2FileName } from './xdf2.serializer.js';

export interface XdatenfelderExport {
  fileName: string;
  xml: string;
  codeLists: Array<{ fileName: string; xml: string }>;
  warnings: ImportProblem[];
}

/**
 * The code lists a form uses, rebuilt from its frozen choices: each select field that references a genericode
 * list gets that list's identification back, with the codes and names the form was published with.
 */
export function codeListsOfForm(schema: FimStammdatenschema, published: FormSchemaNode): Array<{ list: GenericodeList; fimId?: string }> {
  const byField = new Map<string, FormSchemaNode>();
  walkSchema(published, (node) => {
    const id = node['x-fim']?.id;
    const choice = Array.isArray(node.enum) ? node : node.items && Array.isArray(node.items.enum) ? node.items : undefined;
    if (id && choice && !byField.has(id)) byField.set(id, choice);
  });
  const lists = new Map<string, { list: GenericodeList; fimId?: string }>();
  for (const element of Object.values(schema.elements) as Element[]) {
    const ref = element.codeliste;
    const node = byField.get(element.angaben.identifikation.id);
    if (!ref || !node) continue;
    const key = ref.canonicalVersionUri ?? `${ref.canonicalIdentification}_${ref.genericodeVersion}`;
    if (lists.has(key)) continue;
    const labels = node['x-enum-labels'] ?? {};
    lists.set(key, {
      fimId: ref.id,
      list: {
        shortName: ref.canonicalIdentification?.split(':').pop(),
        version: ref.genericodeVersion,
        canonicalUri: ref.canonicalIdentification,
        canonicalVersionUri: ref.canonicalVersionUri,
        codeColumn: element.codeKey ?? 'code',
        nameColumn: element.nameKey ?? 'name',
        codes: (node.enum as unknown[]).map((code) => ({ code: String(code), name: labels[String(code)]?.de ?? String(code) })),
      },
    });
  }
  return [...lists.values()];
}

/** A form that came from FIM, as an XDatenfelder 2.0 Stammdatenschema with its genericode lists. Deterministic. */
export function xdatenfelderExportOf(form: FormVersionEntity): XdatenfelderExport {
  const schema = form.data.fim?.stammdatenschema;
  if (!schema) throw notFound('Dieses Formular stammt nicht aus einem FIM-Stammdatenschema und hat daher keinen XDatenfelder-Export.');
  const nachrichtID = createHash('sha256').update(`${form.id}\u0000${form.contentHash}`).digest('hex').slice(0, 32).toUpperCase();
  const erstellungszeitpunkt = (form.publishedAt ?? form.updatedAt).toISOString();
  const exported = stammdatenschemaToXdf2(schema as FimStammdatenschema, { nachrichtID, erstellungszeitpunkt });
  return {
    fileName: xdf2FileName(schema as FimStammdatenschema),
    xml: exported.xml,
    codeLists: codeListsOfForm(schema as FimStammdatenschema, form.publishedSchema).map(({ list, fimId }) => ({ fileName: genericodeFileName(list, fimId), xml: genericodeXml(list) })),
    warnings: exported.warnings,
  };
}
