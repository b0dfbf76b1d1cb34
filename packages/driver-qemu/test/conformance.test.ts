import { describe, expect, it } from 'vitest';
import { argsConformance, errConformance, xmlConformance, type CaseResult } from './conformance.js';

/** Prints the count and the commonest reasons for failing (all failures with CONFORMANCE_DETAIL=1). */
function report(label: string, results: readonly CaseResult[]): number {
  const passed = results.filter((r) => r.failure === undefined).length;
  console.log(`${label}: ${passed}/${results.length} exact`);
  if (process.env['CONFORMANCE_DETAIL']) for (const r of results) if (r.failure) console.log(`  ${r.name}: ${r.failure.slice(0, 400)}`);
  return passed;
}

// Ratchets: raise these when the counts rise, never lower them.
describe("conformance with libvirt's QEMU driver on its own test data", () => {
  it('define-time defaults: domain/out/*.x86_64-latest.xml', () => {
    expect(report('define-time XML', xmlConformance())).toBeGreaterThanOrEqual(104);
  });
  it('command lines: domain/in/*.x86_64-latest.args', async () => {
    expect(report('command lines', await argsConformance())).toBeGreaterThanOrEqual(237);
  });
  it("refusals: domain/in/*.x86_64-latest.err, libvirt's exact words", async () => {
    expect(report('refusals', await errConformance())).toBeGreaterThanOrEqual(42);
  });
});
