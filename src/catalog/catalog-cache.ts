/**
 * Small, short-lived cache for catalog data that changes only with a sync (code list labels, areas with
 * their counts). A sync in this process clears it at once; other instances see changes within the TTL.
 */
const TTL_MS = 30_000;
let generation = 0;
const entries = new Map<string, { at: number; generation: number; value: Promise<unknown> }>();

export function catalogChanged(): void {
  generation += 1;
  entries.clear();
}

export function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.generation === generation && now - hit.at < TTL_MS) return hit.value as Promise<T>;
  const value = load();
  entries.set(key, { at: now, generation, value });
  value.catch(() => entries.delete(key));
  return value;
}
