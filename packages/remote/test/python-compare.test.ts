import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';

const suite = daemonSuite('python3-libvirt comparison');

const XML = (i: number) =>
  `<domain type='test'><name>cmp${i}</name><uuid>00000000-0000-0000-0000-00000000000${i}</uuid><memory>8192</memory><os><type>hvm</type></os></domain>`;

// The same sequence through python3-libvirt: results, the error of a missing domain, and the
// lifecycle events seen (libvirt's default event loop in a thread).
const PY = `
import json, sys, threading, time, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)], daemon=True).start()
c = libvirt.open(sys.argv[1])
events = []
c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lambda conn, dom, ev, det, o: events.append([dom.name(), ev, det]), None)
out = []
for i in range(3):
    xml = ${JSON.stringify([0, 1, 2].map((i) => XML(i)))}[i]
    d = c.defineXML(xml)
    d2 = c.lookupByName(d.name())
    out.append([d2.name(), d2.UUIDString(), len(d2.XMLDesc(0)), d2.isActive(), d2.isPersistent()])
    d2.create(); d2.destroy(); d2.undefine()
try:
    c.lookupByName('cmp9')
except libvirt.libvirtError as e:
    out.append([e.get_error_code(), e.get_error_domain(), e.get_error_message()])
time.sleep(0.5)
print(json.dumps({"out": out, "events": events}))
`;

suite('the API through remote against python3-libvirt through libvirtd', { timeout: 60_000 }, () => {
  let ours: PrivateLibvirtd;
  let theirs: PrivateLibvirtd;
  beforeAll(async () => {
    [ours, theirs] = await Promise.all([startLibvirtd(), startLibvirtd()]);
  });
  afterAll(async () => {
    await Promise.all([ours?.stop(), theirs?.stop()]);
  });

  it('the same results, the same error codes, the same events in the same order', async () => {
    const py = spawnSync('/usr/bin/python3', ['-c', PY, theirs.uri], { encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
    expect(py.status, `python3-libvirt: ${py.error?.message ?? ''} ${py.stderr}`).toBe(0);
    const expected = JSON.parse(py.stdout) as { out: unknown[]; events: unknown[] };

    const conn = await connect(ours.uri);
    const events: unknown[] = [];
    const ac = new AbortController();
    const reading = (async () => {
      for await (const e of conn.domainEvents({ signal: ac.signal })) events.push([e.domain.getName(), e.event, e.detail]);
    })();
    await new Promise((r) => setTimeout(r, 100));
    const out: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await conn.defineXML(XML(i));
      const d2 = await conn.lookupByName(d.getName());
      out.push([d2.getName(), d2.getUUIDString(), (await d2.getXMLDesc()).length, (await d2.isActive()) ? 1 : 0, (await d2.isPersistent()) ? 1 : 0]);
      await d2.create();
      await d2.destroy();
      await d2.undefine();
    }
    const e = await virErrorOf(conn.lookupByName('cmp9'));
    out.push([e.code, e.domain, e.message]);
    await new Promise((r) => setTimeout(r, 500));
    ac.abort();
    await reading;
    await conn.close();
    expect(out).toEqual(expected.out);
    expect(events).toEqual(expected.events);
    expect(events.length).toBe(12);
  });
});
