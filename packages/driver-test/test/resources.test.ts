import { describe, expect, it } from 'vitest';
import {
  DomainMemoryModFlags as M, DomainModificationImpact as Impact, DomainVcpuFlags as V, DomainXMLFlags, ErrorCode, ErrorDomain,
  type Connection, type Domain,
} from '@tsvirt/api';
import { defaultConn, uniqueName, virErrorOf } from './helpers.js';

/** A domain with 2 of 4 vcpus online, 512 of 1024 MiB, a disk without medium and two interfaces. */
function resourceXML(name: string): string {
  return `<domain type='test'>
  <name>${name}</name>
  <memory unit='MiB'>1024</memory>
  <currentMemory unit='MiB'>512</currentMemory>
  <vcpu placement='static' current='2'>4</vcpu>
  <os><type arch='i686'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='/img/a.img'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><target dev='vdb' bus='virtio'/></disk>
    <interface type='network'><mac address='52:54:00:00:00:01'/><source network='default'/><target dev='testnet0'/></interface>
    <interface type='network'><mac address='52:54:00:00:00:02'/><source network='default'/></interface>
  </devices>
</domain>`;
}

async function defined(conn: Connection): Promise<Domain> {
  return conn.defineXML(resourceXML(uniqueName('res')));
}

describe('vcpus', () => {
  it('counts online and maximum vcpus of each definition', async () => {
    const dom = await defined(await defaultConn());
    expect(await dom.vcpusFlags(V.CONFIG)).toBe(2);
    expect(await dom.vcpusFlags(V.CONFIG | V.MAXIMUM)).toBe(4);
    expect((await virErrorOf(dom.vcpusFlags(V.LIVE))).message).toBe('Requested operation is not valid: domain is not running');
    const both = await virErrorOf(dom.vcpusFlags(V.LIVE | V.CONFIG));
    expect([both.code, both.domain, both.message]).toEqual([ErrorCode.INVALID_ARG, ErrorDomain.DOMAIN,
      "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive"]);
    expect((await virErrorOf(dom.vcpusFlags(V.GUEST))).message).toBe('unsupported flags (0x8) in function testDomainGetVcpusFlags');
  });

  it('changes the live count without touching the next boot, and the maximum only for the next boot', async () => {
    const dom = await defined(await defaultConn());
    await dom.create();
    await dom.setVcpus(4);
    expect(await dom.vcpusFlags(V.LIVE)).toBe(4);
    expect(await dom.vcpusFlags(V.CONFIG)).toBe(2);
    await dom.setVcpusFlags(1, V.CONFIG | V.MAXIMUM);
    expect(await dom.vcpusFlags(V.CONFIG | V.MAXIMUM)).toBe(1);
    expect(await dom.vcpusFlags(V.CONFIG)).toBe(1);
    expect(await dom.vcpusFlags(V.LIVE | V.MAXIMUM)).toBe(4);
    expect((await virErrorOf(dom.setVcpusFlags(5, V.LIVE))).message).toBe('invalid argument: requested cpu amount exceeds maximum (5 > 4)');
    expect((await virErrorOf(dom.setVcpusFlags(33, V.CONFIG | V.MAXIMUM))).message)
      .toBe('invalid argument: requested cpu amount exceeds maximum supported amount (33 > 32)');
    expect((await virErrorOf(dom.setVcpus(0))).message).toBe('nvcpus in virDomainSetVcpus must not be zero');
    expect((await virErrorOf(dom.setVcpusFlags(2, V.MAXIMUM))).message)
      .toBe("Flag 'VIR_DOMAIN_AFFECT_CONFIG' is required by flag 'VIR_DOMAIN_VCPU_MAXIMUM'");
    await dom.destroy();
    expect(await dom.vcpusFlags(V.MAXIMUM)).toBe(1);
  });

  it('pins vcpus of the running definition only and reports them in vcpu info', async () => {
    const dom = await defined(await defaultConn());
    expect((await virErrorOf(dom.pinVcpu(0, [true]))).message).toBe('Requested operation is not valid: cannot pin vcpus on an inactive domain');
    await dom.create();
    await dom.pinVcpu(1, [false, true, false, true]);
    const { info, cpumaps } = await dom.vcpus();
    expect(info.map((v) => [v.number, v.state, v.cpu])).toEqual([[0, 1, 15], [1, 1, 3]]);
    expect(cpumaps[1]!.slice(0, 4)).toEqual([false, true, false, true]);
    expect((await dom.vcpuPinInfo(Impact.CONFIG)).map((m) => m.length)).toEqual([16, 16, 16, 16]);
    expect(await dom.getXMLDesc()).toContain("<vcpupin vcpu='1' cpuset='1,3'/>");
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).not.toContain('vcpupin');
    expect((await virErrorOf(dom.pinVcpu(2, [true]))).message).toBe("invalid argument: requested vcpu '2' is not present in the domain");
    expect((await virErrorOf(dom.pinVcpuFlags(0, [true], Impact.LIVE))).message).toBe('unsupported flags (0x1) in function testDomainPinVcpuFlags');
    await dom.destroy();
  });

  it('reports the fixed host CPU map of the test driver', async () => {
    const map = await (await defaultConn()).getCPUMap();
    expect([map.cpus, map.onlineCount, map.online]).toEqual([8, 3, [true, false, true, false, true, false, false, false]]);
  });
});

describe('memory', () => {
  it('sets the current allocation up to the maximum, and the maximum only while shut off', async () => {
    const dom = await defined(await defaultConn());
    await dom.setMemoryFlags(262144, M.CONFIG);
    expect((await dom.getInfo()).memory).toBe(262144);
    expect((await virErrorOf(dom.setMemoryFlags(2097152))).message).toBe('invalid argument: cannot set memory higher than max memory');
    await dom.setMaxMemory(131072);
    expect(await dom.getInfo()).toMatchObject({ maxMem: 131072, memory: 131072 });
    expect((await virErrorOf(dom.setMemory(1024))).message).toBe('Requested operation is not valid: domain is not running');
    expect((await virErrorOf(dom.setMemoryFlags(0))).message).toBe('memory in virDomainSetMemoryFlags must not be zero');
    await dom.create();
    expect((await virErrorOf(dom.setMaxMemory(65536))).message)
      .toBe('Requested operation is not valid: cannot resize the maximum memory on an active domain');
    await dom.setMemory(65536);
    expect((await dom.getInfo()).memory).toBe(65536);
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).toContain("<currentMemory unit='KiB'>131072</currentMemory>");
    await dom.destroy();
  });
});

describe('statistics', () => {
  it('gives clock-based counters for disks and interfaces of a running domain', async () => {
    const dom = await defined(await defaultConn());
    expect((await virErrorOf(dom.blockStats('vda'))).message).toBe('Requested operation is not valid: domain is not running');
    await dom.create();
    const blk = await dom.blockStats('/img/a.img');
    expect(blk.rdReq).toBeGreaterThan(blk.wrReq);
    expect((await virErrorOf(dom.blockStats(''))).code).toBe(ErrorCode.OPERATION_UNSUPPORTED);
    expect((await virErrorOf(dom.blockStats('vdz'))).message).toBe('invalid argument: invalid path: vdz');
    const net = await dom.interfaceStats('52:54:00:00:00:02');
    expect(net.rxBytes).toBeGreaterThan(net.rxPackets);
    // The second interface got the lowest free test name.
    await dom.interfaceStats('testnet1');
    expect((await virErrorOf(dom.interfaceStats('eth9'))).message).toBe("invalid argument: 'eth9' is not a known interface");
    await dom.destroy();
  });

  it('gives fixed block sizes, running or not, except for a drive without medium', async () => {
    const dom = await defined(await defaultConn());
    expect(await dom.blockInfo('vda')).toEqual({ capacity: 1099506450432, allocation: 1099511627776, physical: 1099511627776 });
    expect((await virErrorOf(dom.blockInfo('vdb'))).message).toBe("invalid argument: disk 'vdb' does not currently have a source assigned");
    expect((await virErrorOf(dom.blockInfo('vdz'))).message).toBe('invalid argument: invalid path vdz not assigned to domain');
  });
});

describe('devices', () => {
  it('are not hotplugged: libvirt 9.0 test driver has no device entry points', async () => {
    const dom = await defined(await defaultConn());
    const disk = "<disk type='file'><source file='/x'/><target dev='vdc'/></disk>";
    expect((await virErrorOf(dom.attachDevice(disk))).message)
      .toBe('this function is not supported by the connection driver: virDomainAttachDevice');
    expect((await virErrorOf(dom.detachDeviceFlags(disk, Impact.CONFIG))).code).toBe(ErrorCode.NO_SUPPORT);
    expect((await virErrorOf(dom.updateDeviceFlags(disk))).message)
      .toBe('this function is not supported by the connection driver: virDomainUpdateDeviceFlags');
  });
});
