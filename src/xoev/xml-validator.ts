import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { ParseOption, XmlDocument, XmlLibError, XsdValidator, xmlRegisterInputProvider, type ErrorDetail } from 'libxml2-wasm';

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

/** Compiled schema sets kept at most; the least recently used one is freed when another is compiled. */
const DEFAULT_CACHE_SIZE = 64;
/** Where the schemas of a set being compiled live for libxml2's resolver (never the real file system). */
const VIRTUAL_ROOT = '/lotse-xsd/';
/** Documents are read without network access and without substituting entities. */
const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET;

/** The schema document stays alive as long as its validator: libxml2's compiled schema may point into it. */
type Compiled = { validator: XsdValidator; schemaDoc: XmlDocument } | { error: Error };

function free(entry: Compiled): void {
  if ('error' in entry) return;
  entry.validator.dispose();
  entry.schemaDoc.dispose();
}

/**
 * A bounded least-recently-used cache of compiled XSD validators, keyed by the SHA-256 of the schema set
 * (file names, namespaces and contents). An evicted validator is disposed, which frees its libxml2 memory.
 * Validation runs synchronously on the calling thread; a compiled validator is never used concurrently.
 */
export class XsdValidatorCache {
  private readonly entries = new Map<string, Compiled>();
  /** Same array object → same key, without hashing the contents again (callers keep their schema arrays). */
  private readonly keys = new WeakMap<XsdFile[], string>();
  compiled = 0;
  evicted = 0;

  constructor(readonly maxSize = DEFAULT_CACHE_SIZE) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new Error(`XSD validator cache size must be a positive integer, got ${maxSize}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(schemas: XsdFile[]): Compiled {
    let key = this.keys.get(schemas);
    if (key === undefined) {
      const hash = createHash('sha256');
      for (const s of schemas) hash.update(`${s.fileName}\0${s.namespace ?? ''}\0${s.contents.length}\0`).update(s.contents, 'utf8');
      key = hash.digest('hex');
      this.keys.set(schemas, key);
    }
    const hit = this.entries.get(key);
    if (hit) {
      // refresh its place at the young end of the Map's insertion order
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const compiled = compile(key, schemas);
    this.compiled++;
    // a schema that does not compile is not kept: the caller may fix the files and try again
    if ('error' in compiled) return compiled;
    this.entries.set(key, compiled);
    while (this.entries.size > this.maxSize) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Compiled];
      this.entries.delete(oldest);
      free(entry);
      this.evicted++;
    }
    return compiled;
  }

  clear(): void {
    for (const entry of this.entries.values()) free(entry);
    this.entries.clear();
  }
}

function cacheSizeFromEnv(): number {
  const raw = process.env.XSD_VALIDATOR_CACHE_SIZE;
  return raw === undefined || raw.trim() === '' ? DEFAULT_CACHE_SIZE : Number(raw);
}

export const xsdValidators = new XsdValidatorCache(cacheSizeFromEnv());

/**
 * libxml2 (compiled to WebAssembly, from npm, no system tools needed): validates XML against XSDs.
 * Each schema set is compiled once and kept in {@link xsdValidators}. With several schemas, a wrapper imports
 * those with a namespace, so that documents mixing their namespaces validate; the others are found by file name
 * (relative to the first schema's folder) for includes and imports.
 */
export async function validateAgainstXsd(xml: string | string[], schemas: XsdFile[]): Promise<XmlValidation> {
  return Promise.resolve(validateAgainstXsdSync(xml, schemas));
}

/**
 * The same check without a promise: for callers that validate many documents in a loop.
 * A schema set that does not compile throws (`… failed to compile`, with libxml2's reasons), as xmllint does.
 */
export function validateAgainstXsdSync(xml: string | string[], schemas: XsdFile[]): XmlValidation {
  const compiled = xsdValidators.get(schemas);
  if ('error' in compiled) throw compiled.error;
  const errors: XmlValidation['errors'] = [];
  (Array.isArray(xml) ? xml : [xml]).forEach((contents, i) => {
    let doc: XmlDocument;
    try {
      doc = XmlDocument.fromString(contents, { url: `message-${i}.xml`, option: PARSE_OPTIONS });
    } catch (error) {
      errors.push(...detailsOf(error, 'parser error'));
      return;
    }
    try {
      compiled.validator.validate(doc);
    } catch (error) {
      errors.push(...detailsOf(error, 'Schemas validity error'));
    } finally {
      doc.dispose();
    }
  });
  return { valid: errors.length === 0, errors };
}

/** libxml2's diagnostics in the form xmllint prints them (`Schemas validity error : Element …`), with the line. */
function detailsOf(error: unknown, kind: string): XmlValidation['errors'] {
  if (!(error instanceof XmlLibError)) throw error;
  const details: ErrorDetail[] = error.details.filter((d) => d.level === undefined || d.level >= 2);
  if (details.length === 0) return [{ message: `${kind} : ${error.message.trim()}` }];
  return details.map((d) => ({ message: `${kind} : ${d.message.trim()}`, line: d.line !== undefined && d.line > 0 ? d.line : undefined }));
}

/** The files of the set now being compiled, by virtual path; libxml2 reads them through the provider below. */
const compiling = new Map<string, Buffer>();
const open = new Map<number, { data: Buffer; position: number }>();
let nextFd = 1;
let providerRegistered = false;

function registerProvider(): void {
  if (providerRegistered) return;
  providerRegistered = xmlRegisterInputProvider({
    match: (name) => name.startsWith(VIRTUAL_ROOT),
    open: (name) => {
      const data = compiling.get(posix.normalize(name));
      if (data === undefined) return undefined;
      const fd = nextFd++;
      open.set(fd, { data, position: 0 });
      return fd;
    },
    read: (fd, buffer) => {
      const file = open.get(fd);
      if (!file) return -1;
      const n = file.data.copy(buffer, 0, file.position, Math.min(file.data.length, file.position + buffer.length));
      file.position += n;
      return n;
    },
    close: (fd) => open.delete(fd),
  });
  if (!providerRegistered) throw new Error('libxml2: the schema input provider could not be registered');
}

/**
 * The schema set as libxml2 compiles it: the first file is the one to compile, the others are found by name.
 * With several schemas, a generated wrapper imports every schema that has a namespace.
 */
export function withWrapper(schemas: XsdFile[]): XsdFile[] {
  if (schemas.length === 1) return schemas;
  const wrapper: XsdFile = {
    fileName: 'lotse-wrapper.xsd',
    contents:
      '<?xml version="1.0" encoding="UTF-8"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">' +
      schemas.filter((s) => s.namespace).map((s) => `<xs:import namespace="${s.namespace}" schemaLocation="${s.fileName}"/>`).join('') +
      '</xs:schema>',
  };
  return [wrapper, ...schemas];
}

function compile(key: string, schemas: XsdFile[]): Compiled {
  registerProvider();
  const [main, ...rest] = withWrapper(schemas);
  // two levels deep, so that a location like `../xoev/code/1_0/xoev-code.xsd` stays inside this set's folder
  const folder = `${VIRTUAL_ROOT}${key}/set/`;
  const path = (fileName: string) => posix.normalize(posix.join(folder, fileName));
  compiling.clear();
  for (const s of rest) compiling.set(path(s.fileName), Buffer.from(s.contents, 'utf8'));
  let schemaDoc: XmlDocument | undefined;
  try {
    schemaDoc = XmlDocument.fromString(main.contents, { url: path(main.fileName), option: PARSE_OPTIONS });
    return { validator: XsdValidator.fromDoc(schemaDoc), schemaDoc };
  } catch (error) {
    schemaDoc?.dispose();
    const messages = detailsOf(error, 'Schemas parser error').map((e) => `${main.fileName}:${e.line ?? 0}: ${e.message}`);
    return { error: new Error(`${messages.join('\n')}\nWXS schema ${main.fileName} failed to compile`) };
  } finally {
    compiling.clear();
  }
}
