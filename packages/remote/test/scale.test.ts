import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type Connection } from '@tsvirt/api';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';

const suite = daemonSuite('scale test');
const COUNT = 20;

suite(`one process, ${COUNT} daemons`, { timeout: 120_000 }, () => {
  const daemons: PrivateLibvirtd[] = [];
  const conns: Connection[] = [];
  beforeAll(async () => {
    daemons.push(...(await Promise.all(Array.from({ length: COUNT }, () => startLibvirtd()))));
    conns.push(...(await Promise.all(daemons.map((d) => connect(d.uri)))));
  });
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close()));
    await Promise.all(daemons.map((d) => d.stop()));
  });

  it('lists every daemon\'s domains concurrently, each its own', async () => {
    // a domain of its own on each daemon, then all the listings at once
    await Promise.all(conns.map((c, i) => c.defineXML(`<domain type='test'><name>own${i}</name><memory>8192</memory><os><type>hvm</type></os></domain>`)));
    const lists = await Promise.all(conns.map(async (c) => (await c.listAllDomains()).map((d) => d.getName()).sort()));
    expect(lists).toEqual(Array.from({ length: COUNT }, (_, i) => [`own${i}`, 'test']));
  });
});
