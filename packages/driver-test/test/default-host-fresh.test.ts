import { describe, expect, it } from 'vitest';
import { DomainState, connect, type Connection } from '@tsvirt/api';

// A file of its own: no other connection of this process may keep the default host alive.
describe('test:///default after its last connection', () => {
  it('starts from the default state again once every connection closed, however soon the next one opens', async () => {
    const name = `dt-fresh-${process.pid}`;
    const xml = `<domain type='test'><name>${name}</name><memory>1024</memory><os><type>hvm</type></os></domain>`;
    const names = async (c: Connection): Promise<string[]> => (await c.listAllDomains()).map((d) => d.getName()).sort();
    const first = await connect('test:///default');
    const base = await names(first);
    await first.defineXML(xml);
    await (await first.lookupByName('test')).destroy();
    await first.close();
    // before the idle turn that makes the next host
    const soon = await connect('test:///default');
    expect(await names(soon)).toEqual(base);
    expect(await (await soon.lookupByName('test')).getState()).toEqual([DomainState.RUNNING, 0]);
    await soon.defineXML(xml);
    await soon.close();
    // after it: the host made while the process was idle is a fresh one too
    await new Promise((r) => setImmediate(r));
    const later = await connect('test:///default');
    expect(await names(later)).toEqual(base);
    await later.close();
  });
});
