import { writeFileSync } from 'node:fs';
import { connect as connectSocket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainEventDetail, DomainEventID, DomainEventType, DomainLifecycle as LC, DomainLifecycleAction as A, DomainModificationImpact as I,
  DomainPausedReason, DomainRunningReason, DomainShutoffReason, DomainState, DomainXMLFlags, type Connection, type DomainDriverEvent,
} from '@tsvirt/api';
import { domainXml, TestRoot } from './helpers.js';

/** A boot sector that waits (BIOS int 15h; half a second unless told, at most 4.29 s) and then does `then`. */
function bootSector(then: number[], waitUs = 500_000): Buffer {
  const code = Buffer.from([0xb4, 0x86, 0xb9, waitUs >>> 16 & 0xff, waitUs >>> 24, 0xba, waitUs & 0xff, waitUs >>> 8 & 0xff, 0xcd, 0x15, ...then, 0xf4, 0xeb, 0xfd]);
  return Buffer.concat([code, Buffer.alloc(510 - code.length), Buffer.from([0x55, 0xaa])]);
}
/** ACPI soft-off: SLP_EN with S5 to PIIX4's PM1a control port (0x604). */
const POWER_OFF = [0xba, 0x04, 0x06, 0xb8, 0x00, 0x20, 0xef];
/** A reset through the keyboard controller. */
const REBOOT = [0xb0, 0xfe, 0xe6, 0x64];

type Seen = [name: string, event: number, detail: number];

/** Everything the connection reports, lifecycle events and the others, in order. */
class Recorder {
  readonly lifecycle: Seen[] = [];
  readonly others: DomainDriverEvent[] = [];
  readonly #stops: Array<() => void> = [];

  static async on(conn: Connection): Promise<Recorder> {
    const r = new Recorder();
    r.#stops.push(await conn.domainEventRegisterAny(undefined, DomainEventID.LIFECYCLE, (d, e) => {
      if (e.eventID === 0) r.lifecycle.push([d.getName(), e.event, e.detail]);
    }));
    for (const id of [DomainEventID.REBOOT, DomainEventID.DEVICE_REMOVED, DomainEventID.BLOCK_JOB_2]) {
      r.#stops.push(await conn.domainEventRegisterAny(undefined, id, (_d, e) => r.others.push(e)));
    }
    return r;
  }

  /** The run-state events of a domain (definitions left out). */
  of(name: string): Seen[] {
    return this.lifecycle.filter((e) => e[0] === name && e[1] !== DomainEventType.DEFINED && e[1] !== DomainEventType.UNDEFINED);
  }

  /** Waits until `name` has seen `count` events (a generous bound for a loaded machine). */
  async until(ok: () => boolean, what: string, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.lifecycle)} ${JSON.stringify(this.others)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  stop(): void {
    for (const s of this.#stops) s();
  }
}

const E = DomainEventType;
const D = DomainEventDetail;

let root: TestRoot;
let conn: Connection;
let rec: Recorder;

/** A guest booting the given sector from an IDE disk, with lifecycle actions. */
function guestXml(name: string, sector: number[], actions = '', waitUs?: number): string {
  const img = join(root.dir, `${name}.img`);
  writeFileSync(img, bootSector(sector, waitUs));
  return domainXml(name, `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${img}'/><target dev='hda' bus='ide'/></disk>`)
    .replace('</features>', `</features>${actions}`);
}

/** The status file of a domain as the driver left it. */
const statusOf = (name: string): Record<string, unknown> | undefined => root.statuses().find((s) => s['name'] === name);

beforeAll(async () => {
  root = new TestRoot();
  conn = await root.open();
  rec = await Recorder.on(conn);
});
afterAll(async () => {
  rec.stop();
  await root.cleanup();
});

describe('QMP events from the held monitor, with real QEMU', () => {
  it('a QEMU killed with SIGKILL is shut off (crashed) at once, with no call made', async () => {
    const dom = await conn.defineXML(domainXml('kill1'));
    await dom.create();
    const pid = statusOf('kill1')!['pid'] as number;
    process.kill(pid, 'SIGKILL');
    await rec.until(() => rec.of('kill1').length >= 3, 'STOPPED');
    expect(rec.of('kill1')).toEqual([['kill1', E.RESUMED, D.RESUMED.UNPAUSED], ['kill1', E.STARTED, D.STARTED.BOOTED], ['kill1', E.STOPPED, D.STOPPED.FAILED]]);
    expect(statusOf('kill1')).toMatchObject({ phase: 'inactive', reason: DomainShutoffReason.CRASHED });
  });

  it('QMP quit: SHUTDOWN (host) then STOPPED (shutdown), status shut off (shutdown)', async () => {
    const dom = await conn.defineXML(domainXml('quit1'));
    await dom.create();
    await dom.qemuMonitorCommand('{"execute":"quit"}');
    await rec.until(() => rec.of('quit1').length >= 4, 'STOPPED');
    expect(rec.of('quit1')).toEqual([
      ['quit1', E.RESUMED, D.RESUMED.UNPAUSED], ['quit1', E.STARTED, D.STARTED.BOOTED], ['quit1', E.SHUTDOWN, D.SHUTDOWN.HOST], ['quit1', E.STOPPED, D.STOPPED.SHUTDOWN],
    ]);
    expect(statusOf('quit1')).toMatchObject({ phase: 'inactive', reason: DomainShutoffReason.SHUTDOWN });
    expect(await dom.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.SHUTDOWN]);
  });

  it('stop and cont behind the driver\'s back are SUSPENDED and RESUMED; the driver\'s own are raised once', async () => {
    const dom = await conn.createXML(domainXml('stop1'), 0);
    await dom.qemuMonitorCommand('{"execute":"stop"}');
    await rec.until(() => rec.of('stop1').length >= 3, 'SUSPENDED');
    expect(statusOf('stop1')).toMatchObject({ state: DomainState.PAUSED, reason: 0 });
    await dom.qemuMonitorCommand('{"execute":"cont"}');
    await rec.until(() => rec.of('stop1').length >= 4, 'RESUMED');
    expect(statusOf('stop1')).toMatchObject({ state: DomainState.RUNNING });
    await dom.suspend();
    await dom.resume();
    await dom.destroy();
    await rec.until(() => rec.of('stop1').length >= 8, 'STOPPED');
    await new Promise((r) => setTimeout(r, 300));
    // a destroy: QEMU's SHUTDOWN on its SIGTERM is told (host), then STOPPED, as libvirtd tells them
    expect(rec.of('stop1')).toEqual([
      ['stop1', E.RESUMED, D.RESUMED.UNPAUSED], ['stop1', E.STARTED, D.STARTED.BOOTED], ['stop1', E.SUSPENDED, D.SUSPENDED.PAUSED], ['stop1', E.RESUMED, D.RESUMED.UNPAUSED],
      ['stop1', E.SUSPENDED, D.SUSPENDED.PAUSED], ['stop1', E.RESUMED, D.RESUMED.UNPAUSED], ['stop1', E.SHUTDOWN, D.SHUTDOWN.HOST], ['stop1', E.STOPPED, D.STOPPED.DESTROYED],
    ]);
  });

  it('a job uses the monitor connection this process holds: it needs none of its own', async () => {
    const dom = await conn.createXML(domainXml('lend1'), 0);
    // QEMU serves one client a socket: while this one holds monitor.sock, a job connecting there would wait for it.
    const other = connectSocket(statusOf('lend1')!['monitor'] as string);
    await new Promise((ok) => other.once('data', ok));
    try {
      await dom.suspend();
      expect(await dom.getState()).toEqual([DomainState.PAUSED, DomainPausedReason.USER]);
      expect(JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-status"}'))).toMatchObject({ return: { status: 'paused' } });
      await dom.resume();
      expect(await dom.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.UNPAUSED]);
    } finally {
      other.destroy();
    }
    await dom.destroy();
  });

  it('system_reset is a REBOOT event, and with on_reboot destroy a shutdown', async () => {
    const keep = await conn.createXML(domainXml('reset1'), 0);
    await keep.reset();
    await rec.until(() => rec.others.some((e) => e.eventID === DomainEventID.REBOOT && e.domain.name === 'reset1'), 'REBOOT');
    expect((await keep.getState())[0]).toBe(DomainState.RUNNING);
    await keep.destroy();

    const gone = await conn.createXML(domainXml('reset2').replace('</features>', '</features><on_reboot>destroy</on_reboot>'), 0);
    await gone.reset();
    await rec.until(() => rec.of('reset2').length >= 4, 'STOPPED');
    expect(rec.of('reset2')).toEqual([
      ['reset2', E.RESUMED, D.RESUMED.UNPAUSED], ['reset2', E.STARTED, D.STARTED.BOOTED], ['reset2', E.SHUTDOWN, D.SHUTDOWN.HOST], ['reset2', E.STOPPED, D.STOPPED.SHUTDOWN],
    ]);
    expect(statusOf('reset2')).toBeUndefined();
  });

  it('set-lifecycle-action on a running guest reaches QEMU: on_reboot destroy turns its next own reset into a shutdown', async () => {
    const dom = await conn.defineXML(guestXml('lca1', REBOOT, '', 4_000_000));
    await dom.create();
    await dom.setLifecycleAction(LC.REBOOT, A.DESTROY);
    expect(await dom.getXMLDesc()).toContain('<on_reboot>destroy</on_reboot>');
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).toContain('<on_reboot>restart</on_reboot>');
    await rec.until(() => rec.of('lca1').some((e) => e[1] === E.STOPPED), 'STOPPED');
    expect(rec.of('lca1').slice(-2)).toEqual([['lca1', E.SHUTDOWN, D.SHUTDOWN.GUEST], ['lca1', E.STOPPED, D.STOPPED.SHUTDOWN]]);

    await expect(dom.setLifecycleAction(LC.CRASH, A.DESTROY, I.LIVE)).rejects.toThrow('Requested operation is not valid: domain is not running');
    await dom.setLifecycleAction(LC.CRASH, A.COREDUMP_RESTART);
    await dom.setLifecycleAction(LC.REBOOT, A.DESTROY, I.CONFIG);
    expect(await dom.getXMLDesc()).toMatch(/<on_reboot>destroy<\/on_reboot>\s*<on_crash>coredump-restart<\/on_crash>/);
    await expect(dom.setLifecycleAction(LC.POWEROFF, A.RESTART)).rejects.toThrow(
      "unsupported configuration: qemu driver doesn't support 'onReboot' set to 'destroy and 'onPoweroff' set to 'reboot'");
    await expect(dom.setLifecycleAction(LC.REBOOT, A.PRESERVE)).rejects.toThrow("qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'");
    await expect(dom.setLifecycleAction(LC.CRASH, A.RESTART_RENAME)).rejects.toThrow("qemu driver doesn't support the 'rename-restart' action");
    await expect(dom.setLifecycleAction(LC.POWEROFF, A.COREDUMP_DESTROY)).rejects.toThrow("Lifecycle event 'poweroff' doesn't support 'coredump-destroy' action");
    await expect(dom.setLifecycleAction(LC.CRASH, A.DESTROY, 4)).rejects.toThrow('unsupported flags (0x4) in function qemuDomainSetLifecycleAction');
    await dom.undefine();
  });

  it('a guest that powers itself off: SHUTDOWN (guest), then on_poweroff destroy stops it', async () => {
    const dom = await conn.defineXML(guestXml('off1', POWER_OFF));
    await dom.create();
    await rec.until(() => rec.of('off1').length >= 4, 'STOPPED');
    expect(rec.of('off1')).toEqual([
      ['off1', E.RESUMED, D.RESUMED.UNPAUSED], ['off1', E.STARTED, D.STARTED.BOOTED], ['off1', E.SHUTDOWN, D.SHUTDOWN.GUEST], ['off1', E.STOPPED, D.STOPPED.SHUTDOWN],
    ]);
    expect(statusOf('off1')).toMatchObject({ phase: 'inactive', reason: DomainShutoffReason.SHUTDOWN });
  });

  it('a reboot (ACPI) turns the guest\'s next power-off into a restart, told only as REBOOT (the domain never left running)', async () => {
    // the guest ignores the power button: its own power-off, 3 s after each boot, is the one the reboot catches
    const dom = await conn.createXML(guestXml('rb0', POWER_OFF, '', 3_000_000), 0);
    await dom.reboot();
    await rec.until(() => rec.of('rb0').length >= 4, 'the second power-off', 60_000);
    expect(rec.others.some((e) => e.eventID === DomainEventID.REBOOT && e.domain.name === 'rb0')).toBe(true);
    expect(rec.of('rb0')).toEqual([
      ['rb0', E.RESUMED, D.RESUMED.UNPAUSED], ['rb0', E.STARTED, D.STARTED.BOOTED], ['rb0', E.SHUTDOWN, D.SHUTDOWN.GUEST], ['rb0', E.STOPPED, D.STOPPED.SHUTDOWN],
    ]);
  }, 90_000);

  it('on_poweroff restart resets the guest and lets it run again, told only as REBOOT; its shutdowns stay silent, a destroy\'s too', async () => {
    const dom = await conn.createXML(guestXml('off2', POWER_OFF, '<on_poweroff>restart</on_poweroff>'), 0);
    await rec.until(() => rec.others.some((e) => e.eventID === DomainEventID.REBOOT && e.domain.name === 'off2'), 'REBOOT');
    expect(statusOf('off2')).toMatchObject({ phase: 'active' });
    await dom.destroy();
    await rec.until(() => rec.of('off2').length >= 3, 'STOPPED');
    expect(rec.of('off2')).toEqual([
      ['off2', E.RESUMED, D.RESUMED.UNPAUSED], ['off2', E.STARTED, D.STARTED.BOOTED], ['off2', E.STOPPED, D.STOPPED.DESTROYED],
    ]);
  });

  it('a guest reset with on_reboot destroy is a shutdown (guest) and stops the domain', async () => {
    await conn.createXML(guestXml('rb1', REBOOT, '<on_reboot>destroy</on_reboot>'), 0);
    await rec.until(() => rec.of('rb1').length >= 4, 'STOPPED');
    expect(rec.of('rb1')).toEqual([
      ['rb1', E.RESUMED, D.RESUMED.UNPAUSED], ['rb1', E.STARTED, D.STARTED.BOOTED], ['rb1', E.SHUTDOWN, D.SHUTDOWN.GUEST], ['rb1', E.STOPPED, D.STOPPED.SHUTDOWN],
    ]);
  });

  it('a guest reset with on_reboot restart is a REBOOT event and the guest keeps running', async () => {
    const dom = await conn.createXML(guestXml('rb2', REBOOT), 0);
    await rec.until(() => rec.others.some((e) => e.eventID === DomainEventID.REBOOT && e.domain.name === 'rb2'), 'REBOOT');
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    await dom.destroy();
  });

  it('a detached SCSI disk is a DEVICE_REMOVED event with its alias', async () => {
    const dom = await conn.createXML(domainXml('dev1'), 0);
    const img = join(root.dir, 'dev1-disk.img');
    writeFileSync(img, Buffer.alloc(1 << 20));
    const disk = `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${img}'/><target dev='sdb' bus='scsi'/></disk>`;
    await dom.attachDevice(disk);
    await dom.detachDevice(disk);
    await rec.until(() => rec.others.some((e) => e.eventID === DomainEventID.DEVICE_REMOVED && e.domain.name === 'dev1'), 'DEVICE_REMOVED');
    const removed = rec.others.find((e) => e.eventID === DomainEventID.DEVICE_REMOVED && e.domain.name === 'dev1');
    expect(removed).toMatchObject({ devAlias: 'scsi0-0-0-1' });
    await dom.destroy();
  });

  it('refuses an unknown event id in libvirt\'s words', async () => {
    await expect(conn.domainEventRegisterAny(undefined, 27, () => undefined)).rejects.toThrow('eventID in virConnectDomainEventRegisterAny must be less than 27');
  });
});

describe('domains of other processes', () => {
  it('a domain another process starts is announced and held: its QEMU killed is STOPPED (failed) here', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/child-job.mjs', import.meta.url)), root.uri, 'start', 'ext1', domainXml('ext1')], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    await rec.until(() => rec.of('ext1').length >= 1, 'STARTED');
    await new Promise((r) => setTimeout(r, 300));
    process.kill(statusOf('ext1')!['pid'] as number, 'SIGKILL');
    await rec.until(() => rec.of('ext1').length >= 2, 'STOPPED');
    expect(rec.of('ext1')).toEqual([['ext1', E.STARTED, D.STARTED.BOOTED], ['ext1', E.STOPPED, D.STOPPED.FAILED]]);
    expect(statusOf('ext1')).toMatchObject({ phase: 'inactive', reason: DomainShutoffReason.CRASHED });
  });

  it('another process\'s destroy is told here as libvirtd tells a destroy: SHUTDOWN (host), then STOPPED (destroyed)', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    await conn.createXML(domainXml('ext2'), 0);
    await rec.until(() => rec.of('ext2').length >= 2, 'STARTED');
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/child-job.mjs', import.meta.url)), root.uri, 'destroy', 'ext2'], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    await rec.until(() => rec.of('ext2').length >= 4, 'STOPPED');
    expect(rec.of('ext2').slice(2)).toEqual([['ext2', E.SHUTDOWN, D.SHUTDOWN.HOST], ['ext2', E.STOPPED, D.STOPPED.DESTROYED]]);
  });
});

describe('holding only while someone listens', () => {
  it('a listener of one domain holds that domain\'s monitor alone; a listener of all holds every one', async () => {
    const other = new TestRoot();
    const { QmpClient } = await import('../src/qmp/qmp-client.js');
    // QEMU may reset a connection made while it drops the previous client: a second try gets it.
    const takeEvents = (name: string): ReturnType<typeof QmpClient.open> => {
      const sock = join(other.statuses().find((s) => s['name'] === name)!['runDir'] as string, 'events.sock');
      return QmpClient.open(sock, 5_000).catch(() => QmpClient.open(sock, 5_000));
    };
    try {
      const c = await other.open();
      const a = await c.createXML(domainXml('onlyA'), 0);
      const b = await c.createXML(domainXml('onlyB'), 0);
      const seenA: Seen[] = [];
      const offA = await c.domainEventRegisterAny(a, DomainEventID.LIFECYCLE, (d, e) => {
        if (e.eventID === 0) seenA.push([d.getName(), e.event, e.detail]);
      });
      const stream = c.domainEvents({ domain: a });
      const offMonitor = await c.domainQemuMonitorEventRegister(a, 'STOP', () => undefined);
      await a.qemuMonitorCommand('{"execute":"stop"}');
      await rec.until(() => seenA.length >= 1, 'onlyA SUSPENDED');
      // onlyB's event monitor was never asked for: this client has it at once.
      const monB = await takeEvents('onlyB');
      await a.qemuMonitorCommand('{"execute":"cont"}');
      await rec.until(() => seenA.length >= 2, 'onlyA RESUMED');
      expect(seenA).toEqual([['onlyA', E.SUSPENDED, D.SUSPENDED.PAUSED], ['onlyA', E.RESUMED, D.RESUMED.UNPAUSED]]);
      expect((await stream.next()).value).toMatchObject({ event: E.SUSPENDED });
      expect((await stream.next()).value).toMatchObject({ event: E.RESUMED });
      await stream.return!();
      monB.close();

      // A listener of all domains takes onlyB's monitor too; onlyB, running before, is not announced as started.
      const all = await Recorder.on(c);
      await b.qemuMonitorCommand('{"execute":"stop"}');
      await all.until(() => all.of('onlyB').length >= 1, 'onlyB SUSPENDED');
      expect(all.of('onlyB').map((e) => e[1])).toEqual([E.SUSPENDED]);
      all.stop();
      await offMonitor();
      offA();
      // Nobody listens: both monitors are free again.
      (await takeEvents('onlyA')).close();
      (await takeEvents('onlyB')).close();
    } finally {
      await other.cleanup();
    }
  });

  it('a listener of one domain not running yet: another process\'s start of it is announced and held, its QEMU killed is STOPPED (failed)', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const other = new TestRoot();
    try {
      const c = await other.open();
      await c.createXML(domainXml('besideA'), 0);
      const dom = await c.defineXML(domainXml('laterA'));
      const seen: Seen[] = [];
      const off = await c.domainEventRegisterAny(dom, DomainEventID.LIFECYCLE, (d, e) => {
        if (e.eventID === 0) seen.push([d.getName(), e.event, e.detail]);
      });
      // Its own definition (with its UUID): the other process defines it again and starts it.
      const xml = await dom.getXMLDesc(DomainXMLFlags.INACTIVE);
      const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/child-job.mjs', import.meta.url)), other.uri, 'start', 'laterA', xml], { stdio: 'ignore' });
      await new Promise((r) => child.once('exit', r));
      await rec.until(() => seen.length >= 1, 'laterA STARTED');
      await new Promise((r) => setTimeout(r, 300));
      process.kill(other.statuses().find((x) => x['name'] === 'laterA')!['pid'] as number, 'SIGKILL');
      await rec.until(() => seen.length >= 2, 'laterA STOPPED');
      expect(seen).toEqual([['laterA', E.STARTED, D.STARTED.BOOTED], ['laterA', E.STOPPED, D.STOPPED.FAILED]]);
      off();
    } finally {
      await other.cleanup();
    }
  });

  it('a power-off nobody saw is acted on when the first listener comes; the last one leaving lets the monitor go', async () => {
    const other = new TestRoot();
    try {
      const c = await other.open();
      const img = join(other.dir, 'late1.img');
      writeFileSync(img, bootSector(POWER_OFF));
      const xml = domainXml('late1', `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${img}'/><target dev='hda' bus='ide'/></disk>`);
      await (await c.defineXML(xml)).create();
      const log = join(other.statuses()[0]!['runDir'] as string, 'runstate.log');
      const { readFileSync } = await import('node:fs');
      const end = Date.now() + 30_000;
      while (!/\(shutdown\)/.test(readFileSync(log, 'utf8')) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(other.statuses()[0]).toMatchObject({ phase: 'active', state: DomainState.RUNNING });

      const late = await Recorder.on(c);
      await late.until(() => late.of('late1').length >= 2, 'STOPPED');
      expect(late.of('late1')).toEqual([['late1', E.SHUTDOWN, D.SHUTDOWN.FINISHED], ['late1', E.STOPPED, D.STOPPED.SHUTDOWN]]);
      expect(other.statuses()[0]).toMatchObject({ phase: 'inactive', reason: DomainShutoffReason.SHUTDOWN });

      await (await c.lookupByName('late1')).create();
      late.stop();
      // Nobody listens: another client can take the event monitor at once.
      const { QmpClient } = await import('../src/qmp/qmp-client.js');
      const runDir = other.statuses()[0]!['runDir'] as string;
      // QEMU may reset a connection made while it drops the previous client: a second try gets it.
      const mon = await QmpClient.open(join(runDir, 'events.sock'), 5_000).catch(() => QmpClient.open(join(runDir, 'events.sock'), 5_000));
      mon.close();
    } finally {
      await other.cleanup();
    }
  });
});
