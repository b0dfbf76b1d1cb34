import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DomainModificationImpact as Impact, typedString, typedUInt, type Connection, type Domain, type TypedParameter } from '@tsvirt/api';
import { SLEEPER, containerXML, openedRoot, whyNoContainers, withFakeUnifiedTree } from './helpers.js';
import { virsh } from './tsvirsh.js';

const skip = whyNoContainers();
if (skip) console.log(`driver-lxc blkiotune tests skipped: ${skip}`);
if (skip && process.env['CI'] === 'true') throw new Error(`CI=true and the blkiotune tests cannot run: ${skip}`);

const uniq = () => `b${process.pid}${Math.floor(Math.random() * 1e6)}`;
const BLKIO = '/sys/fs/cgroup/blkio';
/** Whether this host's I/O schedulers take cgroup v1 weights (bfq or the old cfq); this machine's do not. */
const hostWeights = existsSync(join(BLKIO, 'blkio.bfq.weight')) || existsSync(join(BLKIO, 'blkio.weight'));
const NO_WEIGHT = 'Requested operation is not valid: blkio device weight is valid only for bfq or cfq scheduler';
const NO_WEIGHT_AT_START = `internal error: Timed out while reading log output: Failure in libvirt_lxc startup: ${NO_WEIGHT}`;

/** A disk of this host with a device behind it (the kernel throttles no loop or zram device) and its MAJOR:MINOR. */
function blockDevice(): { path: string; dev: string } {
  const disks = execFileSync('lsblk', ['-dnro', 'NAME,PATH,MAJ:MIN'], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split(' '));
  const [, path = '', dev = ''] = disks.find(([n]) => existsSync(`/sys/block/${n}/device`)) ?? [];
  return { path, dev };
}

const text = (ps: TypedParameter[]) => Object.fromEntries(ps.map((p) => [p.field, String(p.value)]));

describe.skipIf(skip)('blkiotune on real containers (cgroup v1) and a fake v2 tree', () => {
  const { root, conn, rootfs: fs } = openedRoot();
  let c: Connection;
  let rootfs: string;
  beforeAll(() => {
    [c, rootfs] = [conn(), fs()];
  });
  const disk = blockDevice();
  const cgroupOf = (name: string) => {
    const leaf = readdirSync(join(BLKIO, 'machine')).find((f) => f.endsWith(`-${name}.libvirt-lxc`));
    return leaf && join(BLKIO, 'machine', leaf);
  };

  it('applies <blkiotune> device limits at start and refuses a weight the host cannot take, leaving nothing', async () => {
    const name = uniq();
    const devXML = `<device><path>${disk.path}</path><read_iops_sec>300</read_iops_sec><write_iops_sec>200</write_iops_sec><read_bytes_sec>1048576</read_bytes_sec><write_bytes_sec>2097152</write_bytes_sec></device>`;
    const d = await c.createXML(containerXML(name, rootfs, SLEEPER, { top: `<blkiotune>${devXML}</blkiotune>` }));
    const dir = cgroupOf(name)!;
    const file = (f: string) => readFileSync(join(dir, `blkio.throttle.${f}_device`), 'utf8').trim();
    expect([file('read_iops'), file('write_iops'), file('read_bps'), file('write_bps')])
      .toEqual([`${disk.dev} 300`, `${disk.dev} 200`, `${disk.dev} 1048576`, `${disk.dev} 2097152`]);
    await d.destroy();

    const weighted = containerXML(name, rootfs, SLEEPER, { top: '<blkiotune><weight>300</weight></blkiotune>' });
    if (hostWeights) {
      const w = await c.createXML(weighted);
      expect(readFileSync(join(cgroupOf(name)!, existsSync(join(BLKIO, 'blkio.bfq.weight')) ? 'blkio.bfq.weight' : 'blkio.weight'), 'utf8').trim()).toBe('300');
      await w.destroy();
    } else {
      await expect(c.createXML(weighted)).rejects.toThrow(NO_WEIGHT_AT_START);
      expect(cgroupOf(name)).toBeUndefined();
      expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);
    }
  });

  it('sets and gets live and config parameters; the live XML keeps what the kernel kept', async () => {
    const name = uniq();
    const d: Domain = await c.defineXML(containerXML(name, rootfs, SLEEPER));
    // Stopped: CURRENT is the definition.
    await d.setBlkioParameters([typedUInt('weight', 500), typedString('device_read_bytes_sec', `${disk.path},4096`)]);
    expect(text(await d.blkioParameters())).toEqual({
      weight: '500', device_weight: '', device_read_iops_sec: '', device_write_iops_sec: '', device_read_bytes_sec: `${disk.path},4096`, device_write_bytes_sec: '',
    });
    expect(await d.blkioParameterCount()).toBe(6);
    expect(await d.getXMLDesc()).toContain(`<blkiotune>\n    <weight>500</weight>\n    <device>\n      <path>${disk.path}</path>\n      <read_bytes_sec>4096</read_bytes_sec>\n    </device>\n  </blkiotune>`);
    await expect(d.setBlkioParameters([typedUInt('weight', 100)], Impact.LIVE)).rejects.toThrow('Requested operation is not valid: domain is not running');
    // The weight of the definition cannot start here; take it out again (weight 0 is none).
    if (!hostWeights) await d.setBlkioParameters([typedUInt('weight', 0)]);
    await d.create();
    const dir = cgroupOf(name)!;
    expect(readFileSync(join(dir, 'blkio.throttle.read_bps_device'), 'utf8').trim()).toBe(`${disk.dev} 4096`);

    await d.setBlkioParameters([typedString('device_write_iops_sec', `${disk.path},77`), typedString('device_read_bytes_sec', `${disk.path},0`)], Impact.LIVE);
    expect(readFileSync(join(dir, 'blkio.throttle.write_iops_device'), 'utf8').trim()).toBe(`${disk.dev} 77`);
    expect(readFileSync(join(dir, 'blkio.throttle.read_bps_device'), 'utf8').trim()).toBe('');
    expect(await d.getXMLDesc()).toContain(`<device>\n      <path>${disk.path}</path>\n      <write_iops_sec>77</write_iops_sec>\n    </device>`);
    // The definition is untouched by a live change.
    expect(text(await d.blkioParameters(Impact.CONFIG))['device_read_bytes_sec']).toBe(`${disk.path},4096`);
    if (hostWeights) expect(text(await d.blkioParameters())['device_write_iops_sec']).toBe(`${disk.path},77`);
    else {
      await expect(d.blkioParameters()).rejects.toThrow(NO_WEIGHT);
      await expect(d.setBlkioParameters([typedUInt('weight', 100)], Impact.LIVE)).rejects.toThrow(NO_WEIGHT);
      await expect(d.setBlkioParameters([typedString('device_weight', `${disk.path},100`)], Impact.LIVE))
        .rejects.toThrow('Requested operation is not valid: blkio device weight is valid only for cfq scheduler');
    }
    await d.setBlkioParameters([typedString('device_write_iops_sec', `${disk.path},5`)], Impact.LIVE | Impact.CONFIG);
    expect(text(await d.blkioParameters(Impact.CONFIG))['device_write_iops_sec']).toBe(`${disk.path},5`);
    await d.destroy();
    expect(cgroupOf(name)).toBeUndefined();
    await d.undefine();
  });

  it('refuses bad device lists, paths that are not block devices and transient config, in libvirt words', async () => {
    const name = uniq();
    const d = await c.createXML(containerXML(name, rootfs, SLEEPER));
    const refused: Array<[TypedParameter, string]> = [
      [typedString('device_read_bytes_sec', `${disk.path}`), `invalid argument: unable to parse blkio device 'device_read_bytes_sec' '${disk.path}'`],
      [typedString('device_read_iops_sec', `${disk.path},x`), `invalid argument: invalid value 'x' for parameter 'device_read_iops_sec' of device '${disk.path}'`],
      [typedString('device_read_iops_sec', `${disk.path},4294967296`), `invalid argument: invalid value '4294967296' for parameter 'device_read_iops_sec' of device '${disk.path}'`],
      [typedString('device_write_bytes_sec', '/dev/null,10'), "Path '/dev/null' must be a block device: Invalid argument"],
      [typedString('device_write_bytes_sec', '/nonexistent,10'), "Path '/nonexistent' is not accessible: No such file or directory"],
      [typedString('weight', '10'), "invalid argument: invalid type 'string' for parameter 'weight', expected 'uint'"],
    ];
    for (const [p, words] of refused) await expect(d.setBlkioParameters([p], Impact.LIVE), p.field).rejects.toThrow(words);
    await expect(d.setBlkioParameters([typedUInt('weight', 100)], Impact.CONFIG)).rejects.toThrow('transient domains do not have any persistent config');
    await expect(d.blkioParameters(8)).rejects.toThrow('unsupported flags (0x8) in function lxcDomainGetBlkioParameters');
    await d.destroy();
  });

  it('prints blkiotune as virsh does (tsvirsh --config, --live, errors)', async () => {
    const name = uniq();
    const file = join(root.dir, `${name}.xml`);
    writeFileSync(file, containerXML(name, rootfs, SLEEPER, { top: `<blkiotune><device><path>${disk.path}</path><write_bytes_sec>8192</write_bytes_sec></device></blkiotune>` }));
    const ts = (...args: string[]) => virsh(root.uri, args);
    expect((await ts('define', file)).code).toBe(0);
    expect((await ts('blkiotune', name)).stdout).toBe(
      `weight         : 0\ndevice_weight  : \ndevice_read_iops_sec: \ndevice_write_iops_sec: \ndevice_read_bytes_sec: \ndevice_write_bytes_sec: ${disk.path},8192\n\n`);
    expect(await ts('blkiotune', name, '--device-read-iops-sec', `${disk.path},9`, '--config')).toMatchObject({ code: 0, stderr: '' });
    expect((await ts('blkiotune', name, '--config')).stdout).toContain(`device_read_iops_sec: ${disk.path},9\n`);
    expect((await ts('blkiotune', name, '--live')).stderr).toBe('error: Unable to get blkio parameters\nerror: Requested operation is not valid: domain is not running\n');
    expect((await ts('blkiotune', name, '--weight', '0')).stderr).toBe('error: Invalid value of 0 for I/O weight\n');
    await ts('undefine', name);
  });

  it('writes io.weight and io.max on a fake unified tree and reads the weight back', () => withFakeUnifiedTree(root.dir, async (cgroupOf) => {
    const name = uniq();
    const tune = `<blkiotune><weight>300</weight><device><path>${disk.path}</path><read_bytes_sec>4096</read_bytes_sec></device></blkiotune>`;
    const d = await c.createXML(containerXML(name, rootfs, SLEEPER, { top: tune }));
    const read = (f: string) => readFileSync(join(cgroupOf(name), f), 'utf8');
    expect(read('io.weight')).toBe('default 300');
    expect(read('io.max')).toBe(`${disk.dev} rbps=4096`);
    await d.setBlkioParameters([typedUInt('weight', 700), typedString('device_write_iops_sec', `${disk.path},12`)], Impact.LIVE);
    expect(read('io.weight')).toBe('default 700');
    expect(read('io.max')).toBe(`${disk.dev} wiops=12`);
    expect(text(await d.blkioParameters())).toMatchObject({ weight: '700', device_write_iops_sec: `${disk.path},12`, device_read_bytes_sec: `${disk.path},4096` });
    await d.destroy();
  }));
});
