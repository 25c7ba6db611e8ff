/** Form versions are MAJOR.MINOR with up to three digits each (1.0, 1.12). */

/** Orders versions numerically: 1.2 < 1.10. */
export function compareVersions(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

/** The next minor version: 1.0 → 1.1; 1.999 → 2.0. */
export function nextVersion(version: string): string {
  const [major, minor] = version.split('.').map(Number);
  return minor >= 999 ? `${major + 1}.0` : `${major}.${minor + 1}`;
}
