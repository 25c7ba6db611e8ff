import DataLoader from 'dataloader';

/**
 * Per-request DataLoaders, created on first use under a name. Field resolvers batch through them, so a
 * nested query costs one SQL statement per level, not one per node.
 */
export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(name: string, batch: (keys: readonly K[]) => Promise<ReadonlyArray<V | Error>>): DataLoader<K, V> {
    let loader = this.loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch, { maxBatchSize: 500 });
      this.loaders.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}

/** Orders batch results by key; missing keys get `fallback`. */
export function byKey<K, V, F>(keys: readonly K[], values: Iterable<[K, V]>, fallback: F): Array<V | F> {
  const map = new Map(values);
  return keys.map((k) => (map.has(k) ? (map.get(k) as V) : fallback));
}
