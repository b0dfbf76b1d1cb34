import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, twoDaemons } from './helpers/two-daemons.js';

const ci = process.env['CI'] === 'true';
const missing = ['/usr/bin/qemu-system-x86_64', '/usr/bin/virsh'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping offline migration between two tsvirtd: ${missing.join(', ')} not installed`);

/**
 * Offline migration (the definition only) between two tsvirtd, each serving its own embed root,
 * run by Debian's virsh: its client needs a URI back from Prepare even when nothing will listen.
 */
describe.skipIf(missing.length > 0 && !ci)('offline migration between two tsvirtd', () => {
  const name = `mo${process.pid}`;
  const virsh = (uri: string, cmd: string) => runCli('/usr/bin/virsh', uri, cmd, 60_000);
  const state = (uri: string) => virsh(uri, `domstate --reason ${name}`);
  const { daemons, uris } = twoDaemons((uri) => virsh(uri, `undefine ${name}`));

  it('virsh migrate --offline --persistent copies the definition; --undefinesource moves it back', () => {
    const [a, b] = uris as [string, string];
    const xml = join(daemons[0]!.dir, `${name}.xml`);
    writeFileSync(xml, `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`);
    expect(virsh(a, `define ${xml}`)).toMatchObject({ err: '', status: 0 });
    expect(virsh(a, `migrate --offline --persistent ${name} ${b}`)).toEqual({ out: '\n', err: '', status: 0 });
    expect(state(b).out).toBe('shut off (unknown)\n\n');
    expect(state(a).out).toBe('shut off (unknown)\n\n');
    expect(virsh(b, `dumpxml --inactive ${name}`).out).toBe(virsh(a, `dumpxml --inactive ${name}`).out);
    expect(virsh(a, 'undefine ' + name)).toMatchObject({ status: 0 });
    expect(virsh(b, `migrate --offline --persistent --undefinesource ${name} ${a}`)).toEqual({ out: '\n', err: '', status: 0 });
    expect(state(a).out).toBe('shut off (unknown)\n\n');
    expect(state(b).err).toContain(`failed to get domain '${name}'`);
  }, 180_000);
});
