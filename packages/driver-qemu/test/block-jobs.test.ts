// Block jobs with real QEMU under TCG: qcow2 chains made by qemu-img, driven through tsvirsh as a
// user would, the data checked with qemu-img compare; every refusal in libvirt 9.0's words (recorded
// with virsh on libvirtd 9.0's QEMU driver).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainBlockCopyFlags, DomainBlockJobAbortFlags, DomainBlockJobStatus, DomainBlockJobType, DomainEventID, DomainQemuMonitorCommandFlags,
} from '@tsvirt/api';
import { statusData, TestRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

let root: TestRoot;
const run = (...args: string[]) => tsvirsh(root.uri, ...args);
const img = (name: string): string => join(root.dir, name);

/** base (0x11 in the first MiB) ← mid (0x22 in the second) ← top, and a raw image of what the guest sees. */
function makeChain(prefix: string): { top: string; mid: string; base: string; view: string } {
  const [base, mid, top, view] = ['base', 'mid', 'top', 'view'].map((n) => img(`${prefix}-${n}.qcow2`)) as [string, string, string, string];
  const q = (...a: string[]): void => void execFileSync('qemu-img', a);
  q('create', '-q', '-f', 'qcow2', base, '16M');
  execFileSync('qemu-io', ['-c', 'write -P 0x11 0 1M', base]);
  q('create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', mid);
  execFileSync('qemu-io', ['-c', 'write -P 0x22 1M 1M', mid]);
  q('create', '-q', '-f', 'qcow2', '-b', mid, '-F', 'qcow2', top);
  execFileSync('qemu-io', ['-c', 'write -P 0x33 2M 1M', top]);
  q('convert', '-O', 'raw', top, view.replace('.qcow2', '.raw'));
  return { top, mid, base, view: view.replace('.qcow2', '.raw') };
}

/** Whether two images hold the same data (`-U`: QEMU may still hold them). */
const same = (a: string, b: string): boolean => spawnSync('qemu-img', ['compare', '-U', a, b]).status === 0;

function domainFile(name: string, disk: string): string {
  const file = img(`${name}.xml`);
  writeFileSync(file, `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
  <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>
  </devices></domain>`);
  return file;
}

/** The block job records of a domain's status file. */
function jobsOf(name: string): unknown {
  return statusData(readFileSync(join(root.dir, 'run', 'qemu', `${name}.json`), 'utf8'))['blockJobs'] ?? {};
}

beforeAll(() => {
  root = new TestRoot();
});
afterAll(async () => {
  await root.cleanup();
});

describe('block jobs with real QEMU', () => {
  it('answers and refuses as libvirt does without a job', async () => {
    const c = makeChain('a');
    expect((await run('create', domainFile('bj-a', c.top))).code).toBe(0);
    expect(await run('blockjob', 'bj-a', 'vda')).toEqual({ code: 0, stdout: 'No current block job for vda\n', stderr: '' });
    expect(await run('blockjob', 'bj-a', 'vda', '--raw')).toEqual({ code: 0, stdout: '\n', stderr: '' });
    for (const flag of ['--abort', '--pivot', '--async']) {
      expect(await run('blockjob', 'bj-a', 'vda', flag)).toEqual({ code: 1, stdout: '\n', stderr: 'error: invalid argument: disk vda does not have an active block job\n' });
    }
    expect((await run('blockjob', 'bj-a', 'vda', '--bandwidth', '10')).stderr).toBe('error: invalid argument: disk vda does not have an active block job\n');
    expect((await run('blockjob', 'bj-a', 'vdz', '--info')).stderr).toBe("error: invalid argument: disk 'vdz' not found in domain\n");
    expect((await run('blockcommit', 'bj-a', 'vda', '--base', img('nosuch'))).stderr)
      .toBe(`error: invalid argument: could not find image '${img('nosuch')}' beneath '${c.top}' in chain for 'vda'\n`);
    expect((await run('blockcommit', 'bj-a', 'vda', '--top', c.mid, '--base', c.top)).stderr)
      .toBe(`error: invalid argument: could not find image '${c.top}' beneath '${c.mid}' in chain for 'vda'\n`);
    expect((await run('blockcommit', 'bj-a', 'vda', '--top', img('nosuch'))).stderr)
      .toBe(`error: invalid argument: could not find image '${img('nosuch')}' in chain for 'vda'\n`);
    expect((await run('blockcopy', 'bj-a', 'vda', '--dest', img('missing.qcow2'), '--reuse-external')).stderr)
      .toBe(`error: missing destination file for disk vda: ${img('missing.qcow2')}: No such file or directory\n`);
    expect((await run('blockresize', 'bj-a', 'vdb', '33M')).stderr)
      .toBe("error: Failed to resize block device 'vdb'\nerror: invalid argument: disk 'vdb' was not found in the domain config\n");
  });

  it('commits an inner layer down, the guest seeing the same data', async () => {
    const c = makeChain('b');
    expect((await run('create', domainFile('bj-b', c.top))).code).toBe(0);
    const r = await run('blockcommit', 'bj-b', 'vda', '--top', c.mid, '--wait', '--verbose');
    expect(r).toMatchObject({ code: 0, stdout: '\nCommit complete\n' });
    expect(r.stderr).toMatch(/\rBlock commit: \[100 %\]$/);
    expect(same(c.top, c.view)).toBe(true);
    expect(jobsOf('bj-b')).toEqual({});
  });

  it('copies a disk, shows the mirror, pivots to the copy and keeps the data', async () => {
    const c = makeChain('c');
    expect((await run('create', domainFile('bj-c', c.top))).code).toBe(0);
    const dest = img('c-copy.qcow2');
    expect(await run('blockcopy', 'bj-c', 'vda', '--dest', dest)).toEqual({ code: 0, stdout: 'Block Copy started\n', stderr: '' });
    expect((await run('blockcopy', 'bj-c', 'vda', '--dest', img('other.qcow2'))).stderr)
      .toBe("error: block copy still active: disk 'vda' already in active block job\n");
    expect((await run('dumpxml', 'bj-c')).stdout).toContain(`<mirror type='file' file='${dest}' format='qcow2' job='copy'`);
    expect(Object.keys(jobsOf('bj-c') as object)).toEqual(['vda']);
    const raw = await run('blockjob', 'bj-c', 'vda', '--raw');
    expect(raw.stdout).toMatch(/^ type=Block Copy\n bandwidth=0\n cur=\d+\n end=\d+\n\n$/);
    const pivot = await run('blockcopy', 'bj-c', 'vda', '--dest', img('x.qcow2'), '--pivot');
    expect(pivot.code).toBe(1);
    // Wait for the mirror to be ready, then pivot by blockjob. With no process listening for
    // events, the next look at the job (here `blockjob`) is what records QEMU's ready state.
    const ready = async (): Promise<boolean> => (await run('blockjob', 'bj-c', 'vda')).code === 0 && (await run('dumpxml', 'bj-c')).stdout.includes("ready='yes'");
    for (let i = 0; i < 100 && !(await ready()); i++) await new Promise((res) => setTimeout(res, 200));
    expect(await run('blockjob', 'bj-c', 'vda', '--pivot')).toEqual({ code: 0, stdout: '\n', stderr: '' });
    const xml = (await run('dumpxml', 'bj-c')).stdout;
    // The copy's node numbers the new source, as libvirt's index does.
    expect(xml).toMatch(new RegExp(`<source file='${dest}' index='\\d+'/>`));
    expect(xml).not.toContain('<mirror');
    expect(same(dest, c.view)).toBe(true);
    expect(jobsOf('bj-c')).toEqual({});
  });

  it('copies with --wait --verbose --finish, leaving the disk where it was', async () => {
    const c = makeChain('d');
    expect((await run('create', domainFile('bj-d', c.top))).code).toBe(0);
    const dest = img('d-copy.qcow2');
    const r = await run('blockcopy', 'bj-d', 'vda', '--dest', dest, '--shallow', '--wait', '--verbose', '--finish');
    expect(r).toMatchObject({ code: 0, stdout: '\nSuccessfully copied\n' });
    expect(r.stderr).toMatch(/\rBlock Copy: \[100 %\]$/);
    expect((await run('dumpxml', 'bj-d')).stdout).toContain(`<source file='${c.top}' index='1'/>`);
    // A shallow copy holds the top's own data over the top's backing image.
    expect(same(dest, c.view)).toBe(true);
  });

  it('pulls the chain into the top image and commits the active layer with a pivot', async () => {
    const c = makeChain('e');
    expect((await run('create', domainFile('bj-e', c.top))).code).toBe(0);
    expect(await run('blockpull', 'bj-e', 'vda', '--base', c.base, '--wait')).toMatchObject({ code: 0, stdout: '\nPull complete\n' });
    const r = await run('blockcommit', 'bj-e', 'vda', '--active', '--pivot', '--verbose');
    expect(r).toMatchObject({ code: 0, stdout: '\nSuccessfully pivoted\n' });
    // The live chain follows: the base keeps its index, nothing below it.
    expect((await run('dumpxml', 'bj-e')).stdout).toMatch(new RegExp(`<source file='${c.base}' index='\\d+'/>\\n\\s*<backingStore/>`));
    expect(await run('blockresize', 'bj-e', 'vda', '32M')).toEqual({ code: 0, stdout: "Block device 'vda' is resized\n", stderr: '' });
    expect(await run('domblkthreshold', 'bj-e', 'vda', '10M')).toEqual({ code: 0, stdout: '\n', stderr: '' });
    // QEMU's metadata is on disk once it has let the images go.
    expect((await run('destroy', 'bj-e')).code).toBe(0);
    expect(same(c.top, c.view)).toBe(true);
    expect(same(c.base, c.view)).toBe(true);
  });

  it('refuses a copy of a persistent domain and every job of a stopped one', async () => {
    const c = makeChain('f');
    const file = domainFile('bj-f', c.top);
    expect((await run('define', file)).code).toBe(0);
    const notRunning = { code: 1, stdout: '\n', stderr: 'error: Requested operation is not valid: domain is not running\n' };
    expect(await run('blockjob', 'bj-f', 'vda')).toEqual(notRunning);
    expect(await run('blockcopy', 'bj-f', 'vda', '--dest', img('f.qcow2'))).toEqual(notRunning);
    expect(await run('blockpull', 'bj-f', 'vda')).toEqual(notRunning);
    expect(await run('domblkthreshold', 'bj-f', 'vda', '1M')).toEqual(notRunning);
    expect((await run('blockresize', 'bj-f', 'vda', '1M')).stderr).toBe("error: Failed to resize block device 'vda'\nerror: Requested operation is not valid: domain is not running\n");
    expect((await run('blockcommit', 'bj-f', 'vda')).stderr).toBe("error: invalid argument: could not find base image in chain for 'vda'\n");
    expect((await run('start', 'bj-f')).code).toBe(0);
    expect((await run('blockcopy', 'bj-f', 'vda', '--dest', img('f.qcow2'))).stderr).toBe('error: Requested operation is not valid: domain is not transient\n');
    const dest = img('f-copy.qcow2');
    const r = await run('blockcopy', 'bj-f', 'vda', '--dest', dest, '--transient-job', '--wait', '--pivot');
    expect(r).toMatchObject({ code: 0, stdout: '\nSuccessfully pivoted\n' });
    // libvirt moves the persistent definition too, --transient-job or not.
    expect((await run('dumpxml', '--inactive', 'bj-f')).stdout).toContain(`<source file='${dest}'/>`);
    expect(existsSync(dest)).toBe(true);
  });
});

describe('block events with real QEMU', () => {
  it('raises BLOCK_THRESHOLD by target and by index once writes pass the threshold, and BLOCK_JOB events', async () => {
    const raw = img('ev.img');
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', raw, '16M']);
    const conn = await root.open();
    // A shareable disk lets qemu-io (through the monitor) write beside the guest device, as a guest would.
    const dom = await conn.createXML(`<domain type='qemu'><name>bj-ev</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
      <disk type='file' device='disk'><driver name='qemu' type='raw' cache='none'/><source file='${raw}'/><target dev='vda' bus='virtio'/><shareable/></disk>
      </devices></domain>`);
    const seen: unknown[] = [];
    const off = await conn.domainEventRegisterAny(dom, DomainEventID.BLOCK_THRESHOLD, (_d, e) => seen.push(e));
    const jobs: unknown[] = [];
    const offJobs = await conn.domainEventRegisterAny(dom, DomainEventID.BLOCK_JOB_2, (_d, e) => jobs.push(e));
    try {
      await dom.setBlockThreshold('vda', 1n << 20n);
      await dom.qemuMonitorCommand('qemu-io libvirt-1-format "write 0 3M"', DomainQemuMonitorCommandFlags.HMP);
      for (let i = 0; i < 50 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      const facts = { eventID: 24, path: raw, threshold: 1n << 20n, excess: 2n << 20n };
      expect(seen).toMatchObject([{ ...facts, dev: 'vda' }, { ...facts, dev: 'vda[1]' }]);
      await dom.blockCopy('vda', `<disk type='file'><source file='${img('ev-copy.img')}'/><driver type='raw'/></disk>`, [], DomainBlockCopyFlags.TRANSIENT_JOB);
      for (let i = 0; i < 100 && jobs.length < 1; i++) await new Promise((r) => setTimeout(r, 100));
      expect(jobs[0]).toMatchObject({ eventID: 16, disk: 'vda', type: DomainBlockJobType.COPY, status: DomainBlockJobStatus.READY });
      expect(await dom.blockJobInfo('vda')).toMatchObject({ type: DomainBlockJobType.COPY });
      await dom.blockJobAbort('vda', DomainBlockJobAbortFlags.PIVOT);
      expect(await dom.blockJobInfo('vda')).toBeUndefined();
    } finally {
      off();
      offJobs();
      await dom.destroy();
    }
  });
});
