/**
 * `value` with the keys of its objects in the order of `template` (at every level where both have an object):
 * keys the template has first, in its order, then the others in their own order. Arrays are matched by index.
 * Only the order changes, never the content; used to restore the order of form documents that were stored as
 * jsonb (which sorts keys) from their catalog file.
 */
export function orderLike<T>(value: T, template: unknown): T {
  if (Array.isArray(value)) return (Array.isArray(template) ? value.map((v, i) => orderLike(v, template[i])) : value) as T;
  if (!isObject(value) || !isObject(template)) return value;
  const keys = [...Object.keys(template).filter((k) => Object.hasOwn(value, k)), ...Object.keys(value).filter((k) => !Object.hasOwn(template, k))];
  return Object.fromEntries(keys.map((k) => [k, orderLike(value[k], template[k])])) as T;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
