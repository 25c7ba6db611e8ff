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
