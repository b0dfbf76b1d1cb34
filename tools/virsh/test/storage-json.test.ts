import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsvirsh = join(dirname(fileURLToPath(import.meta.url)), 'oracle', 'tsvirsh-node.sh');

/** The JSON documents a tsvirsh command string prints, one per command (each followed by virsh's blank line). */
function jsonOf(script: string): unknown[] {
  const r = spawnSync(tsvirsh, ['-q', '-c', 'test:///default', script], { encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  return r.stdout.split(/\n(?=[[{])/).map((doc) => JSON.parse(doc) as unknown);
}

const DEFAULT_POOL = {
  name: 'default-pool', uuid: 'dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566', state: 'running', autostart: false, persistent: true,
  capacity: 107374182400, allocation: 10485760, available: 107363696640,
};

describe('tsvirsh --json on the storage listings and infos', { timeout: 60_000 }, () => {
  it('pool-list, pool-info, vol-list and vol-info give the facts virsh prints, sizes in bytes', () => {
    const [poolList, poolInfo, volList, volInfo] = jsonOf('vol-create-as default-pool v 10M; pool-list --all --json; ' +
      'pool-info default-pool --json; vol-list default-pool --json; vol-info v --pool default-pool --json');
    expect(poolList).toEqual([DEFAULT_POOL]);
    expect(poolInfo).toEqual(DEFAULT_POOL);
    expect(volList).toEqual([{ name: 'v', path: '/default-pool/v', type: 'file', capacity: 10485760, allocation: 10485760 }]);
    expect(volInfo).toEqual({ name: 'v', type: 'file', capacity: 10485760, allocation: 10485760 });
  });

  it('a stopped pool has no sizes', () => {
    const [list] = jsonOf('pool-define-as p1 dir --target /p1; pool-list --inactive --json');
    expect(list).toEqual([expect.objectContaining({ name: 'p1', state: 'inactive', capacity: null, allocation: null, available: null })]);
  });
});
