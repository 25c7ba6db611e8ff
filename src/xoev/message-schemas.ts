import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root.js';
import type { FormSchemaNode } from '../forms/form.types.js';
import { formNamespace, formXsd } from './form-xsd.js';
import { MESSAGE_NAMESPACE } from './message.builder.js';
import type { XsdFile } from './xml-validator.js';

let messageXsd: string | undefined;

/**
 * The schemas a message of this form version must satisfy: the project's message XSD and the form's own XSD,
 * generated from the given (stored) version, so the check covers exactly what is sent.
 */
export function messageSchemas(formId: string, version: string, published: FormSchemaNode): XsdFile[] {
  messageXsd ??= readFileSync(join(projectRoot(), 'schemas', 'xoev', 'lotse-nachricht.xsd'), 'utf8');
  return [
    { fileName: 'lotse-nachricht.xsd', contents: messageXsd, namespace: MESSAGE_NAMESPACE },
    { fileName: 'form.xsd', contents: formXsd(formId, version, published), namespace: formNamespace(formId, version) },
  ];
}

/** A stored form version as its messages need it: the published schema and the schemas a message is checked against. */
export interface MessageForm {
  formId: string;
  version: string;
  published: FormSchemaNode;
  /** The same array on every use, so the validator cache finds its compiled set without hashing the XSDs again. */
  schemas: XsdFile[];
  /** The row version it was read at (PostgreSQL's `xmin`): any change of the row gives another. */
  stamp: string;
}

/** Form versions kept at most; the least recently used one goes when another comes. */
const DEFAULT_FORM_CACHE_SIZE = 64;

/**
 * The form versions of recent messages with their schemas, each generated once. An entry holds while the row's
 * stamp (xmin, read with the case) is the same; a changed row (published again, repaired, edited by hand) is read
 * and generated anew. Bounded: the least recently used entry is dropped.
 */
export class MessageFormCache {
  private readonly entries = new Map<string, MessageForm>();
  loads = 0;
  evicted = 0;

  constructor(readonly maxSize = DEFAULT_FORM_CACHE_SIZE) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new Error(`form cache size must be a positive integer, got ${maxSize}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The form version `id` as of row version `stamp`; `load` reads the row (with its current stamp) when the kept one is
   * another or there is none. Concurrent misses may each load; the last one stays.
   */
  async get(id: string, stamp: string, load: () => Promise<{ formId: string; version: string; published: FormSchemaNode; stamp: string }>): Promise<MessageForm> {
    const hit = this.entries.get(id);
    if (hit && hit.stamp === stamp) {
      // refresh its place at the young end of the Map's insertion order
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const row = await load();
    this.loads++;
    const form: MessageForm = { ...row, schemas: messageSchemas(row.formId, row.version, row.published) };
    this.entries.delete(id);
    this.entries.set(id, form);
    while (this.entries.size > this.maxSize) {
      this.entries.delete(this.entries.keys().next().value!);
      this.evicted++;
    }
    return form;
  }

  clear(): void {
    this.entries.clear();
  }
}
