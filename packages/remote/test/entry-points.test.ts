import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiArity, procedureFor } from '../src/driver/entry-points.js';
import { overrides } from '../src/driver/overrides.js';
import type { RpcClient } from '../src/client/rpc-client.js';
import { remote_program } from '../src/protocol/programs.js';

// The API's driver contract, read as text: every `name?(params): Promise<...>` member.
const driverDir = new URL('../../api/src/driver/', import.meta.url);
const entryPoints: { name: string; arity: number; file: string }[] = [];
for (const file of readdirSync(driverDir)) {
  const text = readFileSync(new URL(file, driverDir), 'utf8');
  for (const m of text.matchAll(/^\s+(\w+)\?\(([^)]*(?:\([^)]*\)[^)]*)*)\)\s*:/gm)) {
    // A trailing `options?: …Options` bag is tsvirt's own (a wipe's progress callback): never on the wire.
    const params = m[2]!.trim() === '' ? 0 : m[2]!.split(',').filter((s) => /^\s*\w+\??\s*:/.test(s) && !/^\s*options\?\s*:\s*\w+Options\s*$/.test(s)).length;
    entryPoints.push({ name: m[1]!, arity: params, file });
  }
}

/** tsvirt's own entry points, with no procedure in libvirt's protocol. */
const LOCAL_ONLY = new Set(['connectListSharedDisks']);

describe('every entry point of the API maps to a remote procedure', () => {
  // only the table's keys are read: the client is never called (event overrides subscribe at once)
  const table = overrides({ onEvent: () => undefined } as unknown as RpcClient, { stringParams: true, closeCallback: true, migrationParams: true, changeProtection: true });
  it(`${entryPoints.length} entry points`, () => {
    expect(entryPoints.length).toBeGreaterThan(250);
    const unmapped: string[] = [];
    const byRule: string[] = [];
    for (const ep of entryPoints) {
      if (LOCAL_ONLY.has(ep.name) || table[ep.name]) continue;
      const p = procedureFor(ep.name, ep.arity);
      if (!p || apiArity(p) !== ep.arity) unmapped.push(`${ep.name} (${ep.file})${p ? `: ${p.name} takes ${apiArity(p)}` : ''}`);
      else byRule.push(ep.name);
    }
    expect(unmapped).toEqual([]);
    // most are derived from the generated table, not written by hand
    expect(byRule.length).toBeGreaterThan(200);
  });
});

describe('the public call picks the procedure where the API gives old and new calls one entry point', () => {
  const cases: Array<[entry: string, api: string, args: unknown[], proc: string]> = [
    ['domainAttachDevice', 'virDomainAttachDevice', [{}, '<disk/>', 1], 'DOMAIN_ATTACH_DEVICE'],
    ['domainAttachDevice', 'virDomainAttachDeviceFlags', [{}, '<disk/>', 0], 'DOMAIN_ATTACH_DEVICE_FLAGS'],
    ['domainDetachDevice', 'virDomainDetachDevice', [{}, '<disk/>', 1], 'DOMAIN_DETACH_DEVICE'],
    ['domainDetachDevice', 'virDomainDetachDeviceFlags', [{}, '<disk/>', 0], 'DOMAIN_DETACH_DEVICE_FLAGS'],
    ['domainUpdateDevice', 'virDomainUpdateDeviceFlags', [{}, '<disk/>', 0], 'DOMAIN_UPDATE_DEVICE_FLAGS'],
    ['domainSetMemoryFlags', 'virDomainSetMemory', [{}, 1024, 1], 'DOMAIN_SET_MEMORY'],
    ['domainSetMemoryFlags', 'virDomainSetMaxMemory', [{}, 1024, 4], 'DOMAIN_SET_MAX_MEMORY'],
    ['domainSetMemoryFlags', 'virDomainSetMemoryFlags', [{}, 1024, 0], 'DOMAIN_SET_MEMORY_FLAGS'],
    ['domainSetVcpusFlags', 'virDomainSetVcpus', [{}, 2, 1], 'DOMAIN_SET_VCPUS'],
    ['domainCreate', 'virDomainCreateWithFlags', [{}, 0], 'DOMAIN_CREATE_WITH_FLAGS'],
    ['domainDestroy', 'virDomainDestroy', [{}, 0], 'DOMAIN_DESTROY'],
    ['domainDestroy', 'virDomainDestroyFlags', [{}, 1], 'DOMAIN_DESTROY_FLAGS'],
    ['domainDefineXML', 'virDomainDefineXMLFlags', ['<domain/>', 1], 'DOMAIN_DEFINE_XML_FLAGS'],
    ['networkDefineXML', 'virNetworkDefineXML', ['<network/>', 0], 'NETWORK_DEFINE_XML'],
    ['networkCreateXML', 'virNetworkCreateXMLFlags', ['<network/>', 1], 'NETWORK_CREATE_XML_FLAGS'],
    ['domainSave', 'virDomainSave', [{}, '/x', undefined, 0], 'DOMAIN_SAVE'],
    ['storageVolGetInfoFlags', 'virStorageVolGetInfoFlags', [{}, 0], 'STORAGE_VOL_GET_INFO_FLAGS'],
    // one whose reply differs (virDomainCreate answers nothing, the API wants the domain)
    ['domainCreate', 'virDomainCreate', [{}, 0], 'DOMAIN_CREATE_WITH_FLAGS'],
    // a public call of no procedure of its name
    ['domainLookupByUUID', 'virDomainLookupByUUIDString', ['x'], 'DOMAIN_LOOKUP_BY_UUID'],
  ];
  it.each(cases)('%s for %s', (entry, api, args, proc) => {
    expect(procedureFor(entry, args, api)?.name).toBe(`REMOTE_PROC_${proc}`);
  });
  it('without the public call, trailing arguments unset pick the call without flags', () => {
    expect(procedureFor('domainAttachDevice', [{}, '<disk/>', 0])?.name).toBe('REMOTE_PROC_DOMAIN_ATTACH_DEVICE');
    expect(procedureFor('domainAttachDevice', [{}, '<disk/>', 1])?.name).toBe('REMOTE_PROC_DOMAIN_ATTACH_DEVICE_FLAGS');
  });
});

describe('virDomainCoreDump goes out as its own procedure, without a format (an override)', () => {
  // only the table's keys are read: the client is never called (event overrides subscribe at once)
  const table = overrides({ onEvent: () => undefined } as unknown as RpcClient, { stringParams: true, closeCallback: true, migrationParams: true, changeProtection: true });
  const sent = async (api: string, format: number): Promise<[string, unknown]> => {
    let got: [string, unknown] = ['', null];
    const call = Object.assign(async (proc: number, args?: unknown) => {
      got = [remote_program.procedures.get(proc)!.name, args];
    }, { api });
    const dom = { name: 'd', uuid: '00000000-0000-0000-0000-000000000001', id: 1 };
    await (table.domainCoreDumpWithFormat as (...a: unknown[]) => Promise<void>)(call, dom, '/x', format, 4);
    return got;
  };
  it('virDomainCoreDump: CORE_DUMP with the destination and flags only', async () => {
    const [name, args] = await sent('virDomainCoreDump', 0);
    expect(name).toBe('REMOTE_PROC_DOMAIN_CORE_DUMP');
    expect(Object.keys(args as object)).toEqual(['dom', 'to', 'flags']);
  });
  it('virDomainCoreDumpWithFormat: CORE_DUMP_WITH_FORMAT, raw or not', async () => {
    expect((await sent('virDomainCoreDumpWithFormat', 0))[0]).toBe('REMOTE_PROC_DOMAIN_CORE_DUMP_WITH_FORMAT');
    expect((await sent('virDomainCoreDumpWithFormat', 2))[1]).toMatchObject({ to: '/x', dumpformat: 2, flags: 4 });
  });
});

describe('guest facts come back in the API\'s shapes (overrides)', () => {
  // only the table's keys are read: the client is never called (event overrides subscribe at once)
  const table = overrides({ onEvent: () => undefined } as unknown as RpcClient, { stringParams: true, closeCallback: true, migrationParams: true, changeProtection: true }) as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const dom = { name: 'd', uuid: '00000000-0000-0000-0000-000000000001', id: 1 };
  const answering = (ret: unknown) => Object.assign(async () => ret, { api: undefined });
  it('virDomainGetFSInfo: dev_aliases become devAliases', async () => {
    const info = [{ mountpoint: '/', name: 'sda1', fstype: 'ext4', dev_aliases: ['vda'] }];
    expect(await table.domainGetFSInfo!(answering({ info, ret: 1 }), dom, 0)).toEqual([{ mountpoint: '/', name: 'sda1', fstype: 'ext4', devAliases: ['vda'] }]);
  });
  it('virDomainInterfaceAddresses: a missing hardware address is undefined', async () => {
    const ifaces = [{ name: 'lo', hwaddr: null, addrs: [{ type: 0, addr: '127.0.0.1', prefix: 8 }] }, { name: 'eth0', hwaddr: '52:54:00:00:00:01', addrs: [] }];
    expect(await table.domainInterfaceAddresses!(answering({ ifaces }), dom, 0, 0)).toEqual([
      { name: 'lo', hwaddr: undefined, addrs: [{ type: 0, addr: '127.0.0.1', prefix: 8 }] },
      { name: 'eth0', hwaddr: '52:54:00:00:00:01', addrs: [] },
    ]);
  });
});
