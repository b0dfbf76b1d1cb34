import { constants } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { StorageVolStreamFlags, type StorageVol } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import { ullOpt } from '../../vsh/option-values.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { poolOpt, volArg } from '../../storage-lookup.js';
import { volOpt } from './volume-info.js';

/** What vol-download and vol-upload share: the volume, then the range and the file, in virsh's order. */
async function transferArgs(ctl: Ctl, cmd: ParsedCommand): Promise<{ vol: StorageVol; text: string; offset: bigint; length: bigint; file: string; flags: number }> {
  const { vol, text } = await volArg(ctl, cmd);
  const offset = ullOpt(cmd, 'offset') ?? 0n;
  const length = ullOpt(cmd, 'length') ?? 0n;
  const file = cmd.required('file');
  return { vol, text, offset, length, file, flags: cmd.bool('sparse') ? StorageVolStreamFlags.SPARSE_STREAM : 0 };
}

function transferCommand(name: string, help: string, direction: 'from' | 'to'): CommandDef {
  return {
    name,
    group: 'volume',
    help,
    desc: help.charAt(0).toUpperCase() + help.slice(1),
    options: [
      volOpt(),
      { name: 'file', type: 'string', positional: true, required: true, help: 'file' },
      poolOpt('pool name or uuid', false),
      { name: 'offset', type: 'int', help: `volume offset to ${direction === 'from' ? 'download from' : 'upload to'}` },
      { name: 'length', type: 'int', help: `amount of data to ${direction === 'from' ? 'download' : 'upload'}` },
      { name: 'sparse', type: 'bool', help: 'preserve sparseness of volume' },
    ],
    run: direction === 'from' ? download : upload,
  };
}

/** Opens the target as virsh does: a new file, else an existing one emptied; answers whether it made the file. */
async function createTarget(file: string): Promise<{ fh: FileHandle; created: boolean }> {
  try {
    return { fh: await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666), created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new VshError(`cannot create ${file}`);
  }
  try {
    return { fh: await open(file, constants.O_WRONLY | constants.O_TRUNC, 0o666), created: false };
  } catch {
    throw new VshError(`cannot create ${file}`);
  }
}

async function download(ctl: Ctl, cmd: ParsedCommand): Promise<boolean> {
  const { vol, text, offset, length, file, flags } = await transferArgs(ctl, cmd);
  const { fh, created } = await createTarget(file);
  let ok = false;
  try {
    let chunks: AsyncIterable<Uint8Array>;
    try {
      chunks = await vol.download(offset, length, flags);
    } catch (e) {
      throw new CommandFailed(`cannot download from volume ${text}`, e);
    }
    for await (const chunk of chunks) await fh.write(chunk);
    ok = true;
  } finally {
    await fh.close();
    // A file virsh made for a download that failed is removed again.
    if (!ok && created) await unlink(file).catch(() => undefined);
  }
  return true;
}

async function upload(ctl: Ctl, cmd: ParsedCommand): Promise<boolean> {
  const { vol, text, offset, length, file, flags } = await transferArgs(ctl, cmd);
  let fh: FileHandle;
  try {
    fh = await open(file, constants.O_RDONLY);
  } catch {
    throw new VshError(`cannot read ${file}`);
  }
  // The stream owns the file from here and closes it when destroyed, read or not.
  const data = fh.createReadStream();
  try {
    await vol.upload(data, offset, length, flags);
  } catch (e) {
    throw new CommandFailed(`cannot upload to volume ${text}`, e);
  } finally {
    data.destroy();
  }
  return true;
}

export const volDownload = transferCommand('vol-download', 'download volume contents to a file', 'from');
export const volUpload = transferCommand('vol-upload', 'upload file contents to a volume', 'to');
