import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@tsvirt/api';
import { SLEEPER, containerXML, inside, openedRoot, whyNoContainers } from './helpers.js';

const skip = whyNoContainers();
if (skip) console.log(`driver-lxc shared-namespace tests skipped: ${skip}`);
if (skip && process.env['CI'] === 'true') throw new Error(`CI=true and the shared-namespace tests cannot run: ${skip}`);

const uniq = () => `n${process.pid}${Math.floor(Math.random() * 1e6)}`;
const nsOf = (pid: number | string, ns: string) => readlinkSync(`/proc/${pid}/ns/${ns}`);

/** A container definition with `<lxc:namespace>` holding `shares`. */
function sharingXML(name: string, rootfs: string, shares: string): string {
  return containerXML(name, rootfs, SLEEPER, { top: `<lxc:namespace>${shares}</lxc:namespace>` })
    .replace("<domain type='lxc'>", "<domain type='lxc' xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'>");
}

describe.skipIf(skip)('<lxc:namespace> sharing on real containers', () => {
  const { root, conn, rootfs: fs } = openedRoot();
  const netns = `tsvlxc${process.pid}`;
  let c: Connection;
  let rootfs: string;
  beforeAll(() => {
    [c, rootfs] = [conn(), fs()];
    execFileSync('ip', ['netns', 'add', netns]);
  });
  afterAll(() => execFileSync('ip', ['netns', 'del', netns]));

  it('joins a named netns, another container by name and a process by pid; makes the rest', async () => {
    const [a, b, p] = [uniq(), uniq(), uniq()];
    const da = await c.createXML(sharingXML(a, rootfs, `<lxc:sharenet type='netns' value='${netns}'/>`));
    const aPid = root.init(a).pid;
    expect(nsOf(aPid, 'net')).toBe(readlinkSync(`/proc/${execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).trim().split('\n')[0]}/ns/net`));
    expect(nsOf(aPid, 'uts')).not.toBe(nsOf('self', 'uts'));
    expect(inside(aPid, ['hostname']).trim()).toBe(a);

    const db = await c.createXML(sharingXML(b, rootfs, `<lxc:shareipc type='name' value='${a}'/><lxc:shareuts type='name' value='${a}'/>`));
    const bPid = root.init(b).pid;
    expect([nsOf(bPid, 'ipc'), nsOf(bPid, 'uts')]).toEqual([nsOf(aPid, 'ipc'), nsOf(aPid, 'uts')]);
    expect(nsOf(bPid, 'net')).not.toBe(nsOf(aPid, 'net'));
    expect(nsOf(bPid, 'pid')).not.toBe(nsOf(aPid, 'pid'));
    // A shared UTS namespace keeps its owner's hostname.
    expect(inside(bPid, ['hostname']).trim()).toBe(a);

    const dp = await c.createXML(sharingXML(p, rootfs, `<lxc:sharenet type='pid' value='${bPid}'/>`));
    expect(nsOf(root.init(p).pid, 'net')).toBe(nsOf(bPid, 'net'));
    for (const d of [dp, db, da]) await d.destroy();
  });

  it('refuses what cannot be shared in libvirt words, before anything is made', async () => {
    const name = uniq();
    const stopped = uniq();
    await c.defineXML(containerXML(stopped, rootfs, SLEEPER));
    const cases: Array<[string, string]> = [
      [`<lxc:sharenet type='netns' value='${netns}x'/>`, `failed to open netns ${netns}x: No such file or directory`],
      ["<lxc:shareipc type='netns' value='red'/>", "unsupported configuration: 'netns' namespace source can only be used with sharenet"],
      ["<lxc:shareuts type='name' value='nosuchdomain'/>", "Domain not found: No domain with matching name 'nosuchdomain'"],
      [`<lxc:shareuts type='name' value='${stopped}'/>`, 'Requested operation is not valid: Init pid is not yet available'],
      ["<lxc:shareipc type='pid' value='999999999'/>", 'failed to open ns shareipc: No such file or directory'],
    ];
    for (const [shares, words] of cases) {
      await expect(c.createXML(sharingXML(name, rootfs, shares)), shares).rejects.toThrow(words);
      expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);
    }
    await (await c.lookupByName(stopped)).undefine();
  });
});
