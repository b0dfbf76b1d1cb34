import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainPausedReason, DomainRunningReason, DomainSaveRestoreFlags, DomainShutoffReason, DomainState, DomainUndefineFlags } from '@tsvirt/api';
import { domainXml, useTestRoot } from './helpers.js';

const t = useTestRoot();



describe('save and restore (QEMU migration to a file)', () => {
  it('saves a running guest, shuts it off (saved) and restores it running from the image', async () => {
    const dom = await t.conn.defineXML(domainXml('sv1'));
    await dom.create();
    const file = join(t.root.dir, 'sv1.save');
    await dom.save(file);
    expect(await dom.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.SAVED]);
    expect(existsSync(file)).toBe(true);
    expect(await t.conn.saveImageGetXMLDesc(file)).toContain('<name>sv1</name>');
    await t.conn.restore(file);
    const back = await t.conn.lookupByName('sv1');
    expect(await back.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.RESTORED]);
    // The new QEMU took the saved state as an incoming migration instead of booting.
    expect(readFileSync(join(t.root.dir, 'log', 'qemu', 'sv1.log'), 'utf8').trim().split('\n').filter((l) => l.includes('qemu-system')).pop()).toContain('-incoming defer');
    await back.destroy();
  });

  it('restores paused when asked, and refuses a file that is no save image', async () => {
    const dom = await t.conn.lookupByName('sv1');
    await dom.create();
    const file = join(t.root.dir, 'sv1b.save');
    await dom.save(file, undefined, DomainSaveRestoreFlags.PAUSED);
    await t.conn.restore(file);
    expect(await dom.getState()).toEqual([DomainState.PAUSED, DomainPausedReason.MIGRATION]);
    await dom.destroy();
    const junk = join(t.root.dir, 'junk.save');
    writeFileSync(junk, Buffer.alloc(200, 1));
    await expect(t.conn.restore(junk)).rejects.toMatchObject({ message: 'invalid argument: image magic is incorrect' });
    await expect(dom.save(file)).rejects.toMatchObject({ message: 'Requested operation is not valid: domain is not running' });
    // QEMU reads the stream itself from where the XML ends: a stream cut short fails the restore
    // (QEMU exits, quoted as libvirt quotes it) and leaves the domain shut off, with no QEMU left.
    const cut = join(t.root.dir, 'cut.save');
    const whole = readFileSync(file);
    const xmlLength = whole.readUInt32LE(20);
    writeFileSync(cut, whole.subarray(0, 92 + xmlLength + 64));
    await expect(t.conn.restore(cut)).rejects.toMatchObject({
      message: expect.stringMatching(/^internal error: qemu unexpectedly closed the monitor: .*load of migration failed/s),
    });
    expect((await dom.getState())[0]).toBe(DomainState.SHUTOFF);
    expect(await t.conn.listAllDomains(1)).toEqual([]);
  });

  it('managedsave: the next start resumes from the image and removes it; undefine needs the flag', async () => {
    const dom = await t.conn.lookupByName('sv1');
    await dom.create();
    await dom.managedSave();
    expect(await dom.hasManagedSaveImage()).toBe(true);
    expect(await dom.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.SAVED]);
    expect(await dom.managedSaveGetXMLDesc()).toContain('<name>sv1</name>');
    await dom.create();
    expect(await dom.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.RESTORED]);
    expect(await dom.hasManagedSaveImage()).toBe(false);
    await dom.managedSave();
    await expect(dom.undefine()).rejects.toMatchObject({ message: 'Requested operation is not valid: Refusing to undefine while domain managed save image exists' });
    await dom.undefine(DomainUndefineFlags.MANAGED_SAVE);
    await expect(t.conn.lookupByName('sv1')).rejects.toMatchObject({ code: 42 });
  });
});
