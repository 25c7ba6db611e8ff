import { randomUUID } from 'node:crypto';
import type { FormSchemaNode } from '../forms/form.types.js';
import { attachmentRefs } from './attachment-rules.js';
import { sampleFile, type SampleType } from './sample-files.js';
import { claimValueFor, signDevCitizenToken } from '../auth/dev-citizen-token.js';
import { loadConfig } from '../config/config.js';

type Json = Record<string, unknown>;

const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) {
  __typename ... on SubmissionReceipt { referenceNumber accessCode submittedAt status organisationId }
  ... on SubmissionValidationError { message errors { field keyword message } } } }`;

/** Sets `value` at a JSON pointer of `doc` (the pointer exists). */
function setAt(doc: Json, pointer: string, value: unknown): void {
  const parts = pointer.split('/').slice(1);
  let node = doc as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

/**
 * Submits an example's data to a running service the way a portal would: for each attachment object in it,
 * generates a file of that name, type and size, uploads it (POST /attachments) for its field, puts the
 * returned attachment object in place, then calls submitForm. Returns the upload answers and the result.
 * A form that requires a citizen account is submitted signed in, as a portal would: with a development citizen
 * token (`npm run token -- --citizen`) of the form's minimum trust level, which the service accepts outside production.
 */
export async function submitExample(baseUrl: string, form: { id: string; version: string; schema: unknown; access?: { account: string; minTrustLevel?: string } }, data: Json, locale = 'de') {
  const copy = structuredClone(data);
  const uploads: Json[] = [];
  for (const { pointer, field, value } of attachmentRefs(form.schema as FormSchemaNode, data)) {
    const ref = value as { fileName?: string; mediaType?: string; size?: number };
    const mediaType = (ref.mediaType ?? field.rules.mediaTypes[0]) as SampleType;
    const fileName = ref.fileName ?? `datei.${mediaType === 'application/pdf' ? 'pdf' : mediaType === 'image/png' ? 'png' : 'jpg'}`;
    const bytes = sampleFile(mediaType, ref.size, { text: fileName });
    const body = new FormData();
    body.set('formId', form.id);
    body.set('version', form.version);
    body.set('field', pointer);
    body.set('file', new Blob([new Uint8Array(bytes)], { type: mediaType }), fileName);
    const res = await fetch(`${baseUrl}/attachments`, { method: 'POST', body });
    const answer = (await res.json()) as Json;
    if (res.status !== 201) throw new Error(`upload for ${pointer} refused: ${JSON.stringify(answer)}`);
    uploads.push({ pointer, ...answer });
    const { sha256: _sha256, ...attachment } = answer;
    setAt(copy, pointer, Object.fromEntries(Object.entries(attachment).filter(([k]) => k === 'attachmentId' || k in (value as Json))));
  }
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await signInFor(form.access)) },
    body: JSON.stringify({ query: SUBMIT, variables: { i: { formId: form.id, version: form.version, data: copy, locale }, k: `example-${randomUUID()}` } }),
  });
  const result = (await res.json()) as { data?: { submitForm: Json }; errors?: unknown[] };
  if (!result.data) throw new Error(`submitForm failed: ${JSON.stringify(result.errors)}`);
  return { uploads, result: result.data.submitForm, data: copy };
}

/** The Authorization header a portal would send for a form that requires an account (none otherwise). */
async function signInFor(access: { account: string; minTrustLevel?: string } | undefined): Promise<Record<string, string>> {
  if (access?.account !== 'required') return {};
  const config = loadConfig();
  if (!config.devTokenSecret || config.nodeEnv === 'production') throw new Error('this form requires a citizen account; development citizen tokens exist only outside production');
  const level = access.minTrustLevel ?? 'BASIS';
  const token = await signDevCitizenToken(config.devTokenSecret, { sub: 'example-citizen', trust: [config.citizenTrustClaim, claimValueFor(level, config.citizenTrustMap)], audience: config.citizenOidcAudience });
  return { authorization: `Bearer ${token}` };
}
