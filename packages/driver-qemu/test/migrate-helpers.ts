import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Domain } from '@tsvirt/api';
import { statusData, type TestRoot } from './helpers.js';

/** The pid of a running domain's QEMU, from the root's status file. */
export function pidIn(root: TestRoot, name: string): number {
  return statusData(readFileSync(join(root.dir, 'run', 'qemu', `${name}.json`), 'utf8'))['pid'] as number;
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until a migration of `dom` is under way (domjobinfo reports data sent or copied). */
export async function untilSending(dom: Domain): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const info = await dom.getJobInfo();
    if (info.type === 2 && info.dataProcessed > 0n) return;
    await wait(25);
  }
  throw new Error('the migration never started');
}
