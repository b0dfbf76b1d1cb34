import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const tsvirsh = join(dirname(fileURLToPath(import.meta.url)), 'oracle', 'tsvirsh-node.sh');
const root = mkdtempSync(join(tmpdir(), 'tsvsh-storage-'));
const uri = `qemu:///embed?root=${root}`;
const dir = join(root, 'pools', 'p1');

/** One tsvirsh process against the embed root: each command runs in a process of its own, as a user's would. */
function run(cmd: string): { stdout: string; stderr: string; status: number | null } {
  return spawnSync(tsvirsh, ['-c', uri, cmd], { encoding: 'utf8', timeout: 60_000 });
}

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('tsvirsh storage commands against qemu:///embed (the local storage driver)', { timeout: 60_000 }, () => {
  it('pool-define-as, pool-build, pool-start: the pool and its directory exist for the next process', () => {
    expect(run(`pool-define-as p1 dir --target ${dir}`)).toMatchObject({ stdout: 'Pool p1 defined\n\n', status: 0 });
    expect(run('pool-build p1')).toMatchObject({ stdout: 'Pool p1 built\n\n', status: 0 });
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(run('pool-start p1')).toMatchObject({ stdout: 'Pool p1 started\n\n', status: 0 });
    expect(run('pool-list --all').stdout).toBe(' Name   State    Autostart\n----------------------------\n p1     active   no\n\n');
  });

  it('vol-create-as, vol-list, vol-info and vol-delete', () => {
    expect(run('vol-create-as p1 a.raw 10M; vol-create-as p1 b.qcow2 20M --format qcow2')).toMatchObject({
      stdout: 'Vol a.raw created\n\nVol b.qcow2 created\n\n', status: 0 });
    const list = run('vol-list p1').stdout.split('\n');
    expect(list.slice(2, 4).map((l) => l.trim().split(/\s+/))).toEqual([['a.raw', join(dir, 'a.raw')], ['b.qcow2', join(dir, 'b.qcow2')]]);
    expect(run('vol-info b.qcow2 --pool p1').stdout).toBe(
      'Name:           b.qcow2\nType:           file\nCapacity:       20.00 MiB\nAllocation:     196.00 KiB\n\n');
    expect(run(`vol-info ${join(dir, 'a.raw')}`).stdout).toContain('Capacity:       10.00 MiB\nAllocation:     10.00 MiB\n');
    expect(run('vol-delete a.raw --pool p1')).toMatchObject({ stdout: 'Vol a.raw deleted\n\n', status: 0 });
    expect(run('vol-list p1').stdout).not.toContain('a.raw');
  });

  it('libvirt\'s errors: an existing volume, an unknown one, a running pool\'s undefine', () => {
    expect(run('vol-create-as p1 b.qcow2 1M')).toMatchObject({
      stderr: "error: Failed to create vol b.qcow2\nerror: storage volume 'b.qcow2' exists already\n", status: 1 });
    expect(run('vol-delete nope --pool p1')).toMatchObject({
      stderr: "error: failed to get vol 'nope'\nerror: Storage volume not found: no storage vol with matching path 'nope'\n", status: 1 });
    expect(run('pool-undefine p1')).toMatchObject({
      stderr: "error: Failed to undefine pool p1\nerror: Requested operation is not valid: storage pool 'p1' is still active\n", status: 1 });
  });
});
