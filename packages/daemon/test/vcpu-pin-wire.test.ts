// vcpupin's calls through tsvirtd, from python3-libvirt, as through libvirtd 9.0: the older
// virDomainPinVcpu (its own procedure, REMOTE_PROC_DOMAIN_PIN_VCPU: --live on QEMU) and
// virDomainPinVcpuFlags, their refusals, and the pin info they leave.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';

const ci = process.env['CI'] === 'true';
const missing = ['/usr/bin/qemu-system-x86_64', '/usr/sbin/libvirtd'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping the vcpupin wire test: ${missing.join(', ')} not installed`);
const LIBVIRTD_UP = resolve(dirname(fileURLToPath(import.meta.url)), '../../driver-qemu/scripts/libvirtd-up.sh');
const NAME = `vpinwire${process.pid}`;

/** Each call's outcome (None or libvirt's error code and message), then the pin maps of both definitions. */
const PY = `
import json, sys, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
c = libvirt.open(sys.argv[1])
name = sys.argv[2]
out = []
def step(f):
    try:
        r = f()
        out.append(r if r is None or isinstance(r, (int, list, tuple)) else str(r))
    except libvirt.libvirtError as e:
        out.append([e.get_error_code(), e.get_error_message()])
d = c.defineXML("""<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory><vcpu current='1'>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices/></domain>""" % name)
L, C = libvirt.VIR_DOMAIN_AFFECT_LIVE, libvirt.VIR_DOMAIN_AFFECT_CONFIG
step(lambda: d.pinVcpu(0, (False, True)))
step(lambda: d.pinVcpuFlags(1, (False, True), 0))
step(lambda: d.pinVcpuFlags(2, (False, True), C))
step(lambda: d.pinVcpuFlags(0, (False, False), C))
step(lambda: d.pinVcpuFlags(0, (True, False), 8))
d.create()
step(lambda: d.pinVcpu(0, (True, False)))
step(lambda: d.pinVcpu(5, (True, False)))
step(lambda: d.pinVcpuFlags(1, (True, True), L | C))
step(lambda: d.vcpuPinInfo(L))
step(lambda: d.vcpuPinInfo(C))
d.destroy()
d.undefine()
print(json.dumps(out))
`;

function python(uri: string): unknown {
  const r = spawnSync('/usr/bin/python3', ['-c', PY, uri, NAME], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe.skipIf(missing.length > 0 && !ci)('vcpupin through tsvirtd, from python3-libvirt, as through libvirtd', { timeout: 180_000 }, () => {
  let d: DaemonProcess;
  beforeAll(async () => {
    execFileSync(LIBVIRTD_UP, { stdio: 'inherit' });
    d = await startDaemon();
  });
  afterAll(async () => {
    spawnSync('virsh', ['-c', 'qemu:///system', 'destroy', NAME]);
    spawnSync('virsh', ['-c', 'qemu:///system', 'undefine', NAME]);
    await d?.dispose();
  });

  it('pins, refuses and reports as libvirtd does, the older call live', () => {
    const theirs = python('qemu:///system');
    expect(python(`qemu+unix:///system?socket=${d.rw}`)).toEqual(theirs);
    // the older call on a stopped domain: not running (it is --live on QEMU)
    expect((theirs as unknown[])[0]).toEqual([55, 'Requested operation is not valid: domain is not running']);
  });
});
