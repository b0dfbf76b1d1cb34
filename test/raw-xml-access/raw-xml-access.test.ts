import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without declarations
import { countRawAccess, RATCHET } from '../../scripts/raw-xml-access.mjs';

/**
 * Drivers read and change definitions through conf's typed models; raw element access in their
 * src/ may only go down. A new driver package starts at 0. `node scripts/raw-xml-access.mjs`
 * prints the counts (`--files` per file); after a migration, `--update` lowers the ratchet.
 */
describe('raw XML element access in driver packages', () => {
  const ratchet = JSON.parse(readFileSync(RATCHET, 'utf8')) as Record<string, number>;
  const { packages } = countRawAccess() as { packages: Record<string, number> };
  for (const [pkg, n] of Object.entries(packages)) {
    it(`${pkg}: ${n} raw accesses, at most ${ratchet[pkg] ?? 0}`, () => {
      expect(n).toBeLessThanOrEqual(ratchet[pkg] ?? 0);
    });
  }
});
