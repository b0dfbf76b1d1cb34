import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DomainConsoleFlags, type Domain } from '@tsvirt/api';
import { domainXml, useTestRoot } from './helpers.js';

const CLI = fileURLToPath(new URL('../../../tools/virsh/dist/bundle/cli.js', import.meta.url));

/** A boot sector that answers each byte read from COM1 with the byte's case swapped (xor 0x20), forever. */
function echoSector(): Buffer {
  const code = [
    0xba, 0xfd, 0x03, // loop: mov dx, 0x3fd (line status)
    0xec, 0xa8, 0x01, 0x74, 0xfb, // wait: in al,dx; test al,1; jz wait
    0xba, 0xf8, 0x03, 0xec, // mov dx, 0x3f8; in al,dx
    0x34, 0x20, 0xee, 0xeb, 0xef, // xor al,0x20; out dx,al; jmp loop
  ];
  const body = Buffer.alloc(510);
  Buffer.from(code).copy(body);
  return Buffer.concat([body, Buffer.from([0x55, 0xaa])]);
}

const t = useTestRoot();

/** A running echoing guest with a pty serial port (serial0, also the console) and a null one (serial1). */
async function echoGuest(name: string): Promise<Domain> {
  const img = join(t.root.dir, `${name}.img`);
  writeFileSync(img, echoSector());
  return t.conn.createXML(echoXml(name, img));
}

/** The echoing guest's definition for libvirtd, with the same character devices. */
function echoXml(name: string, img: string): string {
  return domainXml(name, `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${img}'/><target dev='hda' bus='ide'/></disk>
    <serial type='pty'><target port='0'/></serial><serial type='null'><target port='1'/></serial><console type='pty'><target type='serial' port='0'/></console>`);
}

/**
 * Runs a console command in a terminal (script(1)); when `typing`, types x once the banner is
 * shown until the guest's X comes back, then Ctrl-]. Repeated echoes are folded into one, and
 * libvirt's polkit notice (not a virsh word) is dropped from stderr.
 */
async function consoleRun(command: string, args: string[], typing: boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const errFile = join(t.root.dir, `err-${randomBytes(4).toString('hex')}`);
  const child = spawn('script', ['-qec', `${command} ${args.join(' ')} 2>${errFile}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('latin1')));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  const end = Date.now() + 60_000;
  const wait = async (ok: () => boolean, what: string, key?: string) => {
    while (!ok()) {
      if (Date.now() > end) throw new Error(`${command}: timed out waiting for ${what}: ${JSON.stringify(out)}`);
      if (key) child.stdin.write(key);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  if (typing) {
    await wait(() => out.includes('Ctrl + ])\r\n'), 'the banner');
    await wait(() => out.includes('X'), 'the echo', 'x');
    child.stdin.write('\x1d');
  }
  const code = await exited;
  const stderr = readFileSync(errFile, 'utf8').split('\n').filter((l) => !l.startsWith('Authorization not available')).join('\n');
  return { code, stdout: out.replace(/X+/g, 'X'), stderr };
}

/** Writes `word` until the guest's answer comes back (the guest may still be booting); resolves with what was read. */
function roundTrip(con: Duplex, word: string, ms = 60_000): Promise<string> {
  const want = Buffer.from(word).map((b) => b ^ 0x20).toString();
  return new Promise((resolve, reject) => {
    let got = '';
    const tick = setInterval(() => con.write(word), 300);
    const stop = setTimeout(() => done(new Error(`no answer ${want} in ${JSON.stringify(got)}`)), ms);
    const onData = (b: Buffer) => {
      got += b.toString('latin1');
      if (got.includes(want)) done();
    };
    const done = (e?: Error) => {
      clearInterval(tick);
      clearTimeout(stop);
      con.off('data', onData);
      if (e) reject(e); else resolve(got);
    };
    con.on('data', onData);
    con.write(word);
  });
}

const closed = (con: Duplex): Promise<void> => new Promise((r) => (con.destroyed ? r() : con.once('close', () => r())));

describe('console (virDomainOpenConsole) with real QEMU', () => {
  it('streams both ways to the console pty, by default and by alias, one session at a time unless forced', async () => {
    const dom = await echoGuest('con');
    const first = await dom.openConsole();
    expect(await roundTrip(first, 'ping')).toContain('PING');
    await expect(dom.openConsole('serial0')).rejects.toMatchObject({ code: 9, message: 'operation failed: Active console session exists for this domain' });
    const second = await dom.openConsole('serial0', DomainConsoleFlags.FORCE | DomainConsoleFlags.SAFE);
    await closed(first);
    expect(await roundTrip(second, 'Echo')).toContain('eCHO');
    second.destroy();
    await closed(second);
    const third = await dom.openConsole(undefined, DomainConsoleFlags.SAFE);
    expect(await roundTrip(third, 'ok')).toContain('OK');
    third.destroy();
    await dom.destroy();
  }, 120_000);

  it("refuses what libvirt's QEMU driver refuses, in its words", async () => {
    const dom = await echoGuest('con2');
    await expect(dom.openConsole('serial9')).rejects.toMatchObject({ code: 1, message: 'internal error: cannot find character device serial9' });
    await expect(dom.openConsole('serial1')).rejects.toMatchObject({ code: 1, message: 'internal error: character device serial1 is not using a PTY' });
    await expect(dom.openConsole(undefined, 4)).rejects.toMatchObject({ code: 8, message: 'unsupported flags (0x4) in function qemuDomainOpenConsole' });
    await dom.destroy();
    const off = await t.conn.defineXML(domainXml('con3'));
    await expect(off.openConsole()).rejects.toMatchObject({ code: 55, message: 'Requested operation is not valid: domain is not running' });
    const bare = await t.conn.createXML(domainXml('con4'));
    await expect(bare.openConsole()).rejects.toMatchObject({ code: 1, message: 'internal error: cannot find character device <null>' });
    await bare.destroy();
  }, 120_000);

  it("tsvirsh console prints what virsh 9.0 prints on libvirtd: the banner, the guest, refusals; Ctrl-] detaches", async () => {
    const oracle = `tsvirt-con-${process.pid}-${randomBytes(3).toString('hex')}`;
    const img = join(t.root.dir, 'oracle.img');
    writeFileSync(img, echoSector());
    chmodSync(t.root.dir, 0o755);
    writeFileSync(join(t.root.dir, 'oracle.xml'), echoXml(oracle, img));
    const sys = spawnSync('virsh', ['-c', 'qemu:///system', 'create', join(t.root.dir, 'oracle.xml')], { encoding: 'utf8', timeout: 60_000 });
    if (sys.status !== 0 && process.env['CI'] !== 'true') {
      console.log(`the libvirtd comparison skipped: ${sys.stderr.trim()}`);
      return;
    }
    await echoGuest('con5');
    const both = async (args: string[], typing: boolean) => ({
      virsh: await consoleRun(`virsh -c qemu:///system console ${oracle}`, args, typing),
      tsvirsh: await consoleRun(`${process.execPath} ${CLI} -c '${t.root.uri}' console con5`, args, typing),
    });
    try {
      for (const args of [[], ['--devname', 'serial0', '--force', '--safe']]) {
        const r = await both(args, true);
        expect(r.tsvirsh).toEqual({ ...r.virsh, stdout: r.virsh.stdout.replace(oracle, 'con5') });
        expect(r.tsvirsh).toEqual({ code: 0, stdout: "Connected to domain 'con5'\r\nEscape character is ^] (Ctrl + ])\r\nX\r\n", stderr: '' });
      }
      for (const args of [['--devname', 'serial9'], ['--devname', 'serial1']]) {
        const r = await both(args, false);
        expect(r.tsvirsh).toEqual({ ...r.virsh, stdout: r.virsh.stdout.replace(oracle, 'con5') });
        expect(r.tsvirsh.code).toBe(1);
      }
      // after all those sessions, none is left holding the console
      (await (await t.conn.lookupByName('con5')).openConsole()).destroy();
    } finally {
      spawnSync('virsh', ['-c', 'qemu:///system', 'destroy', oracle], { timeout: 60_000 });
    }
  }, 240_000);
});
