// Upload widgets for Lotse attachment fields, for react-jsonschema-form and JSON Forms. The README shows this file's
// sections verbatim (test/e2e/readme-widgets.spec.ts keeps them equal), and the browser test uploads real files
// through them. Sections run from a `// --- name` line to the next one.

// --- upload
import { useState } from 'react';

/** Posts one file for a field (`/pointer`, list entries with their index) and answers the form data's object. */
export async function uploadAttachment({ formId, version }, field, file) {
  const body = new FormData();
  body.set('formId', formId); // the text fields first, then the file
  body.set('version', version);
  body.set('field', field);
  body.set('file', file);
  const res = await fetch('/attachments', { method: 'POST', body, headers: { 'accept-language': 'de' } });
  const answer = await res.json();
  if (!res.ok) throw new Error(answer.error?.message ?? `Hochladen fehlgeschlagen (${res.status})`);
  const { attachmentId, fileName, mediaType, size } = answer; // `sha256` is not part of the form data
  return { attachmentId, fileName, mediaType, size };
}

const kb = (size) => `${Math.max(1, Math.round(size / 1024))} KB`;

/**
 * A labelled file input. `options` = the field's `attachment` options from the served uiSchema/uischema
 * ({ multiple, mediaTypes, maxBytes, maxFiles }); a list field adds the chosen files after those it holds.
 */
export function AttachmentUpload({ id, label, required, field, value, options = {}, target, onChange, describedBy }) {
  const [status, setStatus] = useState({});
  const files = options.multiple ? (value ?? []) : value ? [value] : [];
  async function choose(event) {
    const chosen = [...event.target.files];
    event.target.value = '';
    if (chosen.length === 0) return;
    setStatus({ busy: true });
    try {
      if (!options.multiple) onChange(await uploadAttachment(target, field, chosen[0]));
      else onChange([...files, ...(await Promise.all(chosen.map((file, i) => uploadAttachment(target, `${field}/${files.length + i}`, file))))]);
      setStatus({});
    } catch (error) {
      setStatus({ error: error.message });
    }
  }
  return (
    <div className="attachment">
      <label htmlFor={id}>{required ? `${label} *` : label}</label>
      <input id={id} name={field} type="file" multiple={options.multiple} accept={options.mediaTypes?.join(',')}
        aria-describedby={describedBy ? `${id}-files ${describedBy}` : `${id}-files`} onChange={choose} />
      <ul id={`${id}-files`} aria-live="polite">
        {files.map((f, i) => (
          <li key={f.attachmentId}>{f.fileName} ({kb(f.size)}){' '}
            <button type="button" onClick={() => onChange(options.multiple ? files.filter((_, j) => j !== i) : undefined)}>{f.fileName} entfernen</button>
          </li>
        ))}
        {status.busy && <li>Wird hochgeladen …</li>}
      </ul>
      {status.error && <p role="alert" className="upload-error">{status.error}</p>}
    </div>
  );
}

// --- rjsf
/** Every message in an rjsf error tree (the server reports errors at a file's parts, e.g. its size). */
const allErrors = (tree) => (tree ? [...(tree.__errors ?? []), ...Object.entries(tree).filter(([k]) => k !== '__errors').flatMap(([, v]) => allErrors(v))] : []);

/** rjsf: `fields={{ attachment: RjsfAttachmentField }}` and `formContext={{ formId, version }}`. */
export function RjsfAttachmentField({ fieldPathId, schema, name, uiSchema, formData, required, errorSchema, registry, onChange }) {
  const id = fieldPathId.$id;
  return (
    <div className="form-group field">
      <AttachmentUpload id={id} label={schema.title ?? name} required={required} field={`/${fieldPathId.path.join('/')}`}
        value={formData} options={uiSchema?.['ui:options']?.attachment} target={registry.formContext}
        describedBy={`${id}__error ${id}__parts`} onChange={(value) => onChange(value, fieldPathId.path)} />
      <div id={`${id}__parts`}>{allErrors(errorSchema).map((e, i) => <p key={i} className="text-danger">{e}</p>)}</div>
    </div>
  );
}

// --- jsonforms
import { optionIs, rankWith } from '@jsonforms/core';
import { useJsonForms, withJsonFormsControlProps } from '@jsonforms/react';

/** The messages at `path` and below it (JSON Forms shows none for a file's parts, e.g. its size). */
export function useErrorsBelow(path) {
  const { core } = useJsonForms();
  const pointer = `/${path.replace(/\./g, '/')}`;
  return [...(core.errors ?? []), ...(core.additionalErrors ?? [])]
    .filter((e) => {
      const at = e.keyword === 'required' ? `${e.instancePath}/${e.params.missingProperty}` : e.instancePath;
      return at === pointer || at.startsWith(`${pointer}/`);
    })
    .map((e) => e.message);
}

/** JSON Forms: `renderers={[...vanillaRenderers, jsonFormsAttachment]}` and `config={{ formId, version }}`. */
export const JsonFormsAttachment = withJsonFormsControlProps(function JsonFormsAttachment({ id, label, required, path, data, uischema, config, handleChange }) {
  const errors = useErrorsBelow(path);
  return (
    <div className="control" id={id}>
      <AttachmentUpload id={`${id}-input`} label={label} required={required} field={`/${path.replace(/\./g, '/')}`}
        value={data} options={uischema.options?.attachment} target={config} describedBy={`${id}-errors`}
        onChange={(value) => handleChange(path, value)} />
      <div id={`${id}-errors`} className="validation">{errors.join(' ')}</div>
    </div>
  );
});
export const jsonFormsAttachment = { tester: rankWith(10, optionIs('format', 'attachment')), renderer: JsonFormsAttachment };
