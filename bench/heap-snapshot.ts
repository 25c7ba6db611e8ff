/**
 * What a V8 heap snapshot (`.heapsnapshot`, as written by `v8.writeHeapSnapshot` or `--heapsnapshot-signal`) holds, by
 * kind of object, and what changed between snapshots of one process: for telling a growing heap (a cache, a list, a
 * map that keeps filling) from JIT warm-up. Not run by the bench; for investigations:
 *
 *   node dist/bench/heap-snapshot.js early.heapsnapshot later.heapsnapshot [latest.heapsnapshot]
 *
 * prints the kinds that grew most (self size and count) from each snapshot to the next, and, with three snapshots,
 * the objects made between the first and the second that were still alive in the third (V8 keeps an object's id
 * across the snapshots of one process), by kind.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The parts of the snapshot format read here (see V8's heap-snapshot-generator: flat arrays described by `meta`). */
export interface HeapSnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface Tally {
  count: number;
  bytes: number;
}

/** Strings and numbers by type alone (their "name" is their content); everything else by type and name. */
const BY_TYPE_ONLY = new Set(['string', 'concatenated string', 'sliced string', 'number', 'heap number', 'bigint']);

interface Layout {
  stride: number;
  type: number;
  name: number;
  id: number;
  selfSize: number;
  types: string[];
}

function layout(snapshot: HeapSnapshotJson): Layout {
  const fields = snapshot.snapshot.meta.node_fields;
  const at = (field: string) => {
    const index = fields.indexOf(field);
    if (index < 0) throw new Error(`heap snapshot without the node field "${field}"`);
    return index;
  };
  return { stride: fields.length, type: at('type'), name: at('name'), id: at('id'), selfSize: at('self_size'), types: snapshot.snapshot.meta.node_types[0] };
}

/**
 * The kind of each node: "object:Foo" for instances of Foo, "closure:bar", "code:(…)" (with digits folded, so
 * `validate12` and `validate40` are one kind), "string" for every string.
 */
function kindOf(snapshot: HeapSnapshotJson, l: Layout, offset: number): string {
  const type = l.types[snapshot.nodes[offset + l.type]] ?? 'unknown';
  if (BY_TYPE_ONLY.has(type)) return type;
  const name = snapshot.strings[snapshot.nodes[offset + l.name]] ?? '';
  return `${type}:${type === 'code' ? name.replace(/\d+/g, '#') : name.slice(0, 80)}`;
}

/** Count and self size by kind of the nodes of `snapshot` that `keep` (given a node's offset) admits. */
function tally(snapshot: HeapSnapshotJson, keep: (offset: number) => boolean = () => true): Map<string, Tally> {
  const l = layout(snapshot);
  const tallies = new Map<string, Tally>();
  for (let offset = 0; offset < snapshot.nodes.length; offset += l.stride) {
    if (!keep(offset)) continue;
    const kind = kindOf(snapshot, l, offset);
    const entry = tallies.get(kind) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += snapshot.nodes[offset + l.selfSize];
    tallies.set(kind, entry);
  }
  return tallies;
}

/** Count and self size of every kind of node. */
export function summarise(snapshot: HeapSnapshotJson): Map<string, Tally> {
  return tally(snapshot);
}

export interface Change {
  kind: string;
  countDelta: number;
  bytesDelta: number;
  after: Tally;
}

/** Every kind whose count or size changed from `before` to `after`, the largest growth in bytes first. */
export function changes(before: ReadonlyMap<string, Tally>, after: ReadonlyMap<string, Tally>): Change[] {
  const none: Tally = { count: 0, bytes: 0 };
  const rows: Change[] = [];
  for (const kind of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(kind) ?? none;
    const b = after.get(kind) ?? none;
    if (a.count !== b.count || a.bytes !== b.bytes) rows.push({ kind, countDelta: b.count - a.count, bytesDelta: b.bytes - a.bytes, after: b });
  }
  return rows.sort((x, y) => y.bytesDelta - x.bytesDelta || x.kind.localeCompare(y.kind));
}

function ids(snapshot: HeapSnapshotJson): Set<number> {
  const l = layout(snapshot);
  const found = new Set<number>();
  for (let offset = 0; offset < snapshot.nodes.length; offset += l.stride) found.add(snapshot.nodes[offset + l.id]);
  return found;
}

/**
 * The objects of `middle` that `first` did not have and `last` still has (made in between and kept), by kind. Native
 * nodes (Node's wrappers, backing stores) are left out: their ids are not kept from one snapshot to the next.
 */
export function survivors(first: HeapSnapshotJson, middle: HeapSnapshotJson, last: HeapSnapshotJson): Map<string, Tally> {
  const before = ids(first);
  const after = ids(last);
  const l = layout(middle);
  return tally(middle, (offset) => {
    const id = middle.nodes[offset + l.id];
    return !before.has(id) && after.has(id) && l.types[middle.nodes[offset + l.type]] !== 'native';
  });
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1).padStart(9);

function main(files: string[]): void {
  if (files.length < 2) throw new Error('usage: heap-snapshot.js first.heapsnapshot second.heapsnapshot [third.heapsnapshot …]');
  const snapshots = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotJson);
  const summaries = snapshots.map(summarise);
  summaries.forEach((s, i) => {
    const total = [...s.values()].reduce((sum, t) => sum + t.bytes, 0);
    console.log(`${files[i]}: ${snapshots[i].nodes.length / layout(snapshots[i]).stride} nodes, ${kib(total).trim()} KiB`);
  });
  for (let i = 1; i < summaries.length; i++) {
    const rows = changes(summaries[i - 1], summaries[i]);
    console.log(`\n${files[i - 1]} -> ${files[i]}: grew most (KiB, count; now)`);
    for (const r of rows.slice(0, 25)) console.log(`${kib(r.bytesDelta)} ${String(r.countDelta).padStart(7)}  (${kib(r.after.bytes).trim()} KiB, ${r.after.count})  ${r.kind}`);
  }
  if (snapshots.length >= 3) {
    const kept = [...survivors(snapshots[0], snapshots[1], snapshots[snapshots.length - 1])].sort((a, b) => b[1].bytes - a[1].bytes);
    const total = kept.reduce((sum, [, t]) => sum + t.bytes, 0);
    console.log(`\nmade between the first two snapshots and alive in the last: ${kib(total).trim()} KiB`);
    for (const [kind, t] of kept.slice(0, 25)) console.log(`${kib(t.bytes)} ${String(t.count).padStart(7)}  ${kind}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
