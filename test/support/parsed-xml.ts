/** Accessors for fast-xml-parser's plain-object output in tests that read generated XML back independently. */
export type Parsed = Record<string, unknown>;

export const isObject = (v: unknown): v is Parsed => typeof v === 'object' && v !== null && !Array.isArray(v);

export const obj = (v: unknown): Parsed => {
  if (!isObject(v)) throw new Error(`expected an element with children, got ${JSON.stringify(v)}`);
  return v;
};

export const list = (v: unknown): Parsed[] => (Array.isArray(v) ? v.map(obj) : []);

export const str = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v['#text'] === 'string') return v['#text'];
  throw new Error(`expected text, got ${JSON.stringify(v)}`);
};
