import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/common/project-root.js';
import { parseCpuList, parseSmaps, serviceNodeFlags } from './machine.js';

describe('serviceNodeFlags', () => {
  it('reads the flags of start:prod, which npm start (serve) runs too, so the bench starts the service as users do', () => {
    const { scripts } = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const flags = serviceNodeFlags(scripts);
    expect(flags).toContain('--max-semi-space-size=16');
    expect(scripts.serve).toMatch(/&& node /);
    expect(serviceNodeFlags({ 'start:prod': scripts.serve })).toEqual(flags);
  });

  it('takes no flags, several, and refuses a script that does not start the service', () => {
    expect(serviceNodeFlags({ 'start:prod': 'node dist/src/main.js' })).toEqual([]);
    expect(serviceNodeFlags({ 'start:prod': 'npm run build && node --a=1 --b dist/src/main.js' })).toEqual(['--a=1', '--b']);
    expect(() => serviceNodeFlags({ 'start:prod': 'node dist/src/other.js' })).toThrow(/start:prod/);
    expect(() => serviceNodeFlags({})).toThrow(/start:prod/);
  });
});

describe('parseCpuList', () => {
  it('reads the kernel’s CPU lists (Cpus_allowed_list)', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('0-2,4,6-7\n')).toEqual([0, 1, 2, 4, 6, 7]);
  });
});

describe('parseSmaps', () => {
  it('sorts resident anonymous memory into V8 pages (256 KiB mappings), the brk heap and the rest', () => {
    const smaps = [
      '55d0c0000000-55d0c5d00000 rw-p 00000000 00:00 0                          [heap]',
      'Size:              95232 kB',
      'Rss:               93184 kB',
      '3f2a00000000-3f2a00040000 rw-p 00000000 00:00 0 ',
      'Rss:                 256 kB',
      '3f2a00040000-3f2a00080000 rw-p 00000000 00:00 0',
      'Rss:                 128 kB',
      '7f0000000000-7f0004000000 rw-p 00000000 00:00 0',
      'Rss:               16384 kB',
      '7f1000000000-7f1000100000 r-xp 00000000 08:01 1234                       /usr/bin/node',
      'Rss:               59392 kB',
    ].join('\n');
    expect(parseSmaps(smaps)).toEqual({ v8PagesMiB: 0.4, mallocHeapMiB: 91, otherAnonMiB: 16 });
  });
});
