import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/program/tsvirsh.cjs', import.meta.url));

// virsh -V lists what virsh was compiled with; tsvirsh lists the driver packages it finds
// installed, in virsh's layout (see oracle/NOTES.md), so it is checked here rather than in the oracle.
describe('tsvirsh -V', { timeout: 60_000 }, () => {
  it('names the libvirt it follows and the drivers installed beside it', () => {
    const out = execFileSync(process.execPath, [cli, '-V'], { encoding: 'utf8' });
    const lines = out.split('\n');
    expect(lines[0]).toBe('tsvirsh, the virsh of tsvirt, following libvirt 9.0.0');
    expect(lines[2]).toBe('Drivers installed:');
    expect(lines[3]).toBe(' Hypervisors: Test QEMU LXC');
    expect(lines[4]).toBe(' Secondary: @tsvirt/secondary-network @tsvirt/secondary-storage @tsvirt/secondary-secret');
  });

  it('is the same as --version=long, and -v the bare version', () => {
    expect(execFileSync(process.execPath, [cli, '--version=long'], { encoding: 'utf8' }))
      .toBe(execFileSync(process.execPath, [cli, '-V'], { encoding: 'utf8' }));
    expect(execFileSync(process.execPath, [cli, '-v'], { encoding: 'utf8' })).toBe('9.0.0\n');
  });
});
