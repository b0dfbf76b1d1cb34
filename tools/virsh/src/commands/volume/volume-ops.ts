import { StorageVolDeleteFlags, StorageVolResizeFlags as R, StorageVolWipeAlgorithm } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { wipeWithProgress } from '../../vsh/wipe-progress.js';
import { VshError } from '../../vsh/vsh-error.js';
import { optionalString, poolOpt, volArg } from '../../storage-lookup.js';
import { parseSize } from '../../storage-sizes.js';
import { volOpt } from './volume-info.js';

const poolOfVol = poolOpt('pool name or uuid', false);

export const volDelete: CommandDef = {
  name: 'vol-delete',
  group: 'volume',
  help: 'delete a vol',
  desc: 'Delete a given vol.',
  options: [
    volOpt(), poolOfVol,
    { name: 'delete-snapshots', type: 'bool', help: 'delete snapshots associated with volume (must be supported by storage driver)' },
  ],
  async run(ctl, cmd) {
    const { vol, text } = await volArg(ctl, cmd);
    try {
      await vol.delete(cmd.bool('delete-snapshots') ? StorageVolDeleteFlags.WITH_SNAPSHOTS : 0);
    } catch (e) {
      throw new CommandFailed(`Failed to delete vol ${text}`, e);
    }
    ctl.extra(`Vol ${text} deleted\n`);
    return true;
  },
};

/** The --algorithm names virsh knows, in StorageVolWipeAlgorithm's order. */
const ALGORITHMS = Object.keys(StorageVolWipeAlgorithm).map((k) => k.toLowerCase());

export const volWipe: CommandDef = {
  name: 'vol-wipe',
  group: 'volume',
  help: 'wipe a vol',
  desc: 'Ensure data previously on a volume is not accessible to future reads',
  options: [volOpt(), poolOfVol, { name: 'algorithm', type: 'string', help: 'perform selected wiping algorithm' }],
  async run(ctl, cmd) {
    const { vol, text } = await volArg(ctl, cmd);
    const name = optionalString(cmd, 'algorithm');
    const algorithm = name === undefined ? 0 : ALGORITHMS.indexOf(name);
    if (algorithm < 0) throw new VshError(`Unsupported algorithm '${name}'`);
    try {
      await wipeWithProgress(vol, text, algorithm);
    } catch (e) {
      throw new CommandFailed(`Failed to wipe vol ${text}`, e);
    }
    ctl.extra(`Vol ${text} wiped\n`);
    return true;
  },
};

export const volResize: CommandDef = {
  name: 'vol-resize',
  group: 'volume',
  help: 'resize a vol',
  desc: 'Resizes a storage volume. This is safe only for storage volumes not in use by an active guest.\nSee blockresize for live resizing.',
  options: [
    volOpt(),
    { name: 'capacity', type: 'string', positional: true, required: true, help: 'new capacity for the vol, as scaled integer (default bytes)' },
    poolOfVol,
    { name: 'allocate', type: 'bool', help: 'allocate the new capacity, rather than leaving it sparse' },
    { name: 'delta', type: 'bool', help: 'use capacity as a delta to current size, rather than the new size' },
    { name: 'shrink', type: 'bool', help: 'allow the resize to shrink the volume' },
  ],
  async run(ctl, cmd) {
    const { vol } = await volArg(ctl, cmd);
    let text = cmd.required('capacity');
    let flags = (cmd.bool('allocate') ? R.ALLOCATE : 0) | (cmd.bool('delta') ? R.DELTA : 0) | (cmd.bool('shrink') ? R.SHRINK : 0);
    // The API takes sizes only; virsh reads a leading '-' as a shrinking delta.
    if (text.startsWith('-')) {
      if (!cmd.bool('shrink')) throw new VshError('negative size requires --shrink');
      text = text.slice(1);
      flags |= R.DELTA;
    }
    const capacity = parseSize(text);
    const how = flags & R.DELTA ? 'by' : 'to';
    try {
      await vol.resize(capacity, flags);
    } catch (e) {
      throw new CommandFailed(`Failed to change size of volume '${vol.getName()}' ${how} ${text}`, e);
    }
    ctl.extra(`Size of volume '${vol.getName()}' successfully changed ${how} ${text}\n`);
    return true;
  },
};
