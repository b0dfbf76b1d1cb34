import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain } from '@tsvirt/util';
import { virErrorOf } from '@tsvirt/api/testing';
import { STATUS_FILE } from '../src/network-status.js';
import { loadNetworks } from '../src/network-store.js';

const XML = "<network><name>n</name><uuid>00000000-0000-4000-8000-000000000001</uuid><bridge name='virbr9'/></network>";
const STATUS = { xml: XML, bridgeCreated: true, dnsmasq: { pid: 42, start: '1234' }, firewall: 'tsvirt_net_n' };

describe("a running network's status file", () => {
  it('round-trips at version 1 and migrates the bare JSON written before versions', () => {
    expect(JSON.parse(STATUS_FILE.serialize(STATUS))).toEqual({ tsvirt: 'network-status', version: 1, data: STATUS });
    expect(STATUS_FILE.parse(STATUS_FILE.serialize(STATUS), 'n.json')).toEqual(STATUS);
    expect(STATUS_FILE.parse(JSON.stringify(STATUS), 'n.json')).toEqual(STATUS);
  });

  it.each([
    ['not JSON', '{"xml": ', /invalid network-status file 'n\.json': not JSON/],
    ['a wrong shape', JSON.stringify({ ...STATUS, bridgeCreated: 'yes' }), /invalid network-status file 'n\.json': bridgeCreated: /],
    ['a pid that is not an integer', JSON.stringify({ ...STATUS, dnsmasq: { pid: 1.5, start: '1' } }), /dnsmasq\.pid: /],
    ['another kind of state file', JSON.stringify({ tsvirt: 'qemu-domain-status', version: 1, data: STATUS }), /it holds a qemu-domain-status file/],
    ['a newer version', JSON.stringify({ tsvirt: 'network-status', version: 9, data: STATUS }), /version 9 is newer than this tsvirt reads \(1\)/],
  ])('refuses %s with a VirError naming the file', async (_what, text, message) => {
    const e = await virErrorOf(Promise.resolve().then(() => STATUS_FILE.parse(text, 'n.json')));
    expect(e).toMatchObject({ code: ErrorCode.INTERNAL_ERROR, domain: ErrorDomain.NETWORK });
    expect(e.message).toMatch(message);
  });

  const root = mkdtempSync(join(tmpdir(), 'tsvirt-net-status-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a root with one unreadable status file still lists its other networks', async () => {
    const paths = { configDir: join(root, 'etc'), autostartDir: join(root, 'etc', 'autostart'), stateDir: join(root, 'run'), dnsmasqDir: join(root, 'lib'), privileged: false };
    for (const d of [paths.autostartDir, paths.stateDir, paths.dnsmasqDir]) mkdirSync(d, { recursive: true });
    writeFileSync(join(paths.configDir, 'n.xml'), XML);
    writeFileSync(join(paths.stateDir, 'n.json'), STATUS_FILE.serialize(STATUS));
    writeFileSync(join(paths.stateDir, 'broken.json'), '{"tsvirt": "network-status", "version": 1, "data": {"xml": 5}}');
    const nets = await loadNetworks(paths);
    expect(nets.map((n) => [n.def.name, n.status?.dnsmasq?.pid])).toEqual([['n', 42]]);
  });
});
