import { compareVersions, nextVersion } from './form-version.js';

describe('form versions', () => {
  it('orders numerically, not as text', () => {
    expect(['1.10', '1.2', '2.0', '1.0'].sort(compareVersions)).toEqual(['1.0', '1.2', '1.10', '2.0']);
    expect(compareVersions('1.0', '1.0')).toBe(0);
  });

  it('counts the minor version up, and rolls over at 999', () => {
    expect(nextVersion('1.0')).toBe('1.1');
    expect(nextVersion('1.9')).toBe('1.10');
    expect(nextVersion('1.999')).toBe('2.0');
  });
});
