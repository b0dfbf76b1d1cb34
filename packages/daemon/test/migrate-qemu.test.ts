import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, twoDaemons } from './helpers/two-daemons.js';

const ci = process.env['CI'] === 'true';
const missing = ['/usr/bin/qemu-system-x86_64', '/usr/bin/virsh'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping migration between two tsvirtd: ${missing.join(', ')} not installed`);
const TSVIRSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tsvirsh');

/**
 * Real QEMU (TCG) migrated between two tsvirtd, each serving its own embed root, by clients that
 * run the v3 phases across both daemons: Debian's virsh and tsvirsh's remote driver.
 */
describe.skipIf(missing.length > 0 && !ci)('migration between two tsvirtd (real QEMU)', () => {
  const name = `mq${process.pid}`;
  const state = (uri: string) => runCli('/usr/bin/virsh', uri, `domstate --reason ${name}`);
  const { daemons, uris } = twoDaemons((uri) => runCli('/usr/bin/virsh', uri, `destroy ${name}; undefine ${name}`));

  it('virsh migrate --live A → B, tsvirsh migrate --live back, --p2p: each daemon then shows where it runs', () => {
    const [a, b] = uris as [string, string];
    const xml = join(daemons[0]!.dir, `${name}.xml`);
    writeFileSync(xml, `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`);
    expect(runCli('/usr/bin/virsh', a, `create ${xml}`)).toMatchObject({ err: '', status: 0 });
    // libvirt's client asks both daemons for MIGRATION_PARAMS, then runs the *3_PARAMS phases
    expect(runCli('/usr/bin/virsh', a, `migrate --live ${name} ${b}`)).toEqual({ out: '\n', err: '', status: 0 });
    expect(state(b).out).toBe('running (migrated)\n\n');
    expect(state(a).err).toContain(`failed to get domain '${name}'`);
    // tsvirsh over the remote driver, the same way back
    expect(runCli(TSVIRSH, b, `migrate --live ${name} ${a}`)).toEqual({ out: '\n', err: '', status: 0 });
    expect(state(a).out).toBe('running (migrated)\n\n');
    expect(state(b).err).toContain(`failed to get domain '${name}'`);
    // peer to peer: daemon A runs Prepare and Finish on B itself, through its own remote driver
    expect(runCli('/usr/bin/virsh', a, `migrate --live --p2p ${name} ${b}`)).toEqual({ out: '\n', err: '', status: 0 });
    expect(state(b).out).toBe('running (migrated)\n\n');
  }, 600_000);
});
