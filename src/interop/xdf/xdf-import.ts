import type { FimStammdatenschema } from '../../generated/fim-stammdatenschema.js';
import type { FormVersionFile } from '../../generated/form.js';
import { ImportProblemCode, ImportRejectedError, problem, type GenericodeList, type ImportProblem } from '../import.problems.js';
import type { XmlLimits } from '../xml/safe-xml.js';
import type { XmlElement } from '../xml/xml-element.js';
import { parseGenericodeText } from './genericode.parser.js';
import { parseXdf2 } from './xdf2.parser.js';
import { parseXdf3 } from './xdf3.parser.js';
import { stammdatenschemaToForm } from './xdf-form.mapper.js';
import { validateXdatenfelderXsd } from './xdf-xsd.js';

export interface XdfImportOptions {
  lenient: boolean;
  /** Folder of the official XSDs (strict mode). */
  xsdDir?: string;
  /** The genericode files that came with the schema. */
  codeListTexts: readonly string[];
  limits: XmlLimits;
  formId: (fimId: string) => string;
  version: string;
  owner: string;
  serviceId?: string;
}

export interface XdfImportResult {
  schema?: FimStammdatenschema;
  form?: FormVersionFile;
  warnings: ImportProblem[];
  errors: ImportProblem[];
}

/**
 * XDatenfelder file → Lotse form, without touching the database: strict mode validates against the official
 * XSD first; then the Stammdatenschema is read, its code lists parsed, and the form built. In lenient mode what
 * can be worked around becomes a warning.
 */
export async function prepareXdfForm(
  content: string,
  root: XmlElement,
  format: 'XDATENFELDER_2' | 'XDATENFELDER_3',
  options: XdfImportOptions,
): Promise<XdfImportResult> {
  const warnings: ImportProblem[] = [];
  if (!options.lenient) {
    const violations = await validateXdatenfelderXsd(content, format, options.xsdDir);
    if (violations.length) return { warnings, errors: violations };
  }
  const parsed = (format === 'XDATENFELDER_2' ? parseXdf2 : parseXdf3)(root, { lenient: options.lenient });
  warnings.push(...parsed.warnings);
  if (parsed.errors.length) return { warnings, errors: parsed.errors };

  const codeLists: GenericodeList[] = [];
  const errors: ImportProblem[] = [];
  options.codeListTexts.forEach((text, i) => {
    try {
      codeLists.push(parseGenericodeText(text, options.limits));
    } catch (error) {
      if (!(error instanceof ImportRejectedError)) throw error;
      for (const p of error.problems) errors.push({ ...p, message: `Codeliste ${i + 1}: ${p.message}` });
    }
  });
  if (errors.length) return { warnings, errors };

  if (options.lenient && !hasInputFields(parsed.schema)) {
    warnings.push(problem(ImportProblemCode.NOT_APPLIED, 'Das Schema enthält keine Eingabefelder (nur Hinweistexte, Regeln oder nichts); daraus entsteht kein Formular, es wurde nichts angelegt.'));
    return { schema: parsed.schema, warnings, errors: [] };
  }

  const fimId = parsed.schema.angaben.identifikation.id;
  const mapped = stammdatenschemaToForm(parsed.schema, codeLists, {
    formId: options.formId(fimId),
    version: options.version,
    owner: options.owner,
    serviceId: options.serviceId,
    lenient: options.lenient,
  });
  warnings.push(...mapped.warnings);
  if (mapped.errors.length) return { schema: parsed.schema, warnings, errors: mapped.errors };
  return { schema: parsed.schema, form: mapped.form, warnings, errors: [] };
}

/** Whether any field that takes input (not a label) is reachable from the schema's struktur. */
export function hasInputFields(schema: FimStammdatenschema): boolean {
  const seen = new Set<string>();
  const visit = (strukturen: FimStammdatenschema['struktur'] = []): boolean =>
    strukturen.some((s) => {
      const element = schema.elements[s.element];
      if (!element || seen.has(s.element)) return false;
      seen.add(s.element);
      return element.art === 'FELD' ? element.feldart !== 'label' : visit(element.struktur);
    });
  return visit(schema.struktur);
}

/** A slug for a FIM id in a form id (`S05000058` → `s05000058`). */
export function fimSlug(fimId: string): string {
  const slug = fimId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  if (!slug) throw new ImportRejectedError([problem(ImportProblemCode.STRUCTURE, `Aus der Kennung „${fimId.slice(0, 80)}“ lässt sich keine Formularkennung bilden.`)]);
  return slug;
}
