/**
 * For the test files that need a real libvirtd: the driver under test is loaded from its source
 * (not its build) when the registry asks for @tsvirt/remote, and the suite skips with a printed
 * reason where libvirtd cannot run, never in CI.
 */
import { describe } from 'vitest';
import { addDriverImporter } from '@tsvirt/api';
import { libvirtdMissing } from '../../src/testing.js';

addDriverImporter((s) => (s === '@tsvirt/remote' ? import('../../src/index.js') : import(s)));

export function daemonSuite(what: string) {
  const missing = libvirtdMissing();
  if (missing) console.log(`${what} skipped: ${missing}`);
  return describe.skipIf(missing !== null && process.env.CI !== 'true');
}
