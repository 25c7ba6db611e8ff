import { parseCpuList } from './machine.js';

describe('parseCpuList', () => {
  it('reads the kernel’s CPU lists (Cpus_allowed_list)', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('0-2,4,6-7\n')).toEqual([0, 1, 2, 4, 6, 7]);
  });
});
