import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsvirsh = join(dirname(fileURLToPath(import.meta.url)), 'oracle', 'tsvirsh-node.sh');

function run(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(tsvirsh, args, { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('tsvirsh --json', { timeout: 60_000 }, () => {
  it('before the command applies to every command that has it', () => {
    const r = run('--json', '-c', 'test:///default', 'domstate test');
    expect(JSON.parse(r.stdout)).toEqual({ state: 'running', reason: 'unknown' });
    expect(r.status).toBe(0);
  });

  it('reports errors as JSON objects with libvirt code, domain and message, exit codes unchanged', () => {
    const stats = run('-c', 'test:///default', 'domblkstat test nosuch --json');
    expect(stats.status).toBe(1);
    // VIR_ERR_INVALID_ARG (8) from VIR_FROM_TEST (12), as python3-libvirt reports it, after virsh's own line.
    expect(JSON.parse(stats.stderr)).toEqual({
      code: 8, domain: 12, message: 'invalid argument: invalid path: nosuch', context: 'Failed to get block stats test nosuch',
    });
    // virsh's own failures carry no libvirt error.
    const lookup = run('-c', 'test:///default', 'dominfo nosuch --json');
    expect(lookup.status).toBe(1);
    expect(JSON.parse(lookup.stderr)).toEqual({ code: null, domain: null, message: "failed to get domain 'nosuch'" });
    const parse = run('--json', '-c', 'test:///default', 'dominfo --bogus');
    expect(parse.status).toBe(1);
    expect(JSON.parse(parse.stderr)).toEqual({ code: null, domain: null, message: "command 'dominfo' doesn't support option --bogus" });
    const text = run('-c', 'test:///default', 'domblkstat test nosuch');
    expect(text.stderr).toBe('error: Failed to get block stats test nosuch\nerror: invalid argument: invalid path: nosuch\n');
    expect(text.status).toBe(1);
  });

  it('--name, --uuid and --id shape the JSON as they shape the text', () => {
    const uuid = '6695eb01-f6a4-8304-79aa-97f2502e193f';
    expect(JSON.parse(run('-c', 'test:///default', 'list --all --name --json').stdout)).toEqual([{ name: 'test' }]);
    expect(JSON.parse(run('-c', 'test:///default', 'list --uuid --name --json').stdout)).toEqual([{ uuid, name: 'test' }]);
    expect(JSON.parse(run('-c', 'test:///default', 'list --id --json').stdout)).toEqual([{ id: 1 }]);
    expect(JSON.parse(run('-c', 'test:///default', 'net-list --uuid --json').stdout)).toEqual([{ uuid: 'dd8fe884-6c02-601e-7551-cca97df1c5df' }]);
    expect(JSON.parse(run('-c', 'test:///default', 'pool-list --name --json').stdout)).toEqual([{ name: 'default-pool' }]);
  });

  it('gives CPU times in nanoseconds, every digit kept', () => {
    const info = run('-c', 'test:///default', 'dominfo test --json');
    // The test driver's CPU time is the clock in nanoseconds: an integer of 19 digits, exactly as libvirt gives it.
    expect(info.stdout).toMatch(/"cpuTime": \d{19},/);
  });
});
