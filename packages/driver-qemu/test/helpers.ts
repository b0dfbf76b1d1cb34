import { afterAll, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, unloadDrivers, type Connection } from '@tsvirt/api';

/** A scratch root for qemu:///embed, remembered for cleanup. */
/** The data of a status file or hotplug journal: inside conf's state-file envelope (`{tsvirt, version, data}`), or bare as before it. */
export function statusData(text: string): Record<string, unknown> {
  const json = JSON.parse(text) as Record<string, unknown>;
  return (Object.hasOwn(json, 'tsvirt') ? json['data'] : json) as Record<string, unknown>;
}

export class TestRoot {
  readonly dir = mkdtempSync(join(tmpdir(), 'tsvirt-qemu-'));
  readonly uri = `qemu:///embed?root=${this.dir}`;
  readonly #loops: string[] = [];
  readonly #conns: Connection[] = [];

  async open(): Promise<Connection> {
    const c = await connect(this.uri);
    this.#conns.push(c);
    return c;
  }

  /** A fresh 8 MiB loop device. */
  loop(): string {
    const file = join(this.dir, `disk-${this.#loops.length}.img`);
    writeFileSync(file, Buffer.alloc(0));
    execFileSync('truncate', ['-s', '8M', file]);
    const dev = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
    this.#loops.push(dev);
    return dev;
  }

  /** The status files of the root, parsed. */
  statuses(): Array<Record<string, unknown>> {
    const dir = join(this.dir, 'run', 'qemu');
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((f) => f.endsWith('.json'));
    } catch {
      return [];
    }
    return names.flatMap((f) => {
      try {
        return [statusData(readFileSync(join(dir, f), 'utf8'))];
      } catch {
        return [];
      }
    });
  }

  /** The hotplug journals of the root's runs (a job's change in flight), parsed. */
  journals(): Array<Record<string, unknown>> {
    const dir = join(this.dir, 'run', 'qemu');
    const runs = readdirSync(dir).filter((f) => f.startsWith('domain-'));
    return runs.flatMap((r) => {
      try {
        return [statusData(readFileSync(join(dir, r, 'pending.json'), 'utf8'))];
      } catch {
        return [];
      }
    });
  }

  /** Kills every QEMU the root's status files name, detaches the loop devices, removes the tree. */
  async cleanup(): Promise<void> {
    for (const c of this.#conns) await c.close().catch(() => undefined);
    for (const s of this.statuses()) {
      if (typeof s['pid'] === 'number') {
        try {
          process.kill(s['pid'], 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await new Promise((r) => setTimeout(r, 100));
    for (const l of this.#loops) {
      try {
        execFileSync('losetup', ['-d', l]);
      } catch {
        // already detached
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `major:minor` of a device node. */
export function majMin(dev: string): string {
  return execFileSync('stat', ['-L', '-c', '%Hr:%Lr', dev], { encoding: 'utf8' }).trim();
}

/** A small guest without an OS: 64 MiB, TCG, no default devices. */
export function domainXml(name: string, devices = ''): string {
  return `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <controller type='scsi' index='0' model='virtio-scsi'/>
    ${devices}
  </devices>
</domain>`;
}

/** A shareable raw disk on a block device. */
export function sharedDisk(dev: string, target: string, extra = ''): string {
  const bus = target.startsWith('vd') ? 'virtio' : 'scsi';
  return `<disk type='block' device='disk'${extra}><driver name='qemu' type='raw'/><source dev='${dev}'/><target dev='${target}' bus='${bus}'/><shareable/></disk>`;
}

/** Whether a process exists. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/** A new managing process's view of a root: this process's driver state is dropped, so opening reconnects. */
export async function reopen(root: TestRoot): Promise<Connection> {
  await unloadDrivers();
  return root.open();
}

/** A scratch root and a connection to it for one test file: made before its tests, cleaned up after. */
export function useTestRoot(): { readonly root: TestRoot; readonly conn: Connection } {
  const state = {} as { root: TestRoot; conn: Connection };
  beforeAll(async () => {
    state.root = new TestRoot();
    state.conn = await state.root.open();
  });
  afterAll(() => state.root.cleanup());
  return state;
}

/** A scratch root and a connection to it for one test file, made before its tests and removed after. */
export function scratchRoot(): { readonly root: TestRoot; readonly conn: Connection } {
  const made: { root?: TestRoot; conn?: Connection } = {};
  beforeAll(async () => {
    made.root = new TestRoot();
    made.conn = await made.root.open();
  });
  afterAll(async () => {
    await made.root?.cleanup();
  });
  return {
    get root() {
      return made.root!;
    },
    get conn() {
      return made.conn!;
    },
  };
}
