import { readFile } from 'node:fs/promises';
import {
  DomainBlockCommitFlags as C, DomainBlockCopyFlags as CP, DomainBlockCopyParam, DomainBlockJobAbortFlags as A, DomainBlockJobInfoFlags,
  DomainBlockJobStatus as S, DomainBlockPullFlags, DomainBlockRebaseFlags as R, DomainBlockResizeFlags, TypedParameterType,
  type Domain, type TypedParameter,
} from '@tsvirt/api';
import { DOMAIN } from '../../domain-lookup.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { OptDef } from '../../vsh/command-def.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { nonEmptyOpt, scaledOpt, uintOpt, ullOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';
import { boolOpt } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';
import { BLOCK_JOB_NAMES, bandwidthOpt, printJobProgress, startAndWait, timeoutMs } from './block-job-wait.js';
import { prettyCapacity } from '../domain-monitor/domain-stats.js';

const str = (name: string, help: string, positional = false, required = false): OptDef => ({ name, type: 'string', help, ...(positional ? { positional, required } : {}) });
const num = (name: string, help: string): OptDef => ({ name, type: 'int', help });
const pathOpt = (help: string): OptDef => str('path', help, true, true);
const bandwidthHelp = num('bandwidth', 'bandwidth limit in MiB/s');
const bytesOpt = boolOpt('bytes', 'the bandwidth limit is in bytes/s rather than MiB/s');
const verboseOpt = boolOpt('verbose', 'with --wait, display the progress');
const asyncOpt = boolOpt('async', "with --wait, don't wait for cancel to finish");
/** The options blockpull and blockcommit end with. */
const relativeTail = [boolOpt('keep-relative', 'keep the backing chain relatively referenced'), bytesOpt];

/** virsh's refusal of --verbose or --async when nothing waits. */
function checkWaitOpts(cmd: ParsedCommand, blocking: boolean, others: string): void {
  if (blocking) return;
  for (const o of ['verbose', 'async']) {
    if (cmd.bool(o)) throw new VshError(`--${o} requires at least one of --timeout, --wait, --pivot, or --${others}`);
  }
}

/** Ends a job that reached its ready phase: pivot, finish, or leave it mirroring. */
async function concludeReady(ctl: Ctl, dom: Domain, path: string, cmd: ParsedCommand, finish: string,
  words: { finished: string; left: string }): Promise<void> {
  const flags = cmd.bool('async') ? A.ASYNC : 0;
  if (cmd.bool('pivot')) {
    await dom.blockJobAbort(path, flags | A.PIVOT).catch((e) => {
      throw new CommandFailed(`failed to pivot job for disk ${path}`, e);
    });
    ctl.extra('\nSuccessfully pivoted');
  } else if (cmd.bool(finish)) {
    await dom.blockJobAbort(path, flags).catch((e) => {
      throw new CommandFailed(`failed to finish job for disk ${path}`, e);
    });
    ctl.extra(`\n${words.finished}`);
  } else {
    ctl.extra(`\n${words.left}`);
  }
}

/** A wait's end as virsh words it; false for a job that was aborted or failed. */
function waitOutcome(ctl: Ctl, status: number, what: string): boolean {
  if (status === S.CANCELED) ctl.extra(`\n${what} aborted`);
  else if (status === S.FAILED) ctl.extra(`\n${what} failed`);
  return status !== S.CANCELED && status !== S.FAILED;
}

export const blockpull = objectCommand({
  name: 'blockpull', group: 'domain', help: 'Populate a disk from its backing image.', desc: 'Populate a disk from its backing image.',
  object: DOMAIN,
  options: [
    pathOpt('fully-qualified path of disk'), bandwidthHelp, str('base', 'path of backing file in chain for a partial pull'),
    boolOpt('wait', 'wait for job to finish'), verboseOpt,
    num('timeout', 'with --wait, abort if pull exceeds timeout (in seconds)'), asyncOpt,
    ...relativeTail,
  ],
  check(cmd) {
    for (const o of ['verbose', 'timeout', 'async']) if (cmd.has(o) && !cmd.has('wait')) throw new VshError(`Option --wait is required by option --${o}`);
  },
  async run(dom, ctl, cmd) {
    const path = cmd.string('path')!;
    const base = nonEmptyOpt(cmd, 'base');
    const bandwidth = bandwidthOpt(cmd);
    const timeout = timeoutMs(cmd);
    const relative = cmd.bool('keep-relative') ? R.RELATIVE : 0;
    const start = async (): Promise<void> => {
      if (base !== undefined || relative) await dom.blockRebase(path, base, bandwidth, relative | (cmd.bool('bytes') ? R.BANDWIDTH_BYTES : 0));
      else await dom.blockPull(path, bandwidth, cmd.bool('bytes') ? DomainBlockPullFlags.BANDWIDTH_BYTES : 0);
    };
    if (!cmd.bool('wait')) {
      await start();
      ctl.extra('Block Pull started');
      return true;
    }
    const ok = await startAndWait(ctl, dom, { path, label: 'Block Pull', verbose: cmd.bool('verbose'), timeoutMs: timeout, async: cmd.bool('async') }, start,
      async (status) => waitOutcome(ctl, status, 'Pull'));
    if (!ok) return false;
    ctl.extra('\nPull complete');
    return true;
  },
});

export const blockcommit = objectCommand({
  name: 'blockcommit', group: 'domain', help: 'Start a block commit operation.', desc: 'Commit changes from a snapshot down to its backing image.',
  object: DOMAIN,
  options: [
    pathOpt('fully-qualified path of disk'), bandwidthHelp, str('base', 'path of base file to commit into (default bottom of chain)'),
    boolOpt('shallow', 'use backing file of top as base'), str('top', 'path of top file to commit from (default top of chain)'),
    boolOpt('active', 'trigger two-stage active commit of top file'), boolOpt('delete', 'delete files that were successfully committed'),
    boolOpt('wait', 'wait for job to complete (with --active, wait for job to sync)'), verboseOpt,
    num('timeout', 'implies --wait, abort if copy exceeds timeout (in seconds)'), boolOpt('pivot', 'implies --active --wait, pivot when commit is synced'),
    boolOpt('keep-overlay', 'implies --active --wait, quit when commit is synced'), asyncOpt,
    ...relativeTail,
  ],
  check(cmd) {
    cmd.exclusive('pivot', 'keep-overlay');
  },
  async run(dom, ctl, cmd) {
    const path = cmd.string('path')!;
    const finish = cmd.bool('keep-overlay');
    const active = cmd.bool('active') || cmd.bool('pivot') || finish;
    const timeout = timeoutMs(cmd);
    const blocking = cmd.bool('wait') || cmd.bool('pivot') || finish || timeout > 0;
    checkWaitOpts(cmd, blocking, 'keep-overlay');
    const bandwidth = bandwidthOpt(cmd);
    const flags = (cmd.bool('shallow') ? C.SHALLOW : 0) | (cmd.bool('delete') ? C.DELETE : 0) | (active ? C.ACTIVE : 0)
      | (cmd.bool('keep-relative') ? C.RELATIVE : 0) | (cmd.bool('bytes') ? C.BANDWIDTH_BYTES : 0);
    const start = (): Promise<void> => dom.blockCommit(path, nonEmptyOpt(cmd, 'base'), nonEmptyOpt(cmd, 'top'), bandwidth, flags);
    if (!blocking) {
      await start();
      ctl.extra(active ? 'Active Block Commit started' : 'Block Commit started');
      return true;
    }
    return startAndWait(ctl, dom, { path, label: 'Block commit', verbose: cmd.bool('verbose'), timeoutMs: timeout, async: cmd.bool('async') }, start, async (status) => {
      if (!waitOutcome(ctl, status, 'Commit')) return false;
      if (!active) ctl.extra('\nCommit complete');
      else await concludeReady(ctl, dom, path, cmd, 'keep-overlay', { finished: 'Commit complete, overlay image kept', left: 'Now in synchronized phase' });
      return true;
    });
  },
});

/** The `<disk>` virsh describes a copy's destination with. */
function destinationXML(dest: string, format: string | undefined, blockdev: boolean): string {
  const esc = dest.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
  return `<disk type='${blockdev ? 'block' : 'file'}'>\n  <source ${blockdev ? 'dev' : 'file'}='${esc}'/>\n`
    + `${format !== undefined ? `  <driver type='${format}'/>\n` : ''}</disk>\n`;
}

export const blockcopy = objectCommand({
  name: 'blockcopy', group: 'domain', help: 'Start a block copy operation.', desc: 'Copy a disk backing image chain to dest.',
  object: DOMAIN,
  options: [
    pathOpt('fully-qualified path of source disk'), str('dest', 'path of the copy to create'), bandwidthHelp,
    boolOpt('shallow', 'make the copy share a backing chain'), boolOpt('reuse-external', 'reuse existing destination'),
    boolOpt('blockdev', 'copy destination is block device instead of regular file'), boolOpt('wait', 'wait for job to reach mirroring phase'),
    verboseOpt, num('timeout', 'implies --wait, abort if copy exceeds timeout (in seconds)'),
    boolOpt('pivot', 'implies --wait, pivot when mirroring starts'), boolOpt('finish', 'implies --wait, quit when mirroring starts'),
    asyncOpt, str('xml', 'filename containing XML description of the copy destination'),
    str('format', 'format of the destination file'), num('granularity', 'power-of-two granularity to use during the copy'),
    num('buf-size', 'maximum amount of in-flight data during the copy'), bytesOpt,
    boolOpt('transient-job', 'the copy job is not persisted if VM is turned off'),
    boolOpt('synchronous-writes', 'the copy job forces guest writes to be synchronously written to the destination'),
    boolOpt('print-xml', 'print the XML used to start the copy job instead of starting the job'),
  ],
  check(cmd) {
    cmd.exclusive('dest', 'xml');
    cmd.exclusive('format', 'xml');
    cmd.exclusive('blockdev', 'xml');
    cmd.exclusive('pivot', 'finish');
  },
  async run(dom, ctl, cmd) {
    const path = cmd.string('path')!;
    const dest = nonEmptyOpt(cmd, 'dest');
    const xmlFile = nonEmptyOpt(cmd, 'xml');
    const format = nonEmptyOpt(cmd, 'format');
    const blockdev = cmd.bool('blockdev');
    if (dest === undefined && xmlFile === undefined) throw new VshError('need either --dest or --xml');
    const timeout = timeoutMs(cmd);
    const blocking = cmd.bool('wait') || cmd.bool('pivot') || cmd.bool('finish') || timeout > 0;
    checkWaitOpts(cmd, blocking, 'finish');
    const bandwidth = bandwidthOpt(cmd);
    const granularity = uintOpt(cmd, 'granularity');
    const bufSize = ullOpt(cmd, 'buf-size');
    const transient = cmd.bool('transient-job');
    const sync = cmd.bool('synchronous-writes');
    const newApi = granularity || bufSize || (format !== undefined && format !== 'raw') || xmlFile !== undefined || transient || sync || cmd.bool('print-xml');
    let start: () => Promise<void>;
    if (newApi) {
      const xml = xmlFile !== undefined ? await readFile(xmlFile, 'utf8').catch((e: Error) => {
        throw new VshError(`failed to read '${xmlFile}': ${e.message}`);
      }) : destinationXML(dest!, format, blockdev);
      if (cmd.bool('print-xml')) {
        ctl.print(xml);
        return true;
      }
      const params: TypedParameter[] = [];
      if (bandwidth) params.push({ field: DomainBlockCopyParam.BANDWIDTH, type: TypedParameterType.ULLONG, value: cmd.bool('bytes') ? bandwidth : bandwidth << 20n });
      if (granularity) params.push({ field: DomainBlockCopyParam.GRANULARITY, type: TypedParameterType.UINT, value: granularity });
      if (bufSize) params.push({ field: DomainBlockCopyParam.BUF_SIZE, type: TypedParameterType.ULLONG, value: bufSize });
      const flags = (cmd.bool('shallow') ? CP.SHALLOW : 0) | (cmd.bool('reuse-external') ? CP.REUSE_EXT : 0) | (transient ? CP.TRANSIENT_JOB : 0)
        | (sync ? CP.SYNCHRONOUS_WRITES : 0);
      start = () => dom.blockCopy(path, xml, params, flags);
    } else {
      const flags = R.COPY | (blockdev ? R.COPY_DEV : 0) | (format === 'raw' ? R.COPY_RAW : 0) | (cmd.bool('shallow') ? R.SHALLOW : 0)
        | (cmd.bool('reuse-external') ? R.REUSE_EXT : 0) | (cmd.bool('bytes') ? R.BANDWIDTH_BYTES : 0);
      start = () => dom.blockRebase(path, dest, bandwidth, flags);
    }
    if (!blocking) {
      await start();
      ctl.extra('Block Copy started');
      return true;
    }
    return startAndWait(ctl, dom, { path, label: 'Block Copy', verbose: cmd.bool('verbose'), timeoutMs: timeout, async: cmd.bool('async') }, start, async (status) => {
      if (!waitOutcome(ctl, status, 'Copy')) return false;
      await concludeReady(ctl, dom, path, cmd, 'finish', { finished: 'Successfully copied', left: 'Now in mirroring phase' });
      return true;
    });
  },
});

export const blockjob = objectCommand({
  name: 'blockjob', group: 'domain', help: 'Manage active block operations', desc: 'Query, adjust speed, or cancel active block operations.',
  object: DOMAIN,
  options: [
    pathOpt('fully-qualified path of disk'), boolOpt('abort', 'abort the active job on the specified disk'),
    boolOpt('async', "implies --abort; request but don't wait for job end"), boolOpt('pivot', 'implies --abort; conclude and pivot a copy or commit job'),
    boolOpt('info', 'get active job information for the specified disk'), boolOpt('bytes', 'get/set bandwidth in bytes rather than MiB/s'),
    boolOpt('raw', 'implies --info; output details rather than human summary'), num('bandwidth', 'set the bandwidth limit in MiB/s'),
  ],
  check(cmd) {
    for (const o of ['abort', 'pivot', 'async', 'bandwidth']) cmd.exclusive('raw', o);
    for (const o of ['abort', 'pivot', 'async', 'bandwidth']) cmd.exclusive('info', o);
  },
  async run(dom, ctl, cmd) {
    const path = cmd.string('path')!;
    const bytes = cmd.bool('bytes');
    if (cmd.bool('abort') || cmd.bool('pivot') || cmd.bool('async')) {
      await dom.blockJobAbort(path, (cmd.bool('pivot') ? A.PIVOT : 0) | (cmd.bool('async') ? A.ASYNC : 0));
      return true;
    }
    if (cmd.string('bandwidth') !== undefined) {
      await dom.blockJobSetSpeed(path, bandwidthOpt(cmd), bytes ? DomainBlockJobInfoFlags.BANDWIDTH_BYTES : 0);
      return true;
    }
    const info = await dom.blockJobInfo(path, bytes ? DomainBlockJobInfoFlags.BANDWIDTH_BYTES : 0);
    const raw = cmd.bool('raw');
    if (!info) {
      if (!raw) ctl.extra(`No current block job for ${path}`);
      return true;
    }
    const name = BLOCK_JOB_NAMES[info.type] ?? BLOCK_JOB_NAMES[0]!;
    if (raw) {
      ctl.print(` type=${name}\n bandwidth=${info.bandwidth}\n cur=${info.cur}\n end=${info.end}\n`);
      return true;
    }
    printJobProgress(ctl, name, info.end - info.cur, info.end);
    const speed = bytes ? info.bandwidth : info.bandwidth << 20n;
    if (speed) ctl.print(`    Bandwidth limit: ${speed} bytes/s (${prettyCapacity(Number(speed)).replace(/ (\S+)$/, ' $1/s')})`);
    ctl.print('\n');
    return true;
  },
});

export const blockresize = objectCommand({
  name: 'blockresize', group: 'domain', help: 'Resize block device of domain.', desc: 'Resize block device of domain.',
  object: DOMAIN,
  options: [pathOpt('Fully-qualified path of block device'), { name: 'size', type: 'int', positional: true, required: true, help: 'New size of the block device, as scaled integer (default KiB)' }],
  async run(dom, ctl, cmd) {
    const path = cmd.string('path')!;
    const size = scaledOpt(cmd, 'size', 1024n)!;
    await dom.blockResize(path, size, DomainBlockResizeFlags.BYTES).catch((e) => {
      throw new CommandFailed(`Failed to resize block device '${path}'`, e);
    });
    ctl.extra(`Block device '${path}' is resized`);
    return true;
  },
});

export const domblkthreshold = objectCommand({
  name: 'domblkthreshold', group: 'domain',
  help: "set the threshold for block-threshold event for a given block device or it's backing chain element",
  desc: 'set threshold for block-threshold event for a block device',
  object: DOMAIN,
  options: [str('dev', 'device to set threshold for', true, true), { name: 'threshold', type: 'int', positional: true, required: true, help: 'threshold as a scaled number (by default bytes)' }],
  async run(dom, _ctl, cmd) {
    await dom.setBlockThreshold(cmd.string('dev')!, scaledOpt(cmd, 'threshold', 1n)!);
    return true;
  },
});
