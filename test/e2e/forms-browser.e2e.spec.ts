import type { Browser, Page } from 'playwright-core';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { checkCatalogDir, defaultCatalogDir } from '../../src/catalog/catalog.check.js';
import { latestVersions } from '../../src/forms/form.checker.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { buildTestPage, chromiumAvailable, CHROMIUM, CHROMIUM_ARGS, type BuiltPage } from '../support/browser-page.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Renderer = 'rjsf' | 'jsonforms';

const FORM = `query($id: ID!) { form(id: $id, locale: "de") { id version jsonSchema uiSchema uischema translations } }`;
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
const at = (data: unknown, pointer: string): unknown =>
  pointer.split('/').slice(1).reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), data);

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
  const counts = { forms: 0, renders: 0, leaves: 0, rendered: 0, submissions: 0, receipts: 0, invalid: 0, messages: 0, messagesShown: 0, agreeing: 0, axeRuns: 0, axeViolations: 0 };
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
    // the page never reaches the network: its only requests are answered here
    await page.route('**/*', (route) => route.abort());
    await page.setContent(built.html);
    await page.addScriptTag({ content: built.script });
    await page.addScriptTag({ content: built.axe });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (counts.forms > 0) {
      console.log(
        `[lotse] browser test: ${counts.forms} forms × 2 renderers (${counts.renders} renders); fields rendered ${counts.rendered}/${counts.leaves}; ` +
          `valid examples submitted ${counts.receipts}/${counts.submissions}; invalid examples ${counts.invalid} (German messages shown at their fields: ${counts.messagesShown}/${counts.messages}; ` +
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

  it.each<Renderer>(['rjsf', 'jsonforms'])('%s: every field has an input, nothing is pre-filled, valid examples submit, invalid ones show the server’s German messages at their fields, no axe violations', async (renderer) => {
    const problems: string[] = [];
    for (const { id, version } of catalog.forms) {
      consoleErrors = [];
      const form = (await t.gql<{ form: Json }>(FORM, { id })).body.data!.form;
      const leaves = leafFields(form.jsonSchema, form.uiSchema);
      const attachments = attachmentFields(form.jsonSchema, form.uiSchema);
      const found = new Set<string>();
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
        await render(renderer, form, structuredClone(example.data));
        const data = await state();
        await eachCategory(renderer, async () => (await call<string[]>('renderedLeaves', renderer, leaves)).forEach((l) => found.add(l)));
        if (example.name.startsWith('valid-')) {
          counts.submissions += 1;
          const res = await t.gql<{ submitForm: Json }>(SUBMIT, { i: { formId: id, version, data }, k: `browser-${process.pid}-${++keys}` });
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
