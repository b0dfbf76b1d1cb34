import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Root reads any file, so both sides run as nobody (setpriv) to meet an unreadable config.
const canDrop = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
if (!canDrop) console.log('unreadable-config: skipped, dropping to nobody needs root and setpriv');

const tmp = mkdtempSync(join(tmpdir(), 'tsvirt-unreadable-'));
chmodSync(tmp, 0o755);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const NOBODY = ['--reuid', '65534', '--regid', '65534', '--clear-groups'];
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

/** What connecting prints on stderr and the error it ends with, as nobody. */
function asNobody(argv: string[]): string {
  const r = spawnSync('setpriv', [...NOBODY, ...argv], { cwd: pkgDir, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, LC_ALL: 'C' } });
  return `${r.stderr}${r.stdout}`;
}

describe('a config file its reader may not read', () => {
  it.skipIf(!canDrop)("is refused with libxml2's and libvirt's messages, as virsh 9.0 shows them", () => {
    const path = join(tmp, 'node.xml');
    writeFileSync(path, '<node/>');
    chmodSync(path, 0o000);
    const virsh = asNobody(['virsh', '-c', `test://${path}`, 'uri']);
    // The package's own @tsvirt/api, with this package as the driver it loads.
    const script = `import { addDriverImporter, connect } from '@tsvirt/api';
      addDriverImporter((s) => import(s));
      await connect(${JSON.stringify(`test://${path}`)}).catch((e) => console.log('error: ' + e.message));`;
    const tsvirt = asNobody([process.execPath, '--input-type=module', '-e', script]);
    expect(virsh).toContain('I/O error : Permission denied\nI/O error : Permission denied\n');
    // virsh adds its own first error line; the rest is libxml2's and libvirt's.
    expect(tsvirt).toBe(virsh.replace('error: failed to connect to the hypervisor\n', ''));
  });
});
