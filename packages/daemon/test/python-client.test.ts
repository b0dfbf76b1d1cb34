import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/py-client.py');
const PYTHON = '/usr/bin/python3';
const hasLibvirt = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import libvirt']).status === 0;
if (!hasLibvirt && process.env['CI'] !== 'true') console.log('skipping python3-libvirt tests: /usr/bin/python3 cannot import libvirt (apt install python3-libvirt)');

function py(uri: string): { out: string; status: number | null } {
  const r = spawnSync(PYTHON, [SCRIPT, uri], { encoding: 'utf8', timeout: 60_000 });
  return { out: r.stdout + r.stderr, status: r.status };
}

describe.skipIf(!hasLibvirt && process.env['CI'] !== 'true')('python3-libvirt through tsvirtd', () => {
  let d: DaemonProcess;
  beforeAll(async () => {
    d = await startDaemon();
  });
  afterAll(async () => d?.dispose());

  it('define/lookup/dumpxml/start/destroy/undefine, errors and lifecycle events: as libvirt\'s own test driver', () => {
    const direct = py('test:///default');
    const via = py(`test+unix:///default?socket=${d.rw}`);
    expect(direct.status).toBe(0);
    expect(via.out).toBe(direct.out);
    expect(via.out).toContain('event py1 5 1');
  });

  it('through the read-only socket, reads work and every write is refused with OPERATION_DENIED', () => {
    const r = spawnSync(PYTHON, ['-c', `
import libvirt
libvirt.registerErrorHandler(lambda c, e: None, None)
c = libvirt.open(${JSON.stringify(`test+unix:///default?socket=${d.ro}`)})
print(c.lookupByName('test').name(), c.isAlive())
for f in (lambda: c.lookupByName('test').destroy(), lambda: c.defineXML('<domain/>'), lambda: c.lookupByName('test').setAutostart(1)):
    try:
        f(); print('allowed')
    except libvirt.libvirtError as e:
        print(e.get_error_code(), e.get_error_message())
`], { encoding: 'utf8' });
    expect(r.stdout).toBe([
      'test 1',
      '29 operation forbidden: read only access prevents virDomainDestroy',
      '29 operation forbidden: read only access prevents virDomainDefineXML',
      '29 operation forbidden: read only access prevents virDomainSetAutostart',
      '',
    ].join('\n'));
  });
});
