import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';

const ci = process.env['CI'] === 'true';
const missing = ['/usr/bin/qemu-system-x86_64', '/usr/sbin/libvirtd'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping the agent lifecycle event test: ${missing.join(', ')} not installed`);
/** The oracle: the machine's libvirtd (started when down; a transient guest of a unique name only). */
const LIBVIRTD_UP = resolve(dirname(fileURLToPath(import.meta.url)), '../../driver-qemu/scripts/libvirtd-up.sh');
const NAME = `agentev${process.pid}`;

/**
 * python3-libvirt registered for AGENT_LIFECYCLE and LIFECYCLE starts a domain with a guest agent
 * channel and destroys it once STARTED came; prints what it saw, in order.
 */
const PY = `
import json, sys, threading, time, libvirt
libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)], daemon=True).start()
c = libvirt.open(sys.argv[1])
name = sys.argv[2]
seen = []
mine = lambda d, e: d.name() == name and seen.append(e)
c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, lambda c_, d, s, r, o: mine(d, ['agent', d.name(), s, r]), None)
c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lambda c_, d, e, det, o: mine(d, ['lifecycle', d.name(), e, det]), None)
d = c.createXML("""<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel></devices></domain>""" % name, 0)
for _ in range(200):
    if any(e[0] == 'lifecycle' and e[2] == libvirt.VIR_DOMAIN_EVENT_STARTED for e in seen): break
    time.sleep(0.05)
d.destroy()
time.sleep(0.5)
print(json.dumps(seen))
`;

function python(uri: string): unknown {
  const r = spawnSync('/usr/bin/python3', ['-c', PY, uri, NAME], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe.skipIf(missing.length > 0 && !ci)('AGENT_LIFECYCLE through tsvirtd, to python3-libvirt, as through libvirtd', { timeout: 180_000 }, () => {
  let d: DaemonProcess;
  beforeAll(async () => {
    execFileSync(LIBVIRTD_UP, { stdio: 'inherit' });
    d = await startDaemon();
  });
  afterAll(async () => {
    await d?.dispose();
  });

  it('the agent channel at start (disconnected, domain started), before RESUMED and STARTED', () => {
    // the agent's events, the start's RESUMED and STARTED, in order (libvirtd also tells a SHUTDOWN
    // at destroy, which the QEMU driver's lifecycle events do not: not this test's matter)
    const pick = (seen: unknown): unknown[] => (seen as unknown[][]).filter((e) => e[0] === 'agent' || (e[0] === 'lifecycle' && (e[2] === 2 || e[2] === 4)));
    const ours = pick(python(`qemu+unix:///system?socket=${d.rw}`));
    const theirs = pick(python('qemu:///system'));
    expect(ours).toEqual(theirs);
    // VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_DISCONNECTED, _REASON_DOMAIN_STARTED; RESUMED UNPAUSED; STARTED BOOTED
    expect(ours).toEqual([['agent', NAME, 2, 1], ['lifecycle', NAME, 4, 0], ['lifecycle', NAME, 2, 0]]);
  });
});
