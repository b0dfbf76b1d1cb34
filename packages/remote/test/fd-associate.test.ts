import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type Connection, type Domain } from '@tsvirt/api';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { fdPassingMissing } from '../src/client/fd-passing.js';
import { daemonSuite } from './helpers/daemon-suite.js';

const suite = daemonSuite('descriptor-sending tests');
/** `nobody`: a session libvirtd with its QEMU driver keeps QEMU's state in its own directories. */
const NOBODY = 65534;

/** The files a process holds open. */
const heldFiles = (pid: number): string[] => readdirSync(`/proc/${pid}/fd`).map((fd) => {
  try {
    return readlinkSync(`/proc/${pid}/fd/${fd}`);
  } catch {
    return '';
  }
});

/** virDomainFDAssociate over a unix socket: the call's descriptors leave with it (CALL_WITH_FDS). */
suite('descriptors sent with a call to libvirtd\'s QEMU driver', { timeout: 120_000 }, () => {
  let daemon: PrivateLibvirtd;
  let conn: Connection;
  let dom: Domain;
  let uri: string;
  beforeAll(async () => {
    expect(fdPassingMissing()).toBeUndefined();
    daemon = await startLibvirtd('', { drivers: ['qemu'], uid: NOBODY });
    uri = `qemu+unix:///session?socket=${daemon.socket}`;
    conn = await connect(uri);
    dom = await conn.createXML(`<domain type='qemu'><name>fda${process.pid}</name><memory unit='MiB'>64</memory>
      <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`);
  });
  afterAll(async () => {
    await dom?.destroy().catch(() => undefined);
    await conn?.close();
    await daemon?.stop();
  });

  it('libvirtd holds the very files sent; other calls keep flowing around it; python3-libvirt agrees', async () => {
    const files = [0, 1].map((i) => join(daemon.dir, `group-${i}.img`));
    for (const f of files) writeFileSync(f, 'x');
    const fds = files.map((f) => openSync(f, 'r'));
    try {
      // pipelined with calls that carry none
      const [, info, , xml] = await Promise.all([dom.fdAssociate('grp', fds), dom.getInfo(), dom.fdAssociate('grp2', [fds[0]!], 1), dom.getXMLDesc()]);
      expect(info.state).toBe(1);
      expect(xml).toContain(`fda${process.pid}`);
      const held = heldFiles(daemon.process.pid!);
      for (const f of files) expect(held).toContain(f);
    } finally {
      for (const fd of fds) closeSync(fd);
    }
    // the same calls from python3-libvirt answer the same; then the errors both get
    const py = (code: string) => spawnSync('/usr/bin/python3', ['-c', `import libvirt, os
c = libvirt.open(${JSON.stringify(uri)})
d = c.lookupByName("fda${process.pid}")
f = os.open("/dev/null", os.O_RDONLY)
try:
    ${code}
    print("ok")
except libvirt.libvirtError as e:
    print(e.get_error_code(), e.get_error_message())`], { encoding: 'utf8' }).stdout.trim();
    const ours = async (f: () => Promise<unknown>) => f().then(() => 'ok', (e: { code: number; message: string }) => `${e.code} ${e.message}`);
    const devnull = openSync('/dev/null', 'r');
    try {
      expect(await ours(() => dom.fdAssociate('py', [devnull]))).toBe(py('d.FDAssociate("py", [f])'));
      expect(await ours(() => dom.fdAssociate('py', [devnull], 4))).toBe(py('d.FDAssociate("py", [f], 4)'));
    } finally {
      closeSync(devnull);
    }
  });

  /**
   * A client process with TSVIRT_FDPASS set: it associates `file` and prints the outcome, the
   * domain's state and whether libvirtd holds the file (only while the connection lasts, as libvirt says).
   */
  const child = (fdpass: string, file: string) => spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { openSync, readdirSync, readlinkSync } from 'node:fs';
      import { connect } from '@tsvirt/api';
      const c = await connect(${JSON.stringify(uri)});
      const d = await c.lookupByName("fda${process.pid}");
      await d.fdAssociate('g', [openSync(${JSON.stringify(file)}, 'r')]).then(() => console.log('sent'), (e) => console.log(e.message));
      const held = readdirSync('/proc/${daemon.process.pid}/fd').map((fd) => { try { return readlinkSync('/proc/${daemon.process.pid}/fd/' + fd); } catch { return ''; } });
      console.log((await d.getInfo()).state, held.includes(${JSON.stringify(file)}) ? 'held' : 'not held');
      await c.close();`], { encoding: 'utf8', env: { ...process.env, TSVIRT_FDPASS: fdpass }, cwd: new URL('..', import.meta.url).pathname, timeout: 60_000, killSignal: 'SIGKILL' });

  it('TSVIRT_FDPASS=0: NO_SUPPORT before anything goes out, the connection goes on', () => {
    const file = join(daemon.dir, 'never-sent.img');
    writeFileSync(file, 'x');
    expect(child('0', file).stdout).toBe('this function is not supported by the connection driver: virDomainFDAssociate: '
      + 'file descriptor passing is not available: TSVIRT_FDPASS=0 turns it off\n1 not held\n');
  });

  it('the prebuilt addon (for machines without a C compiler) is made from this source and sends the same', () => {
    const dir = new URL('../native/', import.meta.url).pathname;
    const sum = createHash('sha256').update(readFileSync(join(dir, 'fdpass.c'))).digest('hex');
    // after a change to fdpass.c: cc -shared -fPIC -O2 -s -I/usr/include/node -o native/prebuilt/linux-x64-gnu/fdpass.node native/fdpass.c
    expect(readFileSync(join(dir, 'prebuilt/linux-x64-gnu/fdpass.c.sha256'), 'utf8').trim()).toBe(sum);
    const file = join(daemon.dir, 'prebuilt-sent.img');
    writeFileSync(file, 'x');
    expect(child('prebuilt', file).stdout).toBe('sent\n1 held\n');
  });
});
