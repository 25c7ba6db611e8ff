import { validateXML } from 'xmllint-wasm';

export interface XmlValidation {
  valid: boolean;
  errors: Array<{ message: string; line?: number }>;
}

export interface XsdFile {
  fileName: string;
  contents: string;
  /** Target namespace, when the schema is imported by a generated wrapper. */
  namespace?: string;
}

/**
 * libxml2 (xmllint compiled to WebAssembly, from npm): validates XML against XSDs, no system tools needed.
 * With several schemas, a wrapper imports them all, so that documents mixing their namespaces validate.
 * Several documents are checked in one call, which compiles the schemas once for all of them.
 */
export async function validateAgainstXsd(xml: string | string[], schemas: XsdFile[]): Promise<XmlValidation> {
  const [main, ...rest] =
    schemas.length === 1
      ? schemas
      : [
          {
            fileName: 'lotse-wrapper.xsd',
            contents:
              '<?xml version="1.0" encoding="UTF-8"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">' +
              schemas.filter((s) => s.namespace).map((s) => `<xs:import namespace="${s.namespace}" schemaLocation="${s.fileName}"/>`).join('') +
              '</xs:schema>',
          },
          ...schemas,
        ];
  const documents = (Array.isArray(xml) ? xml : [xml]).map((contents, i) => ({ fileName: `message-${i}.xml`, contents }));
  const result = await validateXML({ xml: documents, schema: [main], preload: rest });
  return { valid: result.valid, errors: result.errors.map((e) => ({ message: e.message, line: e.loc?.lineNumber })) };
}
