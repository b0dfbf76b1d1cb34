import { NodeAllocPagesFlags, NodeMemoryShared, typedUInt, type TypedParameter } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { scaledOpt, uintOpt, ullOpt } from '../../vsh/option-values.js';
import { jsonOpt, printValue, wantsJSON } from '../../vsh/report.js';
import { typedParamText, typedParamsJSON } from '../../vsh/typed-param-text.js';
import { hostTopology } from '../../host-topology.js';

const cellnoOpt: OptDef = { name: 'cellno', type: 'int', help: 'NUMA cell number' };

/** A page size option in KiB (a bare number is KiB, suffixes allowed), rounded up as virsh does. */
function pageSizeKiB(cmd: ParsedCommand): number | undefined {
  const bytes = scaledOpt(cmd, 'pagesize', 1024n, 0xffffffffn * 1024n);
  return bytes === undefined ? undefined : Number((bytes + 1023n) / 1024n);
}

const kib = (bytes: bigint): bigint => bytes / 1024n;

export const freecell: CommandDef = {
  name: 'freecell',
  group: 'host',
  help: 'NUMA free memory',
  desc: 'display available free memory for the NUMA cell.',
  options: [cellnoOpt, { name: 'all', type: 'bool', help: 'show free memory for all NUMA cells' }, jsonOpt],
  async run(ctl, cmd) {
    cmd.exclusive('all', 'cellno');
    const cell = cmd.int('cellno');
    const conn = await ctl.connect();
    if (!cmd.bool('all')) {
      if (cell !== undefined) {
        const [free = 0n] = await conn.getCellsFreeMemory(cell, 1);
        printValue(ctl, cmd, { cell, freeKiB: kib(free) }, `${cell}: ${kib(free)} KiB\n`);
      } else {
        const free = await conn.getFreeMemory();
        printValue(ctl, cmd, { totalKiB: kib(free) }, `Total: ${kib(free)} KiB\n`);
      }
      return true;
    }
    const cells: Array<{ cell: number; free: bigint }> = [];
    for (const id of (await hostTopology(conn)).cellIds) {
      try {
        cells.push({ cell: id, free: (await conn.getCellsFreeMemory(id, 1))[0] ?? 0n });
      } catch (e) {
        throw new CommandFailed(`failed to get free memory for NUMA node number: ${id}`, e);
      }
    }
    const total = cells.reduce((sum, c) => sum + c.free, 0n);
    if (wantsJSON(ctl, cmd)) {
      printValue(ctl, cmd, { cells: cells.map((c) => ({ cell: c.cell, freeKiB: kib(c.free) })), totalKiB: kib(total) }, '');
      return true;
    }
    ctl.print(cells.map((c) => `${String(c.cell).padStart(5)}: ${String(kib(c.free)).padStart(10)} KiB\n`).join(''));
    ctl.extra('--------------------\n');
    ctl.extra(`${'Total'.padStart(5)}: ${String(kib(total)).padStart(10)} KiB\n`);
    return true;
  },
};

export const freepages: CommandDef = {
  name: 'freepages',
  group: 'host',
  help: 'NUMA free pages',
  desc: 'display available free pages for the NUMA cell.',
  options: [
    cellnoOpt,
    { name: 'pagesize', type: 'int', help: 'page size (in kibibytes)' },
    { name: 'all', type: 'bool', help: 'show free pages for all NUMA cells' },
    jsonOpt,
  ],
  async run(ctl, cmd) {
    cmd.exclusive('all', 'cellno');
    const size = pageSizeKiB(cmd);
    const conn = await ctl.connect();
    const pagesOf = (sizes: readonly number[], counts: readonly bigint[]) => sizes.map((s, i) => ({ sizeKiB: s, free: counts[i] ?? null }));
    const lines = (sizes: readonly number[], counts: readonly bigint[]): string => sizes.map((s, i) => `${s}KiB: ${counts[i]}\n`).join('');
    if (cmd.bool('all')) {
      const topology = await hostTopology(conn);
      const sizes = size === undefined ? topology.pageSizes : [size];
      if (sizes.length === 0) throw new VshError('could not get information about supported page sizes');
      const nodes: Array<{ cell: number; counts: bigint[] }> = [];
      for (const cell of topology.cellIds) nodes.push({ cell, counts: await conn.getFreePages(sizes, cell, 1) });
      printValue(ctl, cmd, nodes.map((n) => ({ cell: n.cell, pages: pagesOf(sizes, n.counts) })),
        nodes.map((n) => `Node ${n.cell}:\n${lines(sizes, n.counts)}\n`).join(''));
      return true;
    }
    if (!cmd.has('cellno')) throw new VshError('missing cellno argument');
    const cell = cmd.int('cellno')!;
    if (cell < -1) throw new VshError('cell number must be non-negative integer or -1');
    if (size === undefined) throw new VshError('missing pagesize argument');
    const counts = await conn.getFreePages([size], cell, 1);
    printValue(ctl, cmd, pagesOf([size], counts)[0]!, lines([size], counts));
    return true;
  },
};

export const allocpages: CommandDef = {
  name: 'allocpages',
  group: 'host',
  help: 'Manipulate pages pool size',
  desc: 'Allocate or free some pages in the pool for NUMA cell.',
  options: [
    { name: 'pagesize', type: 'int', positional: true, required: true, help: 'page size (in kibibytes)' },
    { name: 'pagecount', type: 'int', positional: true, required: true, help: 'page count' },
    cellnoOpt,
    { name: 'add', type: 'bool', help: 'instead of setting new pool size add pages to it' },
    { name: 'all', type: 'bool', help: 'set on all NUMA cells' },
  ],
  async run(ctl, cmd) {
    cmd.exclusive('all', 'cellno');
    const startCell = cmd.int('cellno') ?? -1;
    const size = pageSizeKiB(cmd)!;
    const count = ullOpt(cmd, 'pagecount')!;
    const flags = cmd.bool('add') ? NodeAllocPagesFlags.ADD : NodeAllocPagesFlags.SET;
    const conn = await ctl.connect();
    const cells = cmd.bool('all') ? (await hostTopology(conn)).cellIds : [startCell];
    for (const cell of cells) await conn.allocPages([size], [count], cell, 1, flags);
    return true;
  },
};

/** node-memory-tune's options and the parameters they set. */
const TUNABLES: ReadonlyArray<readonly [option: string, field: string, help: string]> = [
  ['shm-pages-to-scan', NodeMemoryShared.PAGES_TO_SCAN, 'number of pages to scan before the shared memory service goes to sleep'],
  ['shm-sleep-millisecs', NodeMemoryShared.SLEEP_MILLISECS, 'number of millisecs the shared memory service should sleep before next scan'],
  ['shm-merge-across-nodes', NodeMemoryShared.MERGE_ACROSS_NODES, 'Specifies if pages from different numa nodes can be merged'],
];

export const nodeMemoryTune: CommandDef = {
  name: 'node-memory-tune',
  group: 'host',
  help: 'Get or set node memory parameters',
  desc: 'Get or set node memory parameters\n    To get the memory parameters, use following command: \n\n    virsh # node-memory-tune',
  options: [...TUNABLES.map(([name, , help]): OptDef => ({ name, type: 'int', help })), jsonOpt],
  async run(ctl, cmd) {
    const params: TypedParameter[] = [];
    for (const [option, field] of TUNABLES) {
      const v = uintOpt(cmd, option);
      if (v !== undefined) params.push(typedUInt(field, v));
    }
    const conn = await ctl.connect();
    if (params.length > 0) {
      try {
        await conn.setMemoryParameters(params);
      } catch (e) {
        throw new CommandFailed('Unable to change memory parameters', e);
      }
      return true;
    }
    let current: TypedParameter[];
    try {
      current = await conn.getMemoryParameters();
    } catch (e) {
      throw new CommandFailed('Unable to get number of memory parameters', e);
    }
    if (current.length === 0) return true;
    printValue(ctl, cmd, typedParamsJSON(current),
      `Shared memory:\n${current.map((p) => `\t${p.field.padEnd(15)} ${typedParamText(p)}\n`).join('')}`);
    return true;
  },
};
