import { validateXML } from 'xmllint-wasm';

export interface XmlValidation {
  valid: boolean;
  errors: Array<{ message: string; line?: number }>;
}

/** libxml2 (xmllint compiled to WebAssembly, from npm): validates XML against XSDs, no system tools needed. */
export async function validateAgainstXsd(xml: string, schemas: Array<{ fileName: string; contents: string }>): Promise<XmlValidation> {
  const result = await validateXML({ xml: [{ fileName: 'message.xml', contents: xml }], schema: schemas });
  return {
    valid: result.valid,
    errors: result.errors.map((e) => ({ message: e.message, line: e.loc?.lineNumber })),
  };
}
