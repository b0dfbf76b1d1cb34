import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DomainCoreDumpFlags as C, DomainCoreDumpFormat as Fmt, DomainEventType as E, DomainShutoffReason, DomainState,
} from '@tsvirt/api';
import { domainXml, scratchRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

const scratch = scratchRoot();

describe('dump with real QEMU (virDomainCoreDumpWithFormat)', () => {
  const conn = () => scratch.conn;
  const dir = () => scratch.root.dir;
  const uri = () => scratch.root.uri;
  it('--memory-only writes an ELF core of the guest\'s memory; the guest is paused for it and runs again', async () => {
    const dom = await conn().createXML(domainXml('dump1'), 0);
    const seen: number[] = [];
    const off = await conn().domainEventRegisterAny(dom, 0, (_d, e) => e.eventID === 0 && seen.push(e.event));
    const file = join(dir(), 'dump1.core');
    const r = await tsvirsh(uri(), 'dump', 'dump1', file, '--memory-only');
    expect(r).toMatchObject({ code: 0, stdout: `\nDomain 'dump1' dumped to ${file}\n\n` });
    expect(readFileSync(file).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(readFileSync(file).length).toBeGreaterThan(64 << 20);
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    // Through the API in this process: paused, then resumed.
    await dom.coreDumpWithFormat(join(dir(), 'dump1.kdump'), Fmt.KDUMP_ZLIB, C.MEMORY_ONLY);
    expect(readFileSync(join(dir(), 'dump1.kdump')).subarray(0, 12).toString()).toBe('makedumpfile'); // kdump in makedumpfile's flattened format
    off();
    expect(seen).toEqual([E.SUSPENDED, E.RESUMED]);
    await dom.destroy();
  });

  it('a plain dump is QEMU\'s state stream; --crash leaves the domain shut off (crashed); --reset lets it run', async () => {
    const dom = await conn().defineXML(domainXml('dump2'));
    await dom.create();
    await dom.coreDump(join(dir(), 'dump2.reset'), C.RESET);
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    await dom.coreDump(join(dir(), 'dump2.core'), C.CRASH);
    expect(readFileSync(join(dir(), 'dump2.core')).subarray(0, 4).toString()).toBe('QEVM');
    expect(await dom.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.CRASHED]);
  });

  it('refuses bad combinations in libvirt\'s and virsh\'s words, and leaves no file when QEMU fails', async () => {
    const dom = await conn().createXML(domainXml('dump3'), 0);
    await expect(dom.coreDump('/tmp/x', C.CRASH | C.LIVE)).rejects.toThrow('crash and live flags are mutually exclusive');
    await expect(dom.coreDump('/tmp/x', C.LIVE | C.RESET)).rejects.toThrow('live and reset flags are mutually exclusive');
    await expect(dom.coreDumpWithFormat('/tmp/x', 9, C.MEMORY_ONLY)).rejects.toThrow("dumpformat '9' is not supported");
    expect((await tsvirsh(uri(), 'dump', 'dump3', '/tmp/x', '--format', 'elf')).stderr).toBe('error: --format only works with --memory-only\n');
    expect((await tsvirsh(uri(), 'dump', 'dump3', '/tmp/x', '--memory-only', '--format', 'zip')).stderr)
      .toBe("error: format 'zip' is not supported, expecting 'kdump-zlib', 'kdump-lzo', 'kdump-snappy', 'win-dmp' or 'elf'\n");
    const missing = join(dir(), 'no-such-dir', 'core');
    await expect(dom.coreDumpWithFormat(missing, Fmt.RAW, C.MEMORY_ONLY)).rejects.toThrow(/unable to execute QEMU command 'dump-guest-memory'/);
    expect(existsSync(missing)).toBe(false);
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    await dom.destroy();
  });
});
