import { runCommand } from '../command.js';

/** A run of a file: `data` is allocated (read it), otherwise a hole (reads as zeros, costs nothing). */
export interface FileExtent {
  readonly start: bigint;
  readonly end: bigint;
  readonly data: boolean;
}

interface MapEntry {
  readonly start: number;
  readonly length: number;
  readonly data: boolean;
}

/**
 * A regular file's data and holes as the file system keeps them (SEEK_DATA/SEEK_HOLE, libvirt's
 * virFileInData), asked of `qemu-img map` since Node has no binding for those seeks; adjacent
 * runs of one kind are merged. Undefined when qemu-img is missing or cannot read the file: the
 * caller then finds zeros by reading.
 */
export async function fileExtents(path: string): Promise<FileExtent[] | undefined> {
  let entries: MapEntry[];
  try {
    const { stdout } = await runCommand('qemu-img', ['map', '--output=json', '-U', '-f', 'raw', path]);
    entries = JSON.parse(stdout) as MapEntry[];
  } catch {
    return undefined;
  }
  const out: Array<{ start: bigint; end: bigint; data: boolean }> = [];
  for (const e of entries) {
    const start = BigInt(e.start);
    const end = start + BigInt(e.length);
    const last = out[out.length - 1];
    if (last && last.data === e.data && last.end === start) last.end = end;
    else out.push({ start, end, data: e.data });
  }
  return out;
}
