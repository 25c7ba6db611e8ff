// `npm run test:faults`: the fault suite against the built service (test/faults/*.faults.ts), one file at a time,
// without the global setup of `npm test` (each scenario runs the service on an embedded cluster of its own).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const base = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).jest;
delete base.globalSetup;
delete base.globalTeardown;

export default {
  ...base,
  rootDir: root,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.faults.ts'],
  testTimeout: 300_000,
  maxWorkers: 1,
};
