import { describe, expect, it } from 'vitest';
import { DomainMemoryModFlags as M, DomainVcpuFlags as V } from '@tsvirt/api';
import { domainXml, useTestRoot } from './helpers.js';

const t = useTestRoot();
const withBalloon = (name: string): string => domainXml(name).replace('<memory unit=\'MiB\'>64</memory>', "<memory unit='MiB'>128</memory><currentMemory unit='MiB'>128</currentMemory>");

describe('memory and vCPUs, live and persistent', () => {
  it('sets the memory of a running guest through its balloon, and of its definition', async () => {
    const dom = await t.conn.defineXML(withBalloon('m1'));
    await dom.create();
    await dom.setMemoryFlags(65536, M.LIVE);
    const balloon = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-balloon"}')) as { return: { actual: number } };
    expect(balloon.return.actual).toBeGreaterThan(0);
    // Without a guest balloon driver the balloon stays where it was, and so does the memory libvirt reports.
    expect((await dom.getInfo()).memory).toBe(balloon.return.actual / 1024);
    expect(await dom.getXMLDesc(1 << 1)).toContain("<currentMemory unit='KiB'>131072</currentMemory>");
    await dom.setMemoryFlags(98304, M.CONFIG);
    expect(await dom.getXMLDesc(1 << 1)).toContain("<currentMemory unit='KiB'>98304</currentMemory>");
    await expect(dom.setMemoryFlags(1 << 20, M.LIVE)).rejects.toMatchObject({ message: 'invalid argument: cannot set memory higher than max memory' });
    await expect(dom.setMemoryFlags(1 << 20, M.LIVE | M.MAXIMUM)).rejects.toMatchObject({ message: 'Requested operation is not valid: cannot resize the maximum memory on an active domain' });
    await dom.setMemoryFlags(262144, M.CONFIG | M.MAXIMUM);
    expect(await dom.getXMLDesc(1 << 1)).toContain("<memory unit='KiB'>262144</memory>");
    await dom.destroy();
    await expect(dom.setMemoryFlags(65536, M.LIVE)).rejects.toMatchObject({ message: 'Requested operation is not valid: domain is not running' });
  });

  it('refuses a live change without a balloon, with libvirt\'s words', async () => {
    const dom = await t.conn.createXML(domainXml('m2', "<memballoon model='none'/>"));
    await expect(dom.setMemoryFlags(32768, M.LIVE)).rejects.toMatchObject({
      message: 'Requested operation is not valid: Unable to change memory of active domain without the balloon device and guest OS balloon driver',
    });
    await dom.destroy();
  });

  it('plugs vCPUs into a running guest and changes the persistent counts', async () => {
    const dom = await t.conn.defineXML(domainXml('c1').replace('<vcpu>1</vcpu>', "<vcpu current='1'>3</vcpu>"));
    await dom.create();
    expect(await dom.vcpusFlags(V.LIVE)).toBe(1);
    await dom.setVcpusFlags(3, V.LIVE);
    const cpus = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-cpus-fast"}')) as { return: unknown[] };
    expect(cpus.return).toHaveLength(3);
    expect(await dom.vcpusFlags(V.LIVE)).toBe(3);
    expect(await dom.vcpusFlags(V.CONFIG)).toBe(1);
    await expect(dom.setVcpusFlags(4, V.LIVE)).rejects.toMatchObject({ message: 'invalid argument: requested vcpus is greater than max allowable vcpus for the live domain: 4 > 3' });
    await dom.setVcpusFlags(2, V.CONFIG);
    await dom.setVcpusFlags(4, V.CONFIG | V.MAXIMUM);
    expect(await dom.vcpusFlags(V.CONFIG | V.MAXIMUM)).toBe(4);
    expect(await dom.vcpusFlags(V.CONFIG)).toBe(2);
    await dom.destroy();
  });
});
