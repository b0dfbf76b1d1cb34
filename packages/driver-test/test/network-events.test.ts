import { describe, expect, it } from 'vitest';
import { NetworkEventID, NetworkEventLifecycleType as E } from '@tsvirt/api';
import { defaultConn } from './helpers.js';

const xml = (name: string): string => `<network><name>${name}</name><bridge name='vb${name}'/></network>`;

describe('network events', () => {
  it('raises lifecycle events as libvirt 9.0\'s test driver does (recorded with python3-libvirt)', async () => {
    const conn = await defaultConn();
    const seen: unknown[] = [];
    const stop = await conn.networkEventRegisterAny(undefined, NetworkEventID.LIFECYCLE, (n, e, d) => seen.push([n.getName(), e, d]));
    const a = await conn.networkDefineXML(xml('evA'));
    const only: string[] = [];
    await conn.networkEventRegisterAny(a, NetworkEventID.LIFECYCLE, (n) => only.push(n.getName()));
    await a.create();
    await a.destroy();
    await a.destroy();
    await a.undefine();
    await (await conn.networkCreateXML(xml('evB'))).destroy();
    const def = await conn.networkLookupByName('default');
    await def.destroy();
    await def.create();
    await new Promise((r) => setTimeout(r, 20));
    stop();
    await (await conn.networkDefineXML(xml('evC'))).undefine();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([
      ['evA', E.DEFINED, 0], ['evA', E.STARTED, 0], ['evA', E.STOPPED, 0], ['evA', E.STOPPED, 0], ['evA', E.UNDEFINED, 0],
      ['evB', E.STARTED, 0], ['evB', E.STOPPED, 0], ['default', E.STOPPED, 0], ['default', E.STARTED, 0],
    ]);
    expect(only).toEqual(['evA', 'evA', 'evA', 'evA']);
  });
});
