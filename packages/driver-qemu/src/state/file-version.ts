import { statSync } from 'node:fs';

/**
 * Which version of a file or directory is on disk. A status or definition is written atomically
 * (a new file renamed over the old, so a new inode), an edit in place changes its size or times,
 * and a directory's times change with every file created, renamed into it or removed. ext4 does
 * not hand a freed inode out again for a while and tmpfs never does.
 */
export interface FileVersion {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

export const ABSENT: FileVersion = { ino: -1, size: -1, mtimeMs: -1, ctimeMs: -1 };

export function versionOf(path: string): FileVersion {
  return statSync(path, { throwIfNoEntry: false }) ?? ABSENT;
}

export const sameVersion = (a: FileVersion, b: FileVersion): boolean =>
  a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
