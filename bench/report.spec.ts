import { markdownTable, missingKeys, parseOnly, readmeTable, replaceBetweenMarkers, README_BEGIN, README_END, REQUIRED_KEYS, SECTIONS, summarise, type BenchParts, type PairResult } from './report.js';
import { memoryTrend } from './stats.js';

const pair = (name: string, rps: number, p99: number, ratio: number): PairResult => ({
  name,
  rounds: 3,
  lotse: { rps, p99 },
  baseline: { rps: Math.round(rps / ratio), p99: 2 },
  ratio,
  roundRatios: [ratio, ratio, ratio],
});

const samples = Array.from({ length: 61 }, (_, i) => ({ seconds: i * 10, mib: 600 + (i % 3), anonMiB: 500 }));

const parts: BenchParts = {
  catalog: { servicesList: pair('list', 4000, 12, 0.52), serviceById: pair('byId', 5000, 9, 0.61), search: pair('search', 2500, 25, 0.31) },
  submitForm: pair('submit', 1500, 40, 0.37),
  sameRows: pair('rows', 2000, 20, 0.45),
  xoev: { buildAndValidatePerSecond: 7954, xmllintValidatedPerSecond: 19795, ratioAgainstXmllint: 0.402 },
  webhooks: { ratio: 0.05 },
  twoInstances: { rounds: 3, connections: 20, catalogRps: 3900, singleRps: 4000, ratio: 0.975, roundRatios: [0.97, 0.975, 0.98], p99: { single: 12, both: 14 }, cpus: '0' },
  soak: {
    seconds: 600,
    mix: 'catalog 80 %, validateSubmission 15 %, submitForm 5 %',
    rps: 3000,
    p99: 30,
    requests: 1_800_000,
    failures: 0,
    rssStartMiB: 600,
    rssEndMiB: 602,
    trend: memoryTrend(samples, 60),
    samples,
  },
};

describe('summarise and missingKeys', () => {
  it('fills every required key from the sections, each figure from the right place', () => {
    const summary = summarise(parts);
    expect(missingKeys(summary)).toEqual([]);
    expect(summary.ratios).toMatchObject({ servicesList: 0.52, serviceById: 0.61, search: 0.31, submitForm: 0.37, sameRowsRaw: 0.45, xoevValidated: 0.402 });
    expect(summary.p99ms).toMatchObject({ servicesList: 12, submitForm: 40 });
    expect(summary.xoev?.validatedPerSecond).toBe(7954);
    expect(summary.soak).toMatchObject({ seconds: 600, rssSlopeMBPerMin: parts.soak!.trend.slopeMiBPerMin });
    expect(summary.twoInstances).toMatchObject({ catalogRps: 3900, singleRps: 4000 });
  });

  it('names the keys of sections that did not run', () => {
    const { soak: _soak, twoInstances: _two, ...rest } = parts;
    expect(missingKeys(summarise(rest))).toEqual(['soak.seconds', 'soak.rssSlopeMBPerMin', 'twoInstances.catalogRps', 'twoInstances.singleRps']);
  });

  it('allows null only for the xmllint ratio (no xmllint installed), not for a soak without a verdict', () => {
    const noXmllint = summarise({ ...parts, xoev: { buildAndValidatePerSecond: 10, xmllintValidatedPerSecond: null, ratioAgainstXmllint: null } });
    expect(missingKeys(noXmllint)).toEqual([]);
    const shortSoak = summarise({ ...parts, soak: { ...parts.soak!, trend: memoryTrend(samples.slice(0, 2), 0) } });
    // NaN is what JSON would turn into null: the key counts as missing
    expect(missingKeys(JSON.parse(JSON.stringify(shortSoak)))).toEqual(['soak.rssSlopeMBPerMin']);
  });

  it('survives the trip through JSON (what latest.json holds)', () => {
    expect(missingKeys(JSON.parse(JSON.stringify(summarise(parts))))).toEqual([]);
    expect(REQUIRED_KEYS).toHaveLength(12);
  });
});

describe('tables', () => {
  it('prints one row per section that ran, pipes escaped', () => {
    const table = markdownTable([{ scenario: 'a | b', lotse: '1', baseline: '2', ratio: '0.5' }, undefined]);
    expect(table.split('\n')).toEqual(['| scenario | Lotse | baseline | ratio | target |', '| --- | --- | --- | --- | --- |', '| a \\| b | 1 | 2 | 0.5 |  |']);
  });

  it('puts the figures of a run into the README table', () => {
    const table = readmeTable(parts, { date: '2026-12-05', machine: '2 cores', settings: '20 connections' });
    expect(table).toContain('| `services(first: 20)` vs bare Fastify returning the same JSON | 4000 req/s, p99 12 ms | 7692 req/s, p99 2 ms | 0.52 |');
    expect(table).toContain('7954 messages/s | 19795 messages/s | 0.402');
    expect(table).toContain('3900 req/s together');
    expect(table).toContain('| flat |');
    expect(readmeTable({ submitForm: parts.submitForm }, { date: 'd', machine: 'm', settings: 's' }).split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(1);
  });

  it('replaces only the block between the markers', () => {
    const readme = `# x\n${README_BEGIN}\nold\n${README_END}\ntail\n`;
    expect(replaceBetweenMarkers(readme, 'new table\n')).toBe(`# x\n${README_BEGIN}\nnew table\n${README_END}\ntail\n`);
    expect(() => replaceBetweenMarkers('# no markers', 't')).toThrow('markers');
  });
});

describe('parseOnly', () => {
  it('runs everything by default and a part on request', () => {
    expect([...parseOnly(undefined)]).toEqual([...SECTIONS]);
    expect([...parseOnly('catalog, soak')]).toEqual(['catalog', 'soak']);
  });

  it('refuses an unknown section', () => {
    expect(() => parseOnly('catalog,soke')).toThrow('unknown section(s) soke');
  });
});
