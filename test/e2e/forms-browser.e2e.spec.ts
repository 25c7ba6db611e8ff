import type { Browser, Page } from 'playwright-core';
import { claimValueFor, signDevCitizenToken } from '../../src/auth/dev-citizen-token.js';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { checkCatalogDir, defaultCatalogDir } from '../../src/catalog/catalog.check.js';
import { latestVersions } from '../../src/forms/form.checker.js';
import { sampleFile, type SampleType } from '../../src/attachments/sample-files.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { buildTestPage, chromiumAvailable, CHROMIUM, CHROMIUM_ARGS, type BuiltPage } from '../support/browser-page.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Renderer = 'rjsf' | 'jsonforms';

const FORM = `query($id: ID!) { form(id: $id, locale: "de") { id version jsonSchema uiSchema uischema translations access { account minTrustLevel } } }`;
const VALIDATE = `query($id: ID!, $v: String!, $d: JSON!) { validateSubmission(formId: $id, version: $v, data: $d, locale: "de") {
  valid rjsfErrors errors { instancePath schemaPath keyword params message field label } } }`;
const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) {
  __typename ... on SubmissionReceipt { referenceNumber } ... on SubmissionValidationError { errors { field message } } } }`;

/** Keywords only the server checks (their errors say so); `if` is ajv's summary of a failed condition, which Lotse leaves out. */
const SERVER_ONLY = new Set(['x-format', 'x-xml-characters']);
const SUMMARY = new Set(['if']);
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const present = chromiumAvailable();
if (!present && !process.env.CI) console.log(`[lotse] browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium); CI installs and runs it`);

/**
 * The leaf fields of a served schema as JSON pointers (lists of objects as `/list/*\/field`); an attachment field
 * (`ui:field: attachment` in the uiSchema) and a list of choices count as one field each.
 */
function leafFields(node: Json, ui: Json = {}, path = ''): string[] {
  if (ui['ui:field'] === 'attachment') return [path];
  if (node.properties) return Object.entries(node.properties as Json).flatMap(([name, child]) => leafFields(child, ui[name] ?? {}, `${path}/${name}`));
  if (node.items?.properties) return leafFields(node.items, ui.items ?? {}, `${path}/*`);
  return [path];
}

function attachmentFields(node: Json, ui: Json = {}, path = ''): string[] {
  if (ui['ui:field'] === 'attachment') return [path];
  if (node.properties) return Object.entries(node.properties as Json).flatMap(([name, child]) => attachmentFields(child, ui[name] ?? {}, `${path}/${name}`));
  if (node.items?.properties) return attachmentFields(node.items, ui.items ?? {}, `${path}/*`);
  return [];
}

/** The pointers in `data` that match `pattern` (a field pointer with `*` for list entries) and hold a value. */
function matching(data: unknown, pattern: string, path = ''): string[] {
  const [head, ...rest] = pattern.split('/').slice(1);
  if (head === undefined) return data === undefined ? [] : [path];
  const tail = rest.map((k) => `/${k}`).join('');
  if (head === '*') return Array.isArray(data) ? data.flatMap((v, i) => matching(v, tail, `${path}/${i}`)) : [];
  return data && typeof data === 'object' && !Array.isArray(data) ? matching((data as Json)[head], tail, `${path}/${head}`) : [];
}

/** Removes the value at `pointer` from `data`. */
function remove(data: Json, pointer: string): void {
  const keys = pointer.split('/').slice(1);
  const parent = at(data, keys.slice(0, -1).map((k) => `/${k}`).join('')) as Json;
  if (Array.isArray(parent)) parent.splice(Number(keys[keys.length - 1]), 1);
  else delete parent[keys[keys.length - 1]];
}

type FileRef = { attachmentId: string; fileName: string; mediaType: SampleType; size: number };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every value in `data` that is not an empty object or list, as `pointer=value`. */
function values(data: unknown, path = ''): string[] {
  if (Array.isArray(data)) return data.flatMap((v, i) => values(v, `${path}/${i}`));
  if (data && typeof data === 'object') return Object.entries(data).flatMap(([k, v]) => values(v, `${path}/${k}`));
  return data === undefined ? [] : [`${path}=${JSON.stringify(data)}`];
}

/** Pointers that the served schema gives an explicit `default`. */
function defaults(node: Json, path = ''): string[] {
  return [...(node.default !== undefined ? [path] : []), ...Object.entries((node.properties ?? {}) as Json).flatMap(([k, v]) => defaults(v, `${path}/${k}`))];
}

const errorKey = (e: Json) => `${e.instancePath} ${e.schemaPath} ${e.keyword}`;
const star = (pointer: string) => pointer.replace(/\/\d+(?=\/|$)/g, '/*');
function at(data: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), data);
}

/**
 * The examples are written for the day in their `today`; the server checks date bounds against the real today.
 * Every date in an example moves by the days in between, so that the example means what it says.
 */
function shiftDates(data: unknown, days: number): unknown {
  if (typeof data === 'string' && /^\d{4}-\d{2}-\d{2}(T|$)/.test(data)) {
    const date = new Date(`${data.slice(0, 10)}T12:00:00Z`);
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10) + data.slice(10);
  }
  if (Array.isArray(data)) return data.map((v) => shiftDates(v, days));
  if (data && typeof data === 'object') return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, shiftDates(v, days)]));
  return data;
}
const berlinToday = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(new Date());
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);

(present || process.env.CI ? describe : describe.skip)('forms in a real browser: react-jsonschema-form and JSON Forms (vanilla)', () => {
  let t: TestApp;
  let built: BuiltPage;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  const catalog = { forms: [] as Array<{ id: string; version: string }>, examples: new Map<string, Array<{ name: string; data: Json; errors?: string[] }>>() };
  const today = berlinToday();
  const counts = { forms: 0, renders: 0, leaves: 0, rendered: 0, submissions: 0, receipts: 0, withFiles: 0, files: 0, uploaded: 0, refusals: 0, refusalsShown: 0, invalid: 0, messages: 0, messagesShown: 0, agreeing: 0, axeRuns: 0, axeViolations: 0 };
  let keys = 0;

  beforeAll(async () => {
    if (!present) throw new Error(`${CHROMIUM} is missing; CI must install Debian's chromium (.ci/run does)`);
    const check = await checkCatalogDir(defaultCatalogDir());
    for (const { data: file } of latestVersions(check.catalog.forms.values()).values()) catalog.forms.push({ id: file.id, version: file.version });
    for (const [path, { data }] of check.catalog.formExamples) {
      const formId = path.split('/')[1];
      const shifted = shiftDates(data.data, daysBetween(data.today ?? today, today)) as Json;
      catalog.examples.set(formId, [...(catalog.examples.get(formId) ?? []), { name: path.split('/').pop()!, data: shifted, errors: data.errors }]);
    }
    built = await buildTestPage();
    t = await startTestApp({ env: { SUBMIT_RATE_LIMIT_PER_HOUR: '100000' } });
    await t.app.get(CatalogSyncService).sync(defaultCatalogDir());
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    // the page is served as if from the test's Lotse (so that the widgets post to /attachments of their own origin,
    // as in a portal); the uploads are its only requests that go through, everything else is answered here
    await page.route('**/*', (route) => {
      const request = route.request();
      if (request.url() === `${t.baseUrl}/`) return route.fulfill({ contentType: 'text/html; charset=utf-8', body: built.html });
      if (request.url() === `${t.baseUrl}/attachments` && request.method() === 'POST') return route.continue();
      return route.abort();
    });
    await page.goto(`${t.baseUrl}/`);
    await page.addScriptTag({ content: built.script });
    await page.addScriptTag({ content: built.axe });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (counts.forms > 0) {
      console.log(
        `[lotse] browser test: ${counts.forms} forms × 2 renderers (${counts.renders} renders); fields rendered ${counts.rendered}/${counts.leaves}; ` +
          `valid examples submitted ${counts.receipts}/${counts.submissions} (${counts.withFiles} with files: ${counts.uploaded}/${counts.files} files uploaded through the widgets; ` +
          `refused uploads with the message at the field ${counts.refusalsShown}/${counts.refusals}); invalid examples ${counts.invalid} (German messages shown at their fields: ${counts.messagesShown}/${counts.messages}; ` +
          `browser ajv = server: ${counts.agreeing}/${counts.invalid}); axe (WCAG 2.1 A/AA) runs ${counts.axeRuns}, violations ${counts.axeViolations}`,
      );
    }
  });

  /** Calls a function of the test page (test/browser/page.mjs). */
  const call = <T>(name: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(([fn, rest]) => (globalThis as unknown as { lotse: Record<string, (...a: unknown[]) => unknown> }).lotse[fn as string](...(rest as unknown[])), [name, args] as const) as Promise<T>;

  const render = async (renderer: Renderer, form: Json, data: unknown, errors?: { rjsf: unknown; ajv: unknown[] }) => {
    await call('render', { renderer, form, data, errors });
    await page.waitForTimeout(30);
    counts.renders += 1;
  };
  const state = () => call<Json>('state');

  /** JSON Forms (vanilla) shows one category at a time: runs `fn` with each category shown. */
  const eachCategory = async (renderer: Renderer, fn: () => Promise<void>) => {
    const tabs = renderer === 'jsonforms' ? await call<number>('categories') : 0;
    if (tabs === 0) return fn();
    for (let i = 0; i < tabs; i++) {
      await call('selectCategory', i);
      await page.waitForTimeout(10);
      await fn();
    }
  };

  const axe = async (what: string): Promise<string[]> => {
    const violations = await call<Array<{ id: string; targets: unknown }>>('axe', WCAG_21_AA);
    counts.axeRuns += 1;
    counts.axeViolations += violations.length;
    return violations.map((v) => `${what}: ${v.id} ${JSON.stringify(v.targets)}`);
  };

  const settled = () => page.waitForFunction(() => (globalThis as unknown as { lotse: { settled: () => boolean } }).lotse.settled());

  /**
   * Chooses generated files (the example's names, types and sizes) in the widgets of `files`' fields, in whichever
   * category shows them, and waits for the uploads. With `refuseFirst`, the first widget first gets a text file,
   * which the server refuses: its German message must show at the field and the data must stay without a file.
   */
  const uploadThrough = async (renderer: Renderer, what: string, files: Array<{ pointer: string; refs: FileRef[] }>, refuseFirst: boolean): Promise<string[]> => {
    const problems: string[] = [];
    const pending = new Map(files.map((f) => [f.pointer, f.refs]));
    let refuse = refuseFirst;
    await eachCategory(renderer, async () => {
      let shown = false;
      for (const [pointer, refs] of [...pending]) {
        const input = page.locator(`input[type="file"][name="${pointer}"]`);
        if ((await input.count()) !== 1) continue;
        pending.delete(pointer);
        shown = true;
        if (refuse) {
          refuse = false;
          counts.refusals += 1;
          const logged = consoleErrors.length;
          await input.setInputFiles({ name: 'notiz.txt', mimeType: 'text/plain', buffer: Buffer.from('Das ist keine Bescheinigung.\n') });
          await settled();
          const errors = await call<string[]>('uploadErrors');
          const value = at(await state(), pointer);
          // Chromium logs every answer >= 400 as a console error: the one expected 415 is not a problem of the page
          consoleErrors.push(...consoleErrors.splice(logged).filter((e) => !/status of 415 \(Unsupported Media Type\)/.test(e)));
          const described = await page.locator(`.attachment:has(input[name="${pointer}"]) [role="alert"]`).textContent();
          if (errors.length === 1 && /^Dieser Dateityp ist hier nicht erlaubt\./.test(errors[0]) && described === errors[0] && value === undefined) counts.refusalsShown += 1;
          else problems.push(`${what}: a text file at ${pointer}: shown ${JSON.stringify(errors)}, data ${JSON.stringify(value)}`);
        }
        await input.setInputFiles(refs.map((r) => ({ name: r.fileName, mimeType: r.mediaType, buffer: sampleFile(r.mediaType, r.size, { text: r.fileName }) })));
        counts.files += refs.length;
        await settled();
        const errors = await call<string[]>('uploadErrors');
        if (errors.length > 0) problems.push(`${what}: upload at ${pointer} refused: ${errors.join(' | ')}`);
      }
      if (shown) problems.push(...(await axe(`${what} with files`)));
    });
    for (const pointer of pending.keys()) problems.push(`${what}: no file input for ${pointer}`);
    return problems;
  };

  it.each<Renderer>(['rjsf', 'jsonforms'])('%s: every field has an input, nothing is pre-filled, valid examples submit, invalid ones show the server’s German messages at their fields, no axe violations', async (renderer) => {
    const problems: string[] = [];
    for (const { id, version } of catalog.forms) {
      consoleErrors = [];
      const form = (await t.gql<{ form: Json }>(FORM, { id })).body.data!.form;
      const leaves = leafFields(form.jsonSchema, form.uiSchema);
      const attachments = attachmentFields(form.jsonSchema, form.uiSchema);
      const found = new Set<string>();
      let refused = false;
      if (renderer === 'rjsf') counts.forms += 1;

      // untouched: nothing in the data but the catalog's explicit defaults
      await render(renderer, form, renderer === 'rjsf' ? undefined : {});
      const chosen = values(await state()).filter((v) => !defaults(form.jsonSchema).includes(v.split('=')[0]));
      if (chosen.length > 0) problems.push(`${id}: untouched data holds ${chosen.join(', ')}`);
      await eachCategory(renderer, async () => {
        (await call<string[]>('renderedLeaves', renderer, leaves)).forEach((l) => found.add(l));
        problems.push(...(await axe(`${id} untouched`)));
      });

      for (const example of catalog.examples.get(id) ?? []) {
        // a valid example with files starts without them; its files are generated and uploaded through the widgets
        const files = attachments.flatMap((a) => matching(example.data, a)).map((pointer) => ({ pointer, refs: [at(example.data, pointer)].flat() as FileRef[] }));
        const withFiles = example.name.startsWith('valid-') && files.length > 0;
        const start = structuredClone(example.data);
        if (withFiles) files.forEach(({ pointer }) => remove(start, pointer));
        await render(renderer, form, start);
        if (withFiles) {
          problems.push(...(await uploadThrough(renderer, `${id}/${example.name}`, files, !refused)));
          refused = true;
        }
        const data = await state();
        await eachCategory(renderer, async () => (await call<string[]>('renderedLeaves', renderer, leaves)).forEach((l) => found.add(l)));
        if (example.name.startsWith('valid-')) {
          counts.submissions += 1;
          if (withFiles) counts.withFiles += 1;
          // the renderer's data holds the upload answers: new ids, the example's names, types and sizes
          for (const { pointer, refs } of withFiles ? files : []) {
            const got = [at(data, pointer)].flat() as Array<FileRef | undefined>;
            const uploaded = got.length === refs.length && got.every((g, i) => g && UUID.test(g.attachmentId) && g.attachmentId !== refs[i].attachmentId &&
              JSON.stringify(g) === JSON.stringify({ attachmentId: g.attachmentId, fileName: refs[i].fileName, mediaType: refs[i].mediaType, size: refs[i].size }));
            if (uploaded) counts.uploaded += refs.length;
            else problems.push(`${id}/${example.name}: ${pointer} holds ${JSON.stringify(got)} after uploading ${JSON.stringify(refs)}`);
          }
          // a form that requires a citizen account is submitted signed in at its level, as the portal would
          const citizen = form.access.account === 'REQUIRED'
            ? { authorization: `Bearer ${await signDevCitizenToken(t.config.devTokenSecret!, { sub: 'browser-citizen', trust: [t.config.citizenTrustClaim, claimValueFor(form.access.minTrustLevel ?? 'BASIS', t.config.citizenTrustMap)], audience: t.config.citizenOidcAudience })}` }
            : undefined;
          const res = await t.gql<{ submitForm: Json }>(SUBMIT, { i: { formId: id, version, data }, k: `browser-${process.pid}-${++keys}` }, citizen);
          const result = res.body.data?.submitForm;
          if (result?.__typename === 'SubmissionReceipt') counts.receipts += 1;
          else problems.push(`${id}/${example.name}: not accepted from the renderer's state: ${JSON.stringify(result?.errors ?? res.body.errors)}`);
          continue;
        }
        // invalid: the server's errors are the expected fields, the browser's ajv agrees, the messages show at the fields
        counts.invalid += 1;
        const validation = (await t.gql<{ validateSubmission: Json }>(VALIDATE, { id, v: version, d: data })).body.data!.validateSubmission;
        // the fields the example expects errors at; where the renderer put an empty object for a required object the
        // example leaves out (rjsf does), the errors are at that object's fields instead
        const fields = [...new Set<string>(validation.errors.map((e: Json) => e.field))];
        const expected = [...new Set(example.errors ?? [])];
        const opened = (f: string) => at(example.data, f) === undefined && typeof at(data, f) === 'object';
        const covers = (f: string, e: string) => e === f || (opened(f) && e.startsWith(`${f}/`));
        const unexpected = fields.filter((e) => !expected.some((f) => covers(f, e)));
        const unmet = expected.filter((f) => !fields.some((e) => covers(f, e)));
        if (unexpected.length || unmet.length) problems.push(`${id}/${example.name}: errors at ${fields.sort().join(', ')}; expected ${expected.join(', ')}`);
        const browserErrors = await call<Json[]>('validate', form.jsonSchema, data);
        const inBrowser = [...new Set(browserErrors.filter((e) => !SUMMARY.has(e.keyword)).map(errorKey))].sort();
        const onServer = [...new Set<string>(validation.errors.filter((e: Json) => !SERVER_ONLY.has(e.keyword)).map(errorKey))].sort();
        if (JSON.stringify(inBrowser) === JSON.stringify(onServer)) counts.agreeing += 1;
        else problems.push(`${id}/${example.name}: browser ajv ${JSON.stringify(inBrowser)} != server ${JSON.stringify(onServer)}`);

        await render(renderer, form, data, { rjsf: validation.rjsfErrors, ajv: validation.errors });
        // a message shows at its field's control: the field itself, or the attachment or list of choices it is part of;
        // JSON Forms (vanilla) has no place for errors of a whole object (a Group), so those are in the summary above
        const leafSet = new Set(leaves);
        const displayOf = (field: string): string | undefined => {
          for (let p = field; ; p = p.slice(0, p.lastIndexOf('/'))) {
            if (leafSet.has(star(p))) return p;
            if (p === '') return undefined;
          }
        };
        const attachmentOf = (field: string) => attachments.find((a) => star(field) === a || star(field).startsWith(`${a}/`));
        const rjsfAt = (field: string) => {
          const a = attachmentOf(field);
          return a ? field.split('/').slice(0, a.split('/').length).join('/') : field;
        };
        const missing = new Map<string, string | undefined>(validation.errors.map((e: Json) => [`${e.field}\u0000${e.message}`, renderer === 'rjsf' ? rjsfAt(e.field) : displayOf(e.field)]));
        await eachCategory(renderer, async () => {
          for (const [key, field] of [...missing]) {
            const shown = field === undefined ? await call<string>('summary') : await call<string>('textAt', renderer, field);
            if (shown.replace(/\s+/g, ' ').includes(key.split('\u0000')[1])) missing.delete(key);
          }
          problems.push(...(await axe(`${id}/${example.name} with errors`)));
        });
        counts.messages += validation.errors.length;
        counts.messagesShown += validation.errors.length - missing.size;
        for (const key of missing.keys()) problems.push(`${id}/${example.name}: message not shown at ${key.replace('\u0000', ': ')}`);
      }

      counts.leaves += leaves.length;
      counts.rendered += found.size;
      const absent = leaves.filter((l) => !found.has(l));
      if (absent.length > 0) problems.push(`${id}: no input for ${absent.join(', ')}`);
      if (consoleErrors.length > 0) problems.push(`${id}: console errors: ${[...new Set(consoleErrors)].slice(0, 5).join(' | ')}`);
    }
    expect(problems).toEqual([]);
  }, 600_000);
});
