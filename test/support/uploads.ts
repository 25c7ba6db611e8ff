import { randomBytes } from 'node:crypto';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface UploadFile {
  name: string;
  type?: string;
  data: Buffer;
}

/** A multipart/form-data body written byte for byte (so tests can send names a browser would not). */
export function multipartBody(fields: Record<string, string>, file?: UploadFile, fileField = 'file'): { body: Buffer; contentType: string } {
  const boundary = `----lotse${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'));
  }
  if (file) {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${file.name}"\r\n${file.type ? `Content-Type: ${file.type}\r\n` : ''}\r\n`;
    parts.push(Buffer.from(head, 'utf8'), file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** POST /attachments; answers status and JSON body (a refusal's `{ error: { code, message } }`, or the receipt). */
export async function upload(baseUrl: string, fields: Record<string, string>, file: UploadFile | undefined, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const { body, contentType } = multipartBody(fields, file);
  const res = await fetch(`${baseUrl}/attachments`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}
