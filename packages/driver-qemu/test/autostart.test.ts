import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainEventDetail as D, DomainEventType as E, ErrorCode } from '@tsvirt/api';
import { domainXml, scratchRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

const scratch = scratchRoot();

/** virsh's answer, each as Debian's virsh printed it against libvirtd 9.0's QEMU driver (qemu:///system). */
const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });
const refused = (op: string, name: string) => ({
  code: 1, stdout: '\n',
  stderr: `error: Failed to ${op} domain '${name}' as autostarted\nerror: Requested operation is not valid: cannot set autostart for transient domain\n`,
});

describe("domain autostart: libvirt's autostart/NAME.xml link beside the definitions (and domrename)", () => {
  const uri = () => scratch.root.uri;
  const cfg = () => join(scratch.root.dir, 'etc', 'qemu');
  const link = (name: string) => join(cfg(), 'autostart', `${name}.xml`);
  const virsh = (...args: string[]) => tsvirsh(uri(), ...args);
  const autostartLine = async (name: string) => /^Autostart: .*$/m.exec((await virsh('dominfo', name)).stdout)?.[0];
  const listed = async (...flags: string[]) => (await virsh('list', '--all', '--name', ...flags)).stdout.split('\n').filter(Boolean);

  it('autostart, --disable (twice), dominfo and list --autostart/--no-autostart, as virsh on libvirtd', async () => {
    const file = join(scratch.root.dir, 'as1.xml');
    writeFileSync(file, domainXml('as1'));
    expect((await virsh('define', file)).code).toBe(0);
    await scratch.conn.defineXML(domainXml('as2'));
    expect(await autostartLine('as1')).toBe('Autostart:      disable');
    expect(await virsh('autostart', 'as1')).toEqual(ok("Domain 'as1' marked as autostarted\n\n"));
    expect(readlinkSync(link('as1'))).toBe(join(cfg(), 'as1.xml'));
    expect(await autostartLine('as1')).toBe('Autostart:      enable');
    expect(await (await scratch.conn.lookupByName('as1')).getAutostart()).toBe(true);
    expect(await listed('--autostart')).toEqual(['as1']);
    expect(await listed('--no-autostart')).toEqual(['as2']);
    for (let i = 0; i < 2; i++) expect(await virsh('autostart', '--disable', 'as1')).toEqual(ok("Domain 'as1' unmarked as autostarted\n\n"));
    expect(existsSync(link('as1'))).toBe(false);
    expect(await autostartLine('as1')).toBe('Autostart:      disable');
    expect(await listed('--autostart')).toEqual([]);
    // marking twice keeps one link
    await virsh('autostart', 'as1');
    expect(await virsh('autostart', 'as1')).toEqual(ok("Domain 'as1' marked as autostarted\n\n"));
    expect(readlinkSync(link('as1'))).toBe(join(cfg(), 'as1.xml'));
  });

  it('undefine takes the link with it, of a stopped and of a running domain', async () => {
    const off = await scratch.conn.defineXML(domainXml('as3'));
    await off.setAutostart(true);
    await off.undefine();
    expect(existsSync(link('as3'))).toBe(false);
    const on = await scratch.conn.defineXML(domainXml('as4'));
    await on.setAutostart(true);
    await on.create();
    await on.undefine();
    expect(existsSync(link('as4'))).toBe(false);
    expect(await on.getAutostart()).toBe(false);
    await on.destroy();
  });

  it('domrename carries the definition and the link; each refusal in libvirt words and order', async () => {
    const err = (message: string) => ({ code: 1, stdout: '\n', stderr: `error: ${message}\n` });
    const invalid = (why: string) => err(`Requested operation is not valid: ${why}`);
    const rec = await recording('rn1', 'rn2');
    const dom = await scratch.conn.defineXML(domainXml('rn1'));
    await dom.setAutostart(true);
    await dom.rename('rn2');
    expect(existsSync(link('rn1'))).toBe(false);
    expect(existsSync(join(cfg(), 'rn1.xml'))).toBe(false);
    expect(readlinkSync(link('rn2'))).toBe(join(cfg(), 'rn2.xml'));
    expect(await autostartLine('rn2')).toBe('Autostart:      enable');
    expect((await virsh('domuuid', 'rn2')).stdout).toBe(`${dom.getUUIDString()}\n\n`);
    expect(await virsh('domrename', 'rn2', 'rn2')).toEqual(invalid("Can't rename domain to itself"));
    await scratch.conn.defineXML(domainXml('rn1'));
    expect(await virsh('domrename', 'rn2', 'rn1')).toEqual(invalid("domain with name 'rn1' already exists"));
    expect(await virsh('domrename', 'rn2', 'a/b')).toEqual(err("XML error: name a/b cannot contain '/'"));
    const renamed = await scratch.conn.lookupByName('rn2');
    await renamed.create();
    expect(await virsh('domrename', 'rn2', 'rn3')).toEqual(invalid('cannot rename active domain'));
    await renamed.managedSave(0);
    expect(await virsh('domrename', 'rn2', 'rn3')).toEqual(invalid("domain with a managed saved state can't be renamed"));
    await renamed.managedSaveRemove(0);
    await expect(renamed.rename('rn3', 1)).rejects.toMatchObject({ code: ErrorCode.INVALID_ARG });
    expect(await virsh('domrename', 'rn2', 'rn3')).toEqual(ok('Domain successfully renamed\n\n'));
    expect(readlinkSync(link('rn3'))).toBe(join(cfg(), 'rn3.xml'));
    rec.stop();
    expect(rec.all.slice(0, 3)).toEqual([
      ['rn1', E.DEFINED, D.DEFINED.ADDED], ['rn1', E.UNDEFINED, D.UNDEFINED.RENAMED], ['rn2', E.DEFINED, D.DEFINED.RENAMED],
    ]);
    await scratch.conn.createXML(domainXml('rn4'), 0);
    expect(await virsh('domrename', 'rn4', 'rn5')).toEqual(invalid('cannot rename active domain'));
    await virsh('destroy', 'rn4');
  });

  it('a transient domain is refused in libvirt words, both ways; dominfo says disable', async () => {
    const file = join(scratch.root.dir, 'as5.xml');
    writeFileSync(file, domainXml('as5'));
    expect((await virsh('create', file)).code).toBe(0);
    try {
      expect(await virsh('autostart', 'as5')).toEqual(refused('mark', 'as5'));
      expect(await virsh('autostart', '--disable', 'as5')).toEqual(refused('unmark', 'as5'));
      expect(await autostartLine('as5')).toBe('Autostart:      disable');
      expect(existsSync(link('as5'))).toBe(false);
    } finally {
      await virsh('destroy', 'as5');
    }
    await expect(scratch.conn.lookupByName('as5')).rejects.toMatchObject({ code: ErrorCode.NO_DOMAIN });
  });
});

/** The lifecycle events of some domains, in order: `seen` [event, detail] of the first's run states, `all` with names and definitions. */
async function recording(...names: string[]): Promise<{
  seen: Array<[number, number]>; all: Array<[string, number, number]>; until: (n: number) => Promise<void>; stop: () => void;
}> {
  const seen: Array<[number, number]> = [];
  const all: Array<[string, number, number]> = [];
  const stop = await scratch.conn.domainEventRegisterAny(undefined, 0, (d, e) => {
    if (e.eventID !== 0 || !names.includes(d.getName())) return;
    all.push([d.getName(), e.event, e.detail]);
    if (d.getName() === names[0] && e.event !== E.DEFINED && e.event !== E.UNDEFINED) seen.push([e.event, e.detail]);
  });
  const until = async (n: number) => {
    for (let i = 0; i < 300 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  };
  return { seen, all, until, stop };
}

// Each sequence as `virsh event --loop --all` printed it on Debian's libvirtd 9.0 (qemu:///system) for the same
// steps: a destroy is `Shutdown Finished after host request` (QEMU's SHUTDOWN on its SIGTERM), then STOPPED.
describe("a start's events, as libvirtd 9.0's QEMU driver tells them (QEMU runs with -S and is continued)", () => {
  const RESUMED = [E.RESUMED, D.RESUMED.UNPAUSED];
  const BOOTED = [E.STARTED, D.STARTED.BOOTED];
  const PAUSED = [E.SUSPENDED, D.SUSPENDED.PAUSED];
  const HOST = [E.SHUTDOWN, D.SHUTDOWN.HOST];
  const DESTROYED = [E.STOPPED, D.STOPPED.DESTROYED];
  const SAVED = [E.STOPPED, D.STOPPED.SAVED];
  const RESTORED = [E.STARTED, D.STARTED.RESTORED];

  it('start: Resumed Unpaused, Started Booted; start --paused: Started Booted, Suspended Paused', async () => {
    const rec = await recording('ev1');
    const dom = await scratch.conn.defineXML(domainXml('ev1'));
    await dom.create();
    await dom.destroy();
    await dom.create(1);
    await dom.destroy();
    await rec.until(8);
    rec.stop();
    expect(rec.seen).toEqual([RESUMED, BOOTED, HOST, DESTROYED, BOOTED, PAUSED, HOST, DESTROYED]);
  });

  it('create and create --paused: the same', async () => {
    const rec = await recording('ev2');
    await (await scratch.conn.createXML(domainXml('ev2'), 0)).destroy();
    await (await scratch.conn.createXML(domainXml('ev2'), 1)).destroy();
    await rec.until(8);
    rec.stop();
    expect(rec.seen).toEqual([RESUMED, BOOTED, HOST, DESTROYED, BOOTED, PAUSED, HOST, DESTROYED]);
  });

  it('save: Suspended Paused, Stopped Saved; restore: Started Restored, Resumed Snapshot; --paused: Suspended Restored; a managed save: as save and restore', async () => {
    const rec = await recording('ev3');
    const image = join(scratch.root.dir, 'ev3.save');
    const dom = await scratch.conn.defineXML(domainXml('ev3'));
    await dom.create();
    await dom.save(image);
    await scratch.conn.restore(image);
    await dom.save(image);
    await scratch.conn.restore(image, undefined, 4);
    await dom.destroy();
    await dom.create();
    await dom.managedSave(0);
    await dom.create();
    await dom.destroy();
    await rec.until(20);
    rec.stop();
    expect(rec.seen).toEqual([
      RESUMED, BOOTED, PAUSED, SAVED,
      RESTORED, [E.RESUMED, D.RESUMED.FROM_SNAPSHOT], PAUSED, SAVED,
      RESTORED, [E.SUSPENDED, D.SUSPENDED.RESTORED], HOST, DESTROYED,
      RESUMED, BOOTED, PAUSED, SAVED,
      RESTORED, [E.RESUMED, D.RESUMED.FROM_SNAPSHOT], HOST, DESTROYED,
    ]);
  });
});
